"""Cold start: ``import app`` beside the framework and clients it cannot do without, each the median of 7
fresh processes (the import alone, interpreter start-up left out). Both sides import compiled bytecode, as
on any machine that has run the code once (the installed libraries always have theirs): a warm-up run
writes the project's ``.pyc`` even where ``PYTHONDONTWRITEBYTECODE`` is set."""
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
FRAMEWORK = "chalice, boto3, pynamodb.models, jwt"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _import_ms(modules: str) -> float:
    probe = f"import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=ENV, check=True, capture_output=True,
                         text=True).stdout
    return float(out.split()[-1]) * 1000


def run() -> tuple[list[str], dict]:
    _import_ms("app")            # writes the bytecode
    # Alternated, so a burst of load on a shared machine falls on both sides alike.
    pairs = [(_import_ms("app"), _import_ms(FRAMEWORK)) for _ in range(RUNS)]
    app_ms, framework_ms = (statistics.median(side) for side in zip(*pairs, strict=True))
    ratio = app_ms / framework_ms
    return ([f"import app: {app_ms:.0f} ms; import {FRAMEWORK}: {framework_ms:.0f} ms (medians of {RUNS} "
             f"fresh processes each, alternated); ratio {ratio:.2f}   (aim ≤ 1.3)"],
            {"import_app_ms": round(app_ms), "import_framework_ms": round(framework_ms),
             "import_ratio": round(ratio, 2)})
