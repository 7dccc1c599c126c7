"""Batch download jobs (pk DL#id; gsi1 DLUSER#username / created_at: a user's recent jobs)."""
from .items import HEX_ID, read
from .masterdata import to_dict
from .models import DownloadJob, Entity


def put(job: dict) -> None:
    DownloadJob(f"DL#{job['id']}", "DL", gsi1pk=f"DLUSER#{job['requested_by']}", gsi1sk=job["created_at"],
                **job).save(condition=Entity.pk.does_not_exist())


def get(job_id: str) -> dict | None:
    return read(DownloadJob, f"DL#{job_id}", "DL") if HEX_ID.match(job_id or "") else None


def recent(username: str, since: str) -> list[dict]:
    """The user's jobs created at or after ``since`` (ISO time), newest first."""
    return [to_dict(j) for j in DownloadJob.gsi1.query(f"DLUSER#{username}", Entity.gsi1sk >= since,
                                                       scan_index_forward=False)]


def update(job_id: str, **fields) -> None:
    DownloadJob(f"DL#{job_id}", "DL").update(
        actions=[getattr(DownloadJob, k).set(v) for k, v in fields.items()], add_version_condition=False)
