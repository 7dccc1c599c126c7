"""AWS KMS: where every signing key lives (the platform CA's and each TEO's). Keys are asymmetric
``ECC_NIST_P256`` / ``SIGN_VERIFY`` and are created inside KMS; only their public halves and signatures
ever leave it. Locally the same calls go to moto.

Keys carry the tag ``skillcert-keys=<prefix>`` and an alias under ``alias/<prefix>/``: the IAM policy
lets the functions sign only with keys so tagged.
"""
import functools
import hashlib

import boto3

from . import config

TAG = "skillcert-keys"
_RAW_LIMIT = 4096          # KMS signs a RAW message of at most 4 KB; beyond it we send the SHA-256 digest


@functools.lru_cache(maxsize=1)
def _client():
    return boto3.client("kms", region_name=config.region())


def alias(name: str) -> str:
    return f"alias/{config.key_prefix()}/{name}"


def create_key(name: str, description: str) -> str:
    """A new P-256 signing key named ``alias/<prefix>/<name>``; returns its key id. Of two processes
    creating the same name at once, the first to name its key wins and both get that key."""
    key_id = _client().create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Description=description,
                                  Tags=[{"TagKey": TAG, "TagValue": config.key_prefix()}])["KeyMetadata"]["KeyId"]
    try:
        _client().create_alias(AliasName=alias(name), TargetKeyId=key_id)
    except _client().exceptions.AlreadyExistsException:
        retire(key_id)
        return find(name)
    return key_id


def find(name: str) -> str | None:
    """The key id behind ``alias/<prefix>/<name>``, or None."""
    try:
        return _client().describe_key(KeyId=alias(name))["KeyMetadata"]["KeyId"]
    except _client().exceptions.NotFoundException:
        return None


@functools.lru_cache(maxsize=128)
def public_key_der(key_id: str) -> bytes:
    """The key's SubjectPublicKeyInfo (DER); a key's public half never changes, so it is cached."""
    return _client().get_public_key(KeyId=key_id)["PublicKey"]


def sign(key_id: str, message: bytes) -> bytes:
    """An ECDSA P-256 / SHA-256 signature of ``message`` (DER-encoded), made inside KMS. The message goes
    as RAW (KMS hashes it) while it fits; longer ones go as their digest."""
    if len(message) <= _RAW_LIMIT:
        args = {"Message": message, "MessageType": "RAW"}
    else:
        args = {"Message": hashlib.sha256(message).digest(), "MessageType": "DIGEST"}
    return _client().sign(KeyId=key_id, SigningAlgorithm="ECDSA_SHA_256", **args)["Signature"]


def retire(key_id: str) -> None:
    """A key that must sign no more (a revoked seal, a lost race): disabled, so KMS refuses to use it."""
    _client().disable_key(KeyId=key_id)
