"""``make bench``: the figures the issues ask for, measured on the embedded AWS (moto)."""
import os

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("SKILLCERT_TOKEN_SECRET", "bench-secret-" + "x" * 40)

from . import signoff  # noqa: E402  (after the environment is set)

if __name__ == "__main__":
    print("== sign-off (issue 3) ==")
    for line in signoff.run():
        print(line)
