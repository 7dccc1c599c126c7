"""An API cold start loads only routing, auth and the store: the PDF, image, spreadsheet and QR libraries,
the PKI's, Powertools and python-stdnum load on the paths that use them, and an api module's service with
its route's first request (chalicelib/lazy.py). New code importing one of them at module level, anywhere
`app` reaches, fails here."""
import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("pyhanko", "reportlab", "openpyxl", "PIL", "qrcode")
# A few milliseconds each, and nothing routing, auth or the store needs.
DEFERRED = ("asn1crypto", "aws_lambda_powertools", "stdnum", "zoneinfo", "jsonschema", "tenacity",
            "chalicelib.pki", "chalicelib.jws", "chalicelib.kms", "chalicelib.pades_check",
            "chalicelib.services.certificates", "chalicelib.services.credentials",
            "chalicelib.services.seal_applications", "chalicelib.services.issuance", "chalicelib.services.jobs",
            "chalicelib.services.certificate_making", "chalicelib.services.downloads",
            "chalicelib.services.exports", "chalicelib.services.printing", "chalicelib.services.signature_stamps")


def test_import_app_leaves_the_heavy_libraries_unloaded():
    probe = (f"import json, sys, app; print(json.dumps(sorted(m for m in {HEAVY + DEFERRED!r} "
             f"if m in sys.modules)))")
    env = {**os.environ, "SKILLCERT_TOKEN_SECRET": "cold-start-" + "x" * 40}
    out = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[2], env=env,
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out.splitlines()[-1]) == []


def test_what_the_routes_declare_lazily_resolves():
    """A misspelt lazy service would otherwise surface only as a 500 at the route's first request."""
    import app  # noqa: F401 - registers every route
    from chalicelib.api.endpoint import ENDPOINTS
    from chalicelib.domain.access import Role
    for ep in ENDPOINTS:
        assert ep.roles is None or (ep.roles and all(isinstance(r, Role) for r in ep.roles)), ep.path
        assert isinstance(ep.media, str), ep.path
