"""The e-seal: applications, approval, PAdES signatures on electronic certificates validated with pyHanko
against the platform CA, verification by upload, revocation."""
import base64
import io

from asn1crypto import pem
from asn1crypto import x509 as ax509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from .conftest import assert_error
from .signoff import fresh_plan, ready, wait_for
from .test_issuance_api import fetch_pdf, issue


def ca(api) -> ax509.Certificate:
    r = api.get("/ca.pem")
    assert r.status_code == 200 and r.text.startswith("-----BEGIN CERTIFICATE-----")
    return ax509.Certificate.load(pem.unarmor(r.content)[2])


def validate(pdf: bytes, root: ax509.Certificate):
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    assert len(reader.embedded_signatures) == 1
    return validate_pdf_signature(reader.embedded_signatures[0], ValidationContext(trust_roots=[root]))


def issued(api, method="electronic", sites=("bjtu",)) -> str:
    plan = fresh_plan(api, per_site=1, sites=sites)
    (rid,) = ready(api, plan)
    issue(api, [rid], method)
    assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED"}
    return rid


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_electronic_certificates_carry_a_valid_seal_that_breaks_when_a_byte_changes(api):
    root = ca(api)
    _, pdf = fetch_pdf(api, issued(api))
    status = validate(pdf, root)
    assert status.bottom_line and status.intact and status.trusted
    assert status.signing_cert.subject.native["organization_name"] == "中物联物流"
    assert status.coverage.name == "ENTIRE_FILE"          # nothing was added after signing
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    signed_until = int(reader.embedded_signatures[0].sig_object["/ByteRange"][1])
    tampered = bytearray(pdf)
    tampered[signed_until // 2] ^= 0x01                    # one byte inside the signed range
    assert not validate(bytes(tampered), root).intact


def test_paper_certificates_are_not_signed(api):
    _, pdf = fetch_pdf(api, issued(api, "paper"))
    assert PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures == []


def test_verify_by_upload_tells_genuine_superseded_altered_and_unknown(api):
    rid = issued(api)
    _, first = fetch_pdf(api, rid)
    r = api.post("/verify/pdf", json={"pdf_base64": b64(first)}).json()
    assert r["result"] == "genuine" and r["signature"]["intact"] and r["signature"]["trusted"]
    assert r["certificate"]["status"] == "valid"
    api.post("/records/reissue", as_="teo", json={"record_ids": [rid]})
    issue(api, [rid])
    wait_for(api, [rid], {"ISSUED"})
    assert api.post("/verify/pdf", json={"pdf_base64": b64(first)}).json()["result"] == "superseded"
    _, second = fetch_pdf(api, rid)
    assert api.post("/verify/pdf", json={"pdf_base64": b64(second)}).json()["result"] == "genuine"
    altered = bytearray(second)
    index = altered.find(b"/Producer") if b"/Producer" in altered else len(altered) // 3
    altered[index + 2] ^= 0x01
    out = api.post("/verify/pdf", json={"pdf_base64": b64(bytes(altered))}).json()
    assert out["result"] == "altered" and not out["signature"]["intact"]
    unknown = api.post("/verify/pdf", json={"pdf_base64": b64(b"%PDF-1.4\n%fake\n%%EOF\n")}).json()
    assert unknown["result"] == "unknown" and not unknown["signature"]["signed"]
    assert_error(api.post("/verify/pdf", json={"pdf_base64": b64(b"not a pdf")}), 400, "not_a_pdf")


def test_a_revoked_certificate_verifies_as_revoked(api):
    rid = issued(api)
    _, pdf = fetch_pdf(api, rid)
    # The server offers 撤销证书 to the TEO's staff only, in the list row and the record alike.
    assert "revoke" in api.get(f"/records/{rid}", as_="teo").json()["actions"]
    listed = api.get("/records?status=ISSUED&page_size=100", as_="teo").json()["items"]
    assert "revoke" in next(r for r in listed if r["id"] == rid)["actions"]
    assert "revoke" not in api.get(f"/records/{rid}", as_="teo_signer").json()["actions"]
    assert_error(api.post(f"/records/{rid}/revoke", as_="teo", json={"reason": " "}), 400, "reason_required")
    assert_error(api.post(f"/records/{rid}/revoke", as_="teo2", json={"reason": "x"}), 404)
    r = api.post(f"/records/{rid}/revoke", as_="teo", json={"reason": "考试作弊，撤销证书"})
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    out = api.post("/verify/pdf", json={"pdf_base64": b64(pdf)}).json()
    assert out["result"] == "revoked" and out["certificate"]["revoked_reason"] == "考试作弊，撤销证书"
    from chalicelib.store import records
    rec = records.get(rid)
    facts = api.get(f"/verify/{rec['cert_no']}?code={rec['verification_code']}").json()
    assert facts["status"] == "revoked" and facts["status_label"] == "已撤销"
    assert_error(api.post(f"/records/{rid}/revoke", as_="teo", json={"reason": "again"}), 409)
    skipped = api.post("/records/reissue", as_="teo", json={"record_ids": [rid]}).json()
    assert skipped["applied"] == [] and "撤销" in skipped["skipped"][0]["reason"]
    # Staff see it too: the record says 已撤销 with why, and no longer offers 重新发放.
    row = api.get(f"/records/{rid}", as_="teo").json()
    assert row["revoked"] and row["revoked_reason"] == "考试作弊，撤销证书" and "reissue" not in row["actions"]
    assert "revoke" not in row["actions"]


def test_a_teo_applies_the_admin_decides_and_its_certificates_get_sealed(api):
    # 中科信培 (the demo's teo2) has no e-seal: issuing electronically is refused with that reason.
    waiting = api.get("/records?status=READY", as_="teo2").json()["items"][:3]
    ids = [r["id"] for r in waiting]
    refused = assert_error(api.post("/records/issue", as_="teo2", json={"record_ids": ids, "method": "electronic"}),
                           409, "issue_prerequisites_missing")
    assert "尚未取得电子公章" in refused["message"]
    bad = {"legal_representative": "李华", "contact_name": "李华", "contact_phone": "12345"}
    assert_error(api.post("/orgs/zkxp/seal-application", as_="teo2", json=bad), 400)
    assert_error(api.post("/orgs/zkxp/seal-application", as_="teo", json={**bad, "contact_phone": "13911112222"}),
                 404)
    good = {**bad, "contact_phone": "13911112222", "seal_text": "中科信培教育科技有限公司"}
    first = api.post("/orgs/zkxp/seal-application", as_="teo2", json=good)
    assert first.status_code == 201 and first.json()["status"] == "submitted"
    assert_error(api.post("/orgs/zkxp/seal-application", as_="teo2", json=good), 409, "application_pending")
    listed = api.get("/admin/seal-applications", as_="admin").json()["items"]
    assert first.json()["id"] in [a["id"] for a in listed]
    path = f"/admin/seal-applications/{first.json()['id']}/decision"
    assert_error(api.post(path, as_="admin", json={"decision": "reject"}), 400, "reason_required")
    assert api.post(path, as_="admin", json={"decision": "reject", "reason": "法定代表人信息有误"}).json()[
        "status"] == "rejected"
    again = api.post("/orgs/zkxp/seal-application", as_="teo2", json=good).json()
    assert api.get("/orgs/zkxp/seal-application", as_="teo2").json()["application"]["status"] == "submitted"
    assert_error(api.post(f"/admin/seal-applications/{again['id']}/decision", as_="teo2",
                          json={"decision": "approve"}), 403)
    approved = api.post(f"/admin/seal-applications/{again['id']}/decision", as_="admin", json={"decision": "approve"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert api.get("/orgs/zkxp/seal-application", as_="teo2").json()["seal_status"] == "active"
    r = api.post("/records/issue", as_="teo2", json={"record_ids": ids, "method": "electronic"})
    assert r.status_code == 202
    assert wait_for(api, ids, {"ISSUED", "STAMP_FAILED"}, as_="teo2") == {i: "ISSUED" for i in ids}
    _, pdf = fetch_pdf(api, ids[0], as_="teo2")
    status = validate(pdf, ca(api))
    assert status.bottom_line and status.signing_cert.subject.native["organization_name"] == "中科信培教育科技"


def reapprove(api, org: str = "zwl") -> None:
    """A new e-seal for the TEO (a new KMS key and certificate), as the admin grants one after a revocation."""
    application = api.post(f"/orgs/{org}/seal-application", as_="teo", json={
        "legal_representative": "张明", "contact_name": "张明", "contact_phone": "13260262431"}).json()
    r = api.post(f"/admin/seal-applications/{application['id']}/decision", as_="admin", json={"decision": "approve"})
    assert r.status_code == 200, r.text


def test_a_withdrawn_seal_stops_electronic_issuance_with_that_reason(api):
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    (rid,) = ready(api, plan)
    assert_error(api.post("/admin/orgs/zwl/seal/revoke", as_="teo", json={"reason": "密钥遗失"}), 403)
    assert api.post("/admin/orgs/zwl/seal/revoke", as_="admin", json={"reason": "密钥遗失"}).status_code == 200
    try:
        body = {"record_ids": [rid], "method": "electronic"}
        refused = assert_error(api.post("/records/issue", as_="teo", json=body), 409, "issue_prerequisites_missing")
        assert "吊销" in refused["message"] and api.get(f"/records/{rid}", as_="teo").json()["status"] == "READY"
    finally:
        reapprove(api)          # the other tests' TEO gets a valid seal again (the revoked one stays revoked)


def test_two_decisions_at_once_only_one_acts(api):
    import threading

    import requests as http
    good = {"legal_representative": "赵六", "contact_name": "赵六", "contact_phone": "13911112223"}
    r = api.post("/admin/master/orgs", as_="admin", json={"id": "race-teo", "name": "竞态测试机构"})
    assert r.status_code == 200
    api.post("/admin/users", as_="admin", json={"username": "race-teo", "password": "password1", "role": "teo",
                                                 "org_id": "race-teo"})
    api.token("race-teo", "password1")
    app = api.post("/orgs/race-teo/seal-application", as_="race-teo", json=good).json()
    path = f"{api.base}/admin/seal-applications/{app['id']}/decision"
    token = "Bearer " + api.token("admin")
    answers = []
    barrier = threading.Barrier(2)

    def decide(body):
        barrier.wait()
        answers.append(http.post(path, json=body, headers={"Authorization": token}, timeout=30))

    threads = [threading.Thread(target=decide, args=(b,)) for b in
               ({"decision": "approve"}, {"decision": "reject", "reason": "同时处理"})]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = next(a.json() for a in answers if a.status_code == 200)
    from chalicelib.store import masterdata
    org = masterdata.get("orgs", id="race-teo")
    assert (org.get("seal_status") == "active") == (winner["status"] == "approved")
    final = api.get("/orgs/race-teo/seal-application", as_="race-teo").json()["application"]["status"]
    assert final == winner["status"]


def test_a_revoked_certificate_is_marked_everywhere_and_its_holder_can_no_longer_download_it(api):
    import uuid
    plan = fresh_plan(api, per_site=2, sites=("bjtu",))
    rid, kept = ready(api, plan)
    issue(api, [rid, kept])
    assert wait_for(api, [rid, kept], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED", kept: "ISSUED"}
    holder = api.get(f"/records/{rid}", as_="teo").json()["candidate"]["candidate_no"]
    username = "holder" + uuid.uuid4().hex[:8]
    assert api.post("/admin/users", as_="admin", json={"username": username, "password": "password1",
                                                       "role": "candidate", "candidate_no": holder}).status_code == 201
    api.token(username, "password1")
    assert api.get(f"/records/{rid}/certificate", as_=username).status_code == 200
    assert api.post(f"/records/{rid}/revoke", as_="teo", json={"reason": "证书信息有误"}).status_code == 200
    # The holder: listed as revoked with the reason, and no file any more.
    (mine,) = [c for c in api.get("/my/certificates", as_=username).json()["items"] if c["record_id"] == rid]
    assert mine["status"] == "revoked" and mine["revoked_reason"] == "证书信息有误"
    err = assert_error(api.get(f"/records/{rid}/certificate", as_=username), 409, "certificate_revoked")
    assert "已撤销" in err["message"] and "证书信息有误" in err["message"]
    # Staff still get the file, told that it is revoked.
    link = api.get(f"/records/{rid}/certificate", as_="teo").json()
    assert link["revoked"] and link["revoked_reason"] == "证书信息有误"
    assert api.get(f"/records/{kept}/certificate", as_="teo").json()["revoked"] is False
    # 完成发放 filters revoked apart, the counts following.
    base = f"/records?status=ISSUED&plan_id={plan['plan_id']}"
    revoked = api.get(base + "&revoked=true", as_="teo").json()
    assert [r["id"] for r in revoked["items"]] == [rid] and revoked["items"][0]["revoked"]
    assert revoked["total"] == 1 and revoked["counts"]["ISSUED"] == 1
    assert [r["id"] for r in api.get(base + "&revoked=false", as_="college").json()["items"]] == [kept]
    assert_error(api.get(base + "&revoked=maybe", as_="teo"), 400)
    import requests
    from openpyxl import load_workbook
    exported = api.post("/exports", as_="teo", json={"filter": {"plan_id": plan["plan_id"], "revoked": True}}).json()
    rows = list(load_workbook(io.BytesIO(requests.get(exported["url"], timeout=10).content)).active.iter_rows(
        values_only=True))
    assert len(rows) == 2 and rows[1][15] == "完成发放（已撤销）" and rows[1][16] == "证书信息有误"
