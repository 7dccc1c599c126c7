"""Cold start: ``import app`` beside the framework and clients it cannot do without, each the median of 7
fresh processes (the import alone, interpreter start-up left out)."""
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
FRAMEWORK = "chalice, boto3, pynamodb.models, jwt"


def _median_ms(modules: str) -> float:
    probe = f"import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=os.environ, check=True,
                                  capture_output=True, text=True).stdout.split()[-1]) for _ in range(RUNS)]
    return statistics.median(times) * 1000


def run() -> tuple[list[str], dict]:
    app_ms, framework_ms = _median_ms("app"), _median_ms(FRAMEWORK)
    ratio = app_ms / framework_ms
    return ([f"import app: {app_ms:.0f} ms; import {FRAMEWORK}: {framework_ms:.0f} ms (medians of {RUNS} "
             f"fresh processes); ratio {ratio:.2f}   (aim ≤ 1.3)"],
            {"import_app_ms": round(app_ms), "import_framework_ms": round(framework_ms),
             "import_ratio": round(ratio, 2)})
