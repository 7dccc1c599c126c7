"""S3: every object written or read, and every presigned link, is made here.

Links are SigV4 presigned GETs that expire in minutes and name a single object; the files themselves
never pass through the API.
"""
import functools
import os
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from . import config
from .ports import FileMissing

LINK_SECONDS = 300

# Every key prefix the code writes, with how many days its objects live (None: kept). The bucket's
# lifecycle rules are generated from this table (deploy/template.py) and ``put`` refuses any other
# prefix, so a new kind of temporary file cannot be forgotten by the expiry rules.
PREFIXES: dict[str, int | None] = {
    "certificates/": None,     # every PDF version, kept for verification
    "signatures/": None,       # the drawn signatures: sign-off evidence
    "photos/": None,           # candidates' photos, printed on their certificates
    "stamps/": None,           # responsible persons' stamps and the e-seal images (content-addressed)
    "seals/": None,
    "templates/": None,        # 下载导入模板, rewritten on demand
    "lists/": 1,               # generation's name lists
    "exports/": 1,             # xlsx exports
    "downloads/": 1,           # batch ZIPs
    "previews/": 1,            # stamp previews
}


def expiring_prefixes() -> dict[str, int]:
    return {prefix: days for prefix, days in PREFIXES.items() if days}


@functools.lru_cache(maxsize=1)
def _client():
    # An endpoint override (moto, LocalStack) is reached by path-style URLs; AWS itself by virtual hosts.
    custom = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    return boto3.client("s3", config=Config(signature_version="s3v4", region_name=config.region(),
                                            s3={"addressing_style": "path" if custom else "virtual"}))


def put(key: str, data: bytes, content_type: str, metadata: dict[str, str] | None = None) -> None:
    if not any(key.startswith(prefix) for prefix in PREFIXES):
        raise ValueError(f"undeclared S3 key prefix: {key} (declare it in files.PREFIXES)")
    _client().put_object(Bucket=config.bucket_name(), Key=key, Body=data, ContentType=content_type,
                         Metadata={k: quote(v) for k, v in (metadata or {}).items()})


def delete(keys: list[str]) -> None:
    """Remove objects, a thousand per request as S3 takes them."""
    for start in range(0, len(keys), 1000):
        _client().delete_objects(Bucket=config.bucket_name(), Delete={
            "Objects": [{"Key": k} for k in keys[start:start + 1000]], "Quiet": True})


def try_put(key: str, data: bytes, content_type: str) -> bool:
    """``put`` for one of many independent files: False when S3 refused it or could not be reached."""
    try:
        put(key, data, content_type)
    except (BotoCoreError, ClientError):
        return False
    return True


def discard(keys: list[str]) -> bool:
    """Best-effort ``delete``: False when S3 refused or could not be reached (the caller only logs it)."""
    try:
        delete(keys)
    except (BotoCoreError, ClientError):
        return False
    return True


def read(key: str) -> bytes:
    try:
        return _client().get_object(Bucket=config.bucket_name(), Key=key)["Body"].read()
    except _client().exceptions.NoSuchKey:
        raise FileMissing(key) from None


def link(key: str, filename: str | None = None, seconds: int = LINK_SECONDS) -> str:
    params = {"Bucket": config.bucket_name(), "Key": key}
    if filename:
        params["ResponseContentDisposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return _client().generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)
