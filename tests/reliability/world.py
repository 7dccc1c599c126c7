"""Who acts and on what: the demo's principals, tokens of every kind, and one tenant's objects to aim at."""
import time

import jwt
import pytest

from chalicelib import auth
from chalicelib.domain.access import Principal, Role

from ..integration.signoff import signature_png

# The victim tenant: TEO zwl and the site ncut hold record R (an issued certificate of ``student``).
OWNERS = ("teo", "teo_signer", "college2", "college2_signer", "student")
OUTSIDERS = ("teo2", "teo2_signer", "college", "college_signer")     # zkxp and bjtu: other tenants
USERS = ("admin",) + OWNERS + OUTSIDERS
BAD_TOKENS = ("anonymous", "forged", "expired", "alg_none")
PRINCIPALS = BAD_TOKENS + USERS


def bad_token(kind: str) -> str | None:
    admin = {"sub": "admin", "role": "admin", "iss": "skillcert", "iat": int(time.time()),
             "exp": int(time.time()) + 3600}
    if kind == "anonymous":
        return None
    if kind == "forged":          # a well-formed admin token signed with a key we never had
        return "Bearer " + jwt.encode(admin, "not-the-secret-" + "y" * 40, algorithm="HS256")
    if kind == "expired":         # ours, correctly signed, an hour past its expiry
        token, _ = auth.issue_token(Principal("admin", Role.ADMIN), now=time.time() - 30 * 3600)
        return "Bearer " + token
    if kind == "alg_none":
        return "Bearer " + jwt.encode(admin, None, algorithm="none")
    raise ValueError(kind)


def call(api, principal: str, method: str, path: str, **kw):
    if principal in BAD_TOKENS:
        return api.call(method, path, token=bad_token(principal), **kw)
    return api.call(method, path, as_=principal, **kw)


@pytest.fixture(scope="session")
def targets(api) -> dict:
    """Ids of the victim tenant's objects: an issued record, an open signing session, a download job,
    a seal application."""
    deadline = time.time() + 60
    while True:      # the demo's certificates are stamped by the worker in the background at start
        mine = [c for c in api.get("/my/certificates", as_="student").json()["items"]
                if c["issuing_org"] == "中物联物流"]
        if mine or time.time() > deadline:
            break
        time.sleep(0.5)
    record = mine[0]
    rid = record["record_id"]
    pending = api.get("/records?status=TEO_PENDING&page_size=10", as_="teo").json()["items"]
    session = api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": [pending[0]["id"]]})
    assert session.status_code == 201, session.text
    job = api.post("/downloads", as_="teo", json={"record_ids": [rid]})
    assert job.status_code == 202, job.text
    apps = api.get("/admin/seal-applications", as_="admin").json()["items"]
    candidate_no = api.get(f"/records/{rid}", as_="teo").json()["candidate"]["candidate_no"]
    return {"record_id": rid, "cert_no": record["cert_no"], "candidate_no": candidate_no,
            "session_id": session.json()["id"],
            "job_id": job.json()["id"], "app_id": next(a["id"] for a in apps if a["org_id"] == "zwl"),
            "org_id": "zwl", "college_id": "ncut", "kind": "results", "signature": signature_png(),
            "list_id": "999999"}
