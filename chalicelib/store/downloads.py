"""Batch download jobs (pk DL#id)."""
import re

from .masterdata import to_dict
from .models import DownloadJob, Entity

JOB_ID = re.compile(r"^[0-9a-f]{32}$")


def put(job: dict) -> None:
    DownloadJob(f"DL#{job['id']}", "DL", **job).save(condition=Entity.pk.does_not_exist())


def get(job_id: str) -> dict | None:
    if not JOB_ID.match(job_id or ""):
        return None
    try:
        return to_dict(DownloadJob.get(f"DL#{job_id}", "DL", consistent_read=True))
    except DownloadJob.DoesNotExist:
        return None


def update(job_id: str, **fields) -> None:
    DownloadJob(f"DL#{job_id}", "DL").update(
        actions=[getattr(DownloadJob, k).set(v) for k, v in fields.items()], add_version_condition=False)
