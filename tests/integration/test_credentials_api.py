"""The verifiable-credential twin: a VC 2.0 / Open Badges 3.0 credential as vc+jwt, verified here with an
independent JOSE library (joserfc) against /api/ca.pem; its revocation bit in the status list; a re-issue
makes the old credential superseded."""
import base64
import gzip
import hashlib
import json

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from joserfc import jws
from joserfc.jwk import ECKey

from .conftest import assert_error
from .signoff import wait_for
from .test_eseal_api import issued
from .test_issuance_api import issue


def _verified(api, token: str) -> dict:
    """Check the token as any holder of ca.pem would, offline: x5c ends with the CA, x5c[0] is the CA or
    issued by it, and ES256 holds (credentials: [TEO certificate, CA]; status lists: [CA])."""
    root = x509.load_pem_x509_certificate(api.get("/ca.pem").content)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "ES256" and header["typ"] == "vc+jwt"
    chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
    leaf = chain[0]
    assert chain[-1] == root
    if len(chain) > 1:
        leaf.verify_directly_issued_by(root)
    key = ECKey.import_key(leaf.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo))
    registry = jws.JWSRegistry(algorithms=["ES256"])
    registry.max_header_length = 4096            # x5c carries two certificates: above joserfc's 512 default
    return json.loads(jws.deserialize_compact(token, key, registry=registry).payload)


def _bit(api, status: dict) -> bool:
    r = api.get(status["statusListCredential"].split("/api", 1)[1])
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/vc+jwt"
    subject = _verified(api, r.text)["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    bits = gzip.decompress(base64.urlsafe_b64decode(subject["encodedList"][1:] + "=="))
    index = int(status["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_a_credential_verifies_offline_and_says_who_holds_it_without_the_id_number(api):
    rid = issued(api)
    r = api.get(f"/records/{rid}/credential", as_="college_signer")
    assert r.status_code == 200 and r.json()["media_type"] == "application/vc+jwt"
    token = r.json()["credential"]
    vc = _verified(api, token)
    from chalicelib.store import records
    rec = records.get(rid)
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["name"] == "中物联物流" and vc["validFrom"].startswith(rec["award_date"])
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["name"] == rec["certificate_name"] and achievement["level"] == rec["level"]
    assert achievement["description"] and achievement["criteria"]["narrative"]
    hashed, name = vc["credentialSubject"]["identifier"]
    assert rec["id_number"] not in token and rec["id_number"] not in json.dumps(vc, ensure_ascii=False)
    salted = (rec["id_number"] + hashed["salt"]).encode()
    assert hashed["identityHash"] == "sha256$" + hashlib.sha256(salted).hexdigest()
    assert name["identityHash"] == rec["candidate_name"]
    assert [e["name"] for e in vc["evidence"]] == ["培训评价组织负责人在线签发确认", "考核站点负责人在线签发确认"]
    assert vc["credentialStatus"]["type"] == "BitstringStatusListEntry" and not _bit(api, vc["credentialStatus"])

    out = api.post("/verify/credential", json={"jwt": token}).json()
    assert out["result"] == "genuine" and out["certificate"]["cert_no"] == rec["cert_no"]
    assert [s["role"] for s in out["certificate"]["signoffs"]] == ["培训评价组织负责人", "考核站点负责人"]
    # The public download by the QR code's link; the candidate's own.
    public = api.get(f"/verify/{rec['cert_no']}/credential?code={rec['verification_code']}")
    assert public.status_code == 200 and _verified(api, public.json()["credential"])["id"] == vc["id"]
    assert_error(api.get(f"/verify/{rec['cert_no']}/credential?code=WRONGCODE1"), 404)
    assert_error(api.get(f"/records/{rid}/credential", as_="teo2"), 404)

    # One character changed in the payload: altered; garbage: 400; another issuer's token: unknown.
    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["credentialSubject"]["identifier"][1]["identityHash"] = "张三"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert api.post("/verify/credential", json={"jwt": f"{head}.{forged}.{sig}"}).json()["result"] == "altered"
    assert_error(api.post("/verify/credential", json={"jwt": "not.a.credential"}), 400, "not_a_credential")


def test_revoking_sets_the_status_bit_at_once(api):
    rid = issued(api)
    token = api.get(f"/records/{rid}/credential", as_="teo").json()["credential"]
    status = _verified(api, token)["credentialStatus"]
    assert not _bit(api, status)
    assert api.post(f"/records/{rid}/revoke", as_="teo", json={"reason": "证书信息有误"}).status_code == 200
    assert _bit(api, status)
    out = api.post("/verify/credential", json={"jwt": token}).json()
    assert out["result"] == "revoked" and out["reason"] == "证书信息有误"


def test_a_reissue_makes_a_new_credential_version_and_the_old_one_superseded(api):
    rid = issued(api)
    old = api.get(f"/records/{rid}/credential", as_="teo").json()
    api.post("/records/reissue", as_="teo", json={"record_ids": [rid]})
    assert_error(api.get(f"/records/{rid}/credential", as_="teo"), 404, "certificate_not_ready")
    issue(api, [rid])
    assert wait_for(api, [rid], {"ISSUED"}) == {rid: "ISSUED"}
    new = api.get(f"/records/{rid}/credential", as_="teo").json()
    assert (old["version"], new["version"]) == (1, 2)
    old_vc, new_vc = _verified(api, old["credential"]), _verified(api, new["credential"])
    assert old_vc["id"] != new_vc["id"]
    assert old_vc["credentialStatus"] == new_vc["credentialStatus"]        # the bit belongs to the certificate
    assert api.post("/verify/credential", json={"jwt": old["credential"]}).json()["result"] == "superseded"
    assert api.post("/verify/credential", json={"jwt": new["credential"]}).json()["result"] == "genuine"


def test_a_status_bit_is_assigned_at_first_issue_never_reused_and_kept_by_a_reissue(api):
    from chalicelib.store import records
    first, second = issued(api), issued(api)
    bits = [records.get(rid).get("status_index") for rid in (first, second)]
    assert None not in bits and bits[0] != bits[1]              # before any credential was asked for
    assert api.post("/records/reissue", as_="teo", json={"record_ids": [first]}).json()["applied"] == [first]
    issue(api, [first])
    assert wait_for(api, [first], {"ISSUED", "STAMP_FAILED"}) == {first: "ISSUED"}
    assert records.get(first)["status_index"] == bits[0]
    token = api.get(f"/records/{first}/credential", as_="teo").json()["credential"]
    assert int(_verified(api, token)["credentialStatus"]["statusListIndex"]) == bits[0]
    assert not _bit(api, _verified(api, token)["credentialStatus"])
