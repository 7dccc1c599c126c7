"""The AWS adapters behind each port (``chalicelib.ports``): DynamoDB through pynamodb, S3, SQS and KMS.
Loaded the first time a service reaches a port. The key, token and PDF-seal adapters load cryptography
and pyHanko, so they are imported on their first use: a request that signs nothing never pays for them."""
from . import clock, files, jobqueue, lazy
from .store import (
    downloads,
    issued,
    masterdata,
    outbox,
    records,
    seal_applications,
    sequences,
    sessions,
    statuslist,
    throttle,
)


def aws() -> dict:
    return {
        "records": records, "issued": issued, "sequences": sequences, "outbox": outbox, "sessions": sessions,
        "master": masterdata, "seal_applications": seal_applications, "status_lists": statuslist,
        "throttle": throttle, "downloads": downloads, "files": files, "queue": jobqueue, "clock": clock,
        "keys": lazy.module("chalicelib.pki"), "tokens": lazy.module("chalicelib.jws"),
        "pdf_seal": lazy.module("chalicelib.pades_seal"),
    }
