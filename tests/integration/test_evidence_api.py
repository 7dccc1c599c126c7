"""The two sign-offs sealed into each electronic certificate (signoff.json), printed as one line, and shown
by every verification channel; after a reject and a re-sign, the evidence is the sign-off that counted."""
import base64
import hashlib
import io
import json

import requests
from pypdf import PdfReader

from .signoff import fresh_plan, generate, sign, signature_png, wait_for
from .test_eseal_api import b64, ca, validate
from .test_issuance_api import fetch_pdf, issue


def _attachment(pdf: bytes) -> tuple[dict, str]:
    """signoff.json and its AFRelationship, read with pypdf (not the code that wrote it)."""
    reader = PdfReader(io.BytesIO(pdf))
    names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[names.index("signoff.json") + 1].get_object()
    return json.loads(spec["/EF"]["/F"].get_object().get_data()), spec["/AFRelationship"]


def _signed_rejected_and_resigned(api) -> tuple[str, dict]:
    """One record: the TEO signs, the site's signer refuses (a signed refusal), then signs in a new
    session. Returns the record id and the sessions: teo, refused, resigned."""
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    (rid,) = generate(api, plan)
    sessions = {"teo": sign(api, "teo", "teo_signer", ids=[rid]),
                "refused": sign(api, "college", "college_signer", ids=[rid], decision="refuse",
                                reason="照片与本人不符，请核实")}
    sessions["resigned"] = sign(api, "college", "college_signer", ids=[rid])
    return rid, sessions


def test_the_certificate_seals_the_signoffs_that_counted(api):
    rid, sessions = _signed_rejected_and_resigned(api)
    issue(api, [rid])
    assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED"}
    link, pdf = fetch_pdf(api, rid)
    assert validate(pdf, ca(api)).bottom_line          # the attachment is under the seal
    evidence, relationship = _attachment(pdf)
    assert relationship == "/Supplement"
    assert (evidence["certificate_number"], evidence["certificate_version"], evidence["record_id"]) == \
        (link["cert_no"], 1, rid)

    record = api.get(f"/records/{rid}", as_="teo").json()
    signs = {e["action"]: e for e in record["events"] if e["action"] in ("teo_sign", "site_sign")}
    assert "site_reject" in [e["action"] for e in record["events"]]     # the trail keeps the refusal
    teo, site = evidence["signoffs"]
    assert teo["session_id"] == sessions["teo"]["id"]
    assert site["session_id"] == sessions["resigned"]["id"] != sessions["refused"]["id"]
    assert (teo["party"], teo["organisation"], teo["role"]) == ("teo", "中物联物流", "培训评价组织负责人")
    assert (site["party"], site["organisation"], site["role"]) == ("site", "北京交通大学", "考核站点负责人")
    for party, event in ((teo, signs["teo_sign"]), (site, signs["site_sign"])):   # the last of each side
        assert party["session_id"] == event["session_id"] and party["signed_at"] == event["at"]
        session = api.get(f"/signing-sessions/{event['session_id']}",
                          as_="teo" if party is teo else "college").json()
        assert session["status"] == "completed" and party["records_sha256"] == session["digest"]
    assert teo["signer"] == "中物联物流 发证机构负责人" and site["signer"] == "北京交通大学 考核站点负责人"
    drawn = base64.b64decode(signature_png())
    assert site["signature_sha256"] == hashlib.sha256(drawn).hexdigest()
    assert b"signature_png" not in pdf and drawn not in pdf      # the drawing itself stays private

    text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "本证书经培训评价组织负责人中物联物流发证机构负责人（" in text and "在线签发确认" in text

    # Every channel shows the two sign-offs: who, in which role, when.
    from chalicelib.store import records
    rec = records.get(rid)
    channels = [api.get(f"/verify/{rec['cert_no']}?code={rec['verification_code']}").json(),
                api.get(f"/verify?cert_no={rec['cert_no']}&id_no={rec['id_number']}").json(),
                api.post("/verify/pdf", json={"pdf_base64": b64(pdf)}).json()["certificate"]]
    for facts in channels:
        assert [(s["role"], s["signer"], s["signed_at"]) for s in facts["signoffs"]] == \
            [(p["role"], p["signer"], p["signed_at"]) for p in (teo, site)]


def test_paper_certificates_show_the_signoffs_on_verification_only(api):
    rid, _ = _signed_rejected_and_resigned(api)
    issue(api, [rid], "paper")
    assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED"}
    link = api.get(f"/records/{rid}/certificate", as_="teo").json()
    pdf = requests.get(link["url"], timeout=10).content
    assert "/EmbeddedFiles" not in str(PdfReader(io.BytesIO(pdf)).trailer["/Root"])
    from chalicelib.store import records
    rec = records.get(rid)
    facts = api.get(f"/verify/{rec['cert_no']}?code={rec['verification_code']}").json()
    assert [s["party"] for s in facts["signoffs"]] == ["teo", "site"]
