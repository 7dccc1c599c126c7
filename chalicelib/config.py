"""Settings, read from the environment when first needed.

Chalice applies a stage's environment variables only when a function is invoked, so nothing here is read
at import time. AWS endpoints are never configured here: boto3 and pynamodb read the standard
``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_<SERVICE>`` variables, so the same code runs on moto, LocalStack
and AWS.
"""
import functools
import os


def _get(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"environment variable {name} is not set")
    return value


def table_name() -> str:
    return _get("SKILLCERT_TABLE", "skillcert")


def bucket_name() -> str:
    return _get("SKILLCERT_BUCKET", "skillcert-files")


def queue_name() -> str:
    return _get("SKILLCERT_QUEUE", "skillcert-stamping")


def downloads_queue_name() -> str:
    return _get("SKILLCERT_DOWNLOADS_QUEUE", "skillcert-downloads")


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "cn-north-1"


def verify_limit() -> int:
    """Public verification attempts per client address per minute: enough for people, not for guessing."""
    return int(_get("SKILLCERT_VERIFY_LIMIT", "30"))


def login_address_limit() -> int:
    """Failed logins per client address per 15 minutes, over all accounts (password spraying)."""
    return int(_get("SKILLCERT_LOGIN_ADDRESS_LIMIT", "50"))


def key_prefix() -> str:
    """The stage's signing keys in KMS: aliases ``alias/<prefix>/ca`` and ``alias/<prefix>/seal/<org>/<n>``,
    each key tagged ``skillcert-keys=<prefix>`` (what the IAM policy allows to sign)."""
    return _get("SKILLCERT_KEY_PREFIX", "skillcert/local")


def token_secret() -> str:
    """The HMAC key that signs login tokens: ``SKILLCERT_TOKEN_SECRET`` itself, or (on AWS) the Secrets
    Manager secret named by ``SKILLCERT_TOKEN_SECRET_ARN``. There is no default, so no stage can forget it."""
    arn = os.environ.get("SKILLCERT_TOKEN_SECRET_ARN")
    secret = os.environ.get("SKILLCERT_TOKEN_SECRET") or (_secret_value(arn) if arn else _get("SKILLCERT_TOKEN_SECRET"))
    if len(secret) < 32:
        raise RuntimeError("SKILLCERT_TOKEN_SECRET must be at least 32 characters")
    return secret


def token_ttl_seconds() -> int:
    return int(_get("SKILLCERT_TOKEN_TTL", "28800"))


def certification_authority() -> str:
    """The e-seal applications' 受理单位 (the electronic certification service that reviews them)."""
    return _get("SKILLCERT_CERT_AUTHORITY", "平台电子认证服务")


def public_base_url() -> str:
    """Where the web UI is served; used in links (signing URL, verification QR)."""
    return _get("SKILLCERT_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


@functools.lru_cache(maxsize=4)
def _secret_value(arn: str) -> str:
    import boto3  # only on AWS; read once per process
    return boto3.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
