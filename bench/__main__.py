"""``make bench``: the figures the issues ask for, measured on the embedded AWS (moto).

Each part runs in its own process with its own embedded AWS, so one part's data never slows another. A
part is a module with ``run()`` returning its printed lines, or ``(lines, figures)``: the figures (a flat
dict) of every part are merged into ``out/bench.json``.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PARTS = {"coldstart": "cold start (issue 15)", "signoff": "sign-off (issue 3)", "issuance": "issuance (issue 4)",
         "localstack": "the local stack (issue 15: pipeline efficiency, list page scale)"}
OUT = Path(__file__).resolve().parent.parent / "out" / "bench.json"


def _run_part(name: str, figures_file: str) -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.setdefault("SKILLCERT_TOKEN_SECRET", "bench-secret-" + "x" * 40)
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")    # the figures, not a line per stamped message
    import importlib
    result = importlib.import_module(f"bench.{name}").run()
    lines, figures = result if isinstance(result, tuple) else (result, {})
    for line in lines:
        print(line, flush=True)
    Path(figures_file).write_text(json.dumps(figures))


def main(argv: list[str]) -> int:
    if argv:
        _run_part(*argv)
        return 0
    figures: dict = {}
    for part, title in PARTS.items():
        print(f"== {title} ==", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run([sys.executable, "-m", "bench", part, out.name], check=True)
            figures.update(json.loads(Path(out.name).read_text() or "{}"))
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    print(f"figures written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
