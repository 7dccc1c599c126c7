"""Every file tells the truth about itself: each PDF version's QR code names its version, so scanning a
replaced file says so (by which version, since when) instead of "与平台存档一致"; an upload says the
same; a revoked certificate says revoked, with the reason, on every channel."""
import base64
import subprocess

import requests

from chalicelib.store import issued as issued_files
from chalicelib.store import records

from .conftest import assert_error
from .signoff import fresh_plan, ready, wait_for
from .test_issuance_api import fetch_pdf, issue


def scan(pdf: bytes, tmp_path, name: str) -> str:
    """The link in the PDF's QR code, read from outside: poppler rasterises the page, zbar decodes it."""
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-singlefile", str(tmp_path / f"{name}.pdf"),
                    str(tmp_path / name)], check=True)
    return subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / f"{name}.png")], capture_output=True,
                          text=True, check=True).stdout.strip()


def issued(api) -> str:
    (rid,) = ready(api, fresh_plan(api, per_site=1, sites=("bjtu",)))
    issue(api, [rid])
    assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED"}
    return rid


def reissued(api, rid: str) -> None:
    assert api.post("/records/reissue", as_="teo", json={"record_ids": [rid]}).json()["applied"] == [rid]
    issue(api, [rid])
    assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED"}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_the_qr_code_of_a_replaced_file_says_it_was_replaced(api, running, tmp_path):
    rid = issued(api)
    _, old = fetch_pdf(api, rid)
    reissued(api, rid)
    _, new = fetch_pdf(api, rid)
    old_link, new_link = scan(old, tmp_path, "old"), scan(new, tmp_path, "new")
    rec = records.get(rid)
    assert old_link.endswith(f"/verify/{rec['cert_no']}?code={rec['verification_code']}&v=1")
    assert new_link.endswith("&v=2")
    replaced_at = next(v["created_at"] for v in issued_files.versions(rid) if int(v["version"]) == 2)

    old_answer = requests.get(running.api + old_link[len(running.url):], timeout=10).json()
    assert old_answer["file"] == {"version": 1, "current": False, "superseded_at": replaced_at, "current_version": 2}
    assert old_answer["version"] == 2 and old_answer["sha256"] == rec["pdf_sha256"]     # the current facts
    new_answer = requests.get(running.api + new_link[len(running.url):], timeout=10).json()
    assert new_answer["file"] == {"version": 2, "current": True, "superseded_at": None, "current_version": 2}

    # A link printed before versions were named still answers, without a file to speak of.
    legacy = api.get(f"/verify/{rec['cert_no']}?code={rec['verification_code']}")
    assert legacy.status_code == 200 and legacy.json()["status"] == "valid" and "file" not in legacy.json()
    for bad in ("3", "0", "x", "²", "1" * 40):
        assert_error(api.get(f"/verify/{rec['cert_no']}?code={rec['verification_code']}&v={bad}"), 400,
                     "invalid_version")
    assert_error(api.get(f"/verify/{rec['cert_no']}?code=WRONGCODE0&v=1"), 404, "certificate_not_found")

    # Uploading the old file says the same: superseded, by version 2, since then.
    out = api.post("/verify/pdf", json={"pdf_base64": b64(old)}).json()
    assert out["result"] == "superseded" and out["certificate"]["file"]["current"] is False
    assert out["certificate"]["file"]["superseded_at"] == replaced_at
    out = api.post("/verify/pdf", json={"pdf_base64": b64(new)}).json()
    assert out["result"] == "genuine" and out["certificate"]["file"]["current"] is True


def test_a_revoked_certificate_says_so_with_the_reason_on_every_channel(api, tmp_path):
    rid = issued(api)
    _, pdf = fetch_pdf(api, rid)
    reason = "考核舞弊，撤销证书"
    assert api.post(f"/records/{rid}/revoke", as_="teo", json={"reason": reason}).status_code == 200
    rec = records.get(rid)
    link = scan(pdf, tmp_path, "revoked")
    answers = [api.get(f"/verify?cert_no={rec['cert_no']}&id_no={rec['id_number']}").json(),
               api.get(link[link.index("/verify/"):]).json()]
    uploaded = api.post("/verify/pdf", json={"pdf_base64": b64(pdf)}).json()
    answers.append(uploaded["certificate"])
    said = [(a["status"], a["status_label"], a["revoked_reason"]) for a in answers]
    assert said == [("revoked", "已撤销", reason)] * 3
    assert uploaded["result"] == "revoked" and reason in uploaded["result_label"]
    # What anyone may read names the certificate, never the platform's internal record id.
    assert all("record_id" not in a for a in answers) and rid not in str(uploaded)
