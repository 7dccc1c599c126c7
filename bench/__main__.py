"""``make bench``: the figures the issues ask for, measured on the embedded AWS (moto).

Each part runs in its own process with its own embedded AWS, so one part's data never slows another.
"""
import os
import subprocess
import sys

PARTS = {"signoff": "sign-off (issue 3)", "issuance": "issuance (issue 4)"}

PARTS["localstack"] = "the local stack (issue 15: pipeline efficiency, list page scale)"


def main(argv: list[str]) -> int:
    if argv:
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
        os.environ.setdefault("SKILLCERT_TOKEN_SECRET", "bench-secret-" + "x" * 40)
        import importlib
        for line in importlib.import_module(f"bench.{argv[0]}").run():
            print(line, flush=True)
        return 0
    for part, title in PARTS.items():
        print(f"== {title} ==", flush=True)
        subprocess.run([sys.executable, "-m", "bench", part], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
