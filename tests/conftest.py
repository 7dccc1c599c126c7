import os

# Unit and integration tests alike never reach real AWS: fake credentials, and a fixed token secret.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
os.environ.setdefault("AWS_DEFAULT_REGION", "cn-north-1")
os.environ.setdefault("SKILLCERT_TOKEN_SECRET", "test-secret-" + "x" * 40)
