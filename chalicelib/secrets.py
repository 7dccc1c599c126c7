"""Secrets Manager: where signing keys live, outside the table. Locally the same calls go to moto."""
import functools
import json

import boto3

from . import config


@functools.lru_cache(maxsize=1)
def _client():
    return boto3.client("secretsmanager", region_name=config.region())


def read(name: str) -> dict | None:
    try:
        return json.loads(_client().get_secret_value(SecretId=name)["SecretString"])
    except _client().exceptions.ResourceNotFoundException:
        return None


def create(name: str, value: dict) -> bool:
    """Create the secret; False when it exists already (someone else created it first)."""
    try:
        _client().create_secret(Name=name, SecretString=json.dumps(value))
    except _client().exceptions.ResourceExistsException:
        return False
    return True
