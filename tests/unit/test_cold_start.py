"""An API cold start loads only routing, auth and the store: the PDF, image, spreadsheet and QR libraries
load on the paths that use them (chalicelib/lazy.py). New code importing one of them at module level,
anywhere `app` reaches, fails here."""
import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("pyhanko", "reportlab", "openpyxl", "PIL", "qrcode")


def test_import_app_leaves_the_heavy_libraries_unloaded():
    probe = f"import json, sys, app; print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    env = {**os.environ, "SKILLCERT_TOKEN_SECRET": "cold-start-" + "x" * 40}
    out = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[2], env=env,
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out.splitlines()[-1]) == []
