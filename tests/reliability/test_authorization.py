"""Every route × every principal, from the route table itself: a route added without an entry here fails.

Each route is probed with a request that cannot change anything for those allowed past the gate (an
incomplete body: a 400 shows they passed authorization), so the matrix runs on the shared stack. Writes
by other tenants with complete, valid bodies are the second test: each must find nothing and change
nothing.
"""
import base64
import re
from collections import Counter

import requests

from ..photofiles import photo
from .world import BAD_TOKENS, OUTSIDERS, PRINCIPALS, USERS, call, targets  # noqa: F401 - a fixture

STAFF = ("teo", "college", "teo2", "college2")
SIGNERS = ("teo_signer", "college_signer", "teo2_signer", "college2_signer")
ORG_USERS = STAFF + SIGNERS
ZWL = ("teo", "teo_signer")
NCUT = ("college2", "college2_signer")


def allow(status: int, who, otherwise: int = 403, **more) -> dict:
    """``who`` get ``status``, ``more`` as given, every other signed-in user ``otherwise``."""
    expect = {u: otherwise for u in USERS}
    expect.update({u: status for u in who})
    for code, users in more.items():
        expect.update({u: int(code[1:]) for u in users})
    return expect


def everyone(status: int) -> dict:
    return {u: status for u in USERS}


# (method, route) -> (body or None, expected status per signed-in user). Unauthenticated: 401, unless public.
# ``_404`` etc. name further groups; other tenants' objects look missing (404), never forbidden-but-there.
EXPECT: dict[tuple[str, str], tuple[dict | None, dict]] = {
    ("POST", "/auth/login"): ({}, everyone(400)),
    ("GET", "/me"): (None, everyone(200)),
    ("POST", "/auth/logout"): ({"x": 1}, everyone(400)),              # a valid body would end the session
    ("POST", "/me/password"): ({}, everyone(400)),
    ("POST", "/admin/users"): ({}, allow(400, ["admin"])),
    ("GET", "/admin/users"): (None, allow(200, ["admin"])),
    ("POST", "/admin/users/{username}/deactivate"): ({"x": 1}, allow(400, ["admin"])),
    ("POST", "/admin/users/{username}/activate"): ({"x": 1}, allow(400, ["admin"])),
    ("POST", "/admin/users/{username}/reset-password"): ({}, allow(400, ["admin"])),
    ("GET", "/orgs"): (None, allow(200, ("admin",) + ORG_USERS)),
    ("GET", "/colleges"): (None, allow(200, ("admin",) + ORG_USERS)),
    ("GET", "/certificates"): (None, allow(200, ("admin",) + ORG_USERS)),
    ("GET", "/plans"): (None, allow(200, ("admin",) + ORG_USERS)),
    ("POST", "/orgs/export"): ({}, allow(200, ("admin",) + ORG_USERS)),
    ("POST", "/colleges/export"): ({}, allow(200, ("admin",) + ORG_USERS)),
    ("GET", "/orgs/{org_id}"): (None, allow(200, ("admin",) + ZWL, otherwise=404)),
    ("PUT", "/orgs/{org_id}"): ({}, allow(200, ("admin",) + ZWL, otherwise=404)),
    ("GET", "/colleges/{org_id}"): (None, allow(200, ("admin",) + NCUT, otherwise=404)),
    ("PUT", "/colleges/{org_id}"): ({}, allow(200, ("admin",) + NCUT, otherwise=404)),
    ("GET", "/colleges/{org_id}/candidates"): (None, allow(200, ("admin",) + NCUT,
                                                            _404=("college", "college_signer"))),
    ("POST", "/admin/import/{kind}"): ({}, allow(400, ["admin"])),
    ("PUT", "/admin/colleges/{college_id}/status"): ({}, allow(400, ["admin"])),
    ("POST", "/admin/master/{kind}"): ({}, allow(400, ["admin"])),
    ("GET", "/admin/import/{kind}/template"): (None, allow(200, ["admin"])),
    ("POST", "/admin/import/{kind}/template-file"): ({}, allow(200, ["admin"])),
    ("POST", "/records/generate/preview"): ({}, allow(400, ("teo", "teo2"))),
    ("POST", "/records/generate/lists"): ({}, allow(400, ("teo", "teo2"))),
    ("POST", "/records/generate"): ({}, allow(400, ("teo", "teo2"))),
    ("GET", "/records"): (None, allow(200, ORG_USERS)),
    ("GET", "/records/{record_id}"): (None, allow(200, ZWL + NCUT, _404=OUTSIDERS)),
    ("DELETE", "/records/{record_id}"): (None, allow(409, ["teo"], _404=["teo2"])),   # issued: not deletable
    ("POST", "/signing-sessions"): ({}, allow(400, STAFF)),
    ("GET", "/signing-sessions/{session_id}"): (None, allow(200, ZWL, otherwise=404)),
    ("GET", "/signing-sessions/{session_id}/records"): (None, allow(200, ZWL, otherwise=404)),
    ("POST", "/signing-sessions/{session_id}/complete"): ({}, allow(400, SIGNERS)),
    ("POST", "/records/issue"): ({}, allow(400, ("teo", "teo2"))),
    ("POST", "/records/issue/check"): ({}, allow(400, ("teo", "teo2"))),
    ("POST", "/records/reissue"): ({}, allow(400, ("teo", "teo2"))),
    ("GET", "/records/{record_id}/certificate"): (None, allow(200, ZWL + NCUT + ("student",), _404=OUTSIDERS)),
    ("GET", "/records/{record_id}/credential"): (None, allow(200, ZWL + NCUT + ("student",), _404=OUTSIDERS)),
    ("POST", "/downloads"): ({}, allow(400, ORG_USERS)),
    ("GET", "/downloads/{job_id}"): (None, allow(200, ZWL, _404=OUTSIDERS + NCUT)),
    ("POST", "/exports"): ({}, allow(200, ORG_USERS)),
    ("GET", "/my/certificates"): (None, allow(200, ["student"])),
    ("GET", "/verify"): (None, everyone(400)),                       # no number given
    ("GET", "/verify/{cert_no}"): (None, everyone(404)),             # the right number, a wrong code
    ("PUT", "/orgs/{org_id}/stamp"): ({}, everyone(400)),            # the body is checked before the owner
    ("POST", "/orgs/{org_id}/stamp-preview"): ({"image_base64": "!"}, allow(400, ("admin", "teo"),
                                                                           _404=["teo2"])),
    ("PUT", "/colleges/{org_id}/stamp"): ({}, everyone(400)),
    ("POST", "/colleges/{org_id}/stamp-preview"): ({"image_base64": "!"}, allow(400, ("admin", "college2"),
                                                                               _404=["college"])),
    ("POST", "/orgs/{org_id}/seal-application"): ({}, allow(400, ("teo", "teo2"))),
    ("GET", "/orgs/{org_id}/print-settings"): (None, allow(200, ("admin", "teo"), _404=("teo2",))),
    ("PUT", "/orgs/{org_id}/print-settings"): ({}, allow(400, ("admin", "teo", "teo2"))),
    ("POST", "/orgs/{org_id}/print-settings/calibration-page"): ({"offset_x_mm": 99},
                                                                 allow(400, ("admin", "teo", "teo2"))),
    ("POST", "/orgs/{org_id}/print-preview"): ({"x": 1}, allow(400, ("admin", "teo", "teo2"))),
    ("POST", "/records/{record_id}/print-preview"): ({"x": 1}, allow(400, ("teo", "teo2"))),
    ("GET", "/orgs/{org_id}/seal-application"): (None, allow(200, ("admin",) + ZWL, _404=("teo2", "teo2_signer"))),
    ("GET", "/admin/seal-applications"): (None, allow(200, ["admin"])),
    ("POST", "/admin/seal-applications/{app_id}/decision"): ({}, allow(400, ["admin"])),
    ("POST", "/admin/orgs/{org_id}/seal/revoke"): ({}, allow(400, ["admin"])),
    ("POST", "/records/{record_id}/revoke"): ({}, allow(400, ("teo", "teo2"))),
    ("POST", "/verify/pdf"): ({}, everyone(400)),
    ("PUT", "/candidates/{candidate_no}/photo"): ({}, everyone(400)),     # the body is checked first
    ("GET", "/candidates/{candidate_no}/photo"): (None, allow(200, ("admin",) + NCUT, otherwise=404)),
    ("POST", "/admin/import/photos"): ({}, allow(400, ["admin"])),
    ("GET", "/ca.pem"): (None, everyone(200)),
    ("GET", "/ca.crl"): (None, everyone(200)),
    ("GET", "/verify/{cert_no}/credential"): (None, everyone(404)),  # the right number, a wrong code
    ("POST", "/verify/credential"): ({}, everyone(400)),
    ("GET", "/status/{list_id}"): (None, everyone(404)),              # no such list
    ("GET", "/health"): (None, everyone(200)),
    ("GET", "/openapi.json"): (None, everyone(200)),
}


def routes() -> list[tuple[str, str]]:
    from app import app
    return sorted((method, path) for path, methods in app.routes.items() for method in methods)


def test_every_route_has_an_entry():
    """A new endpoint must say here who may call it before it can ship."""
    routed = set(routes())
    assert routed - set(EXPECT) == set(), "routes without an authorization entry"
    assert set(EXPECT) - routed == set(), "entries for routes that no longer exist"


def fill(path: str, ids: dict) -> str:
    values = {**ids, "org_id": ids["college_id"] if path.startswith("/colleges/") else ids["org_id"],
              "username": "college2"}
    return re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)


def test_authorization_matrix(api, targets, figures):  # noqa: F811 - targets is a fixture
    from chalicelib.api.endpoint import ENDPOINTS
    public = {(e.method, e.path) for e in ENDPOINTS if e.public}
    wrong: list[str] = []
    tally: Counter = Counter()
    for method, path in routes():
        body, expect = EXPECT[(method, path)]
        url = fill(path, targets) + ("?code=WRONG" if path == "/verify/{cert_no}" else "")
        for who in PRINCIPALS:
            want = expect[who] if who in USERS else (expect["admin"] if (method, path) in public else 401)
            r = call(api, who, method, url, **({"json": body} if body is not None else {}))
            tally[r.status_code] += 1
            if r.status_code != want:
                wrong.append(f"{method} {path} as {who}: {r.status_code} (expected {want}) {r.text[:120]}")
            elif r.status_code >= 400 and r.headers.get("Content-Type", "").startswith("application/json"):
                assert r.json()["error"]["message"], (method, path, who)
    figures["authz requests"] += sum(tally.values())
    assert wrong == [], "\n".join(wrong)
    assert tally[500] == 0


def test_other_tenants_can_neither_read_nor_change_anything(api, targets, figures):  # noqa: F811
    """teo2/teo2_signer (another TEO) and college/college_signer (another site) aim complete, valid requests
    at zwl's record, session, download and profile and at ncut's profile: each finds nothing, and
    afterwards everything is exactly as it was."""
    rid, sid, png = targets["record_id"], targets["session_id"], targets["signature"]
    photo_b64 = base64.b64encode(photo()).decode()
    ids = {"record_ids": [rid]}

    def stored(path: str) -> dict:
        """A profile as stored: without its image links, which are signed afresh on every read."""
        return {k: v for k, v in api.get(path, as_="admin").json().items() if not k.endswith("_url")}

    def snapshot() -> dict:
        record = api.get(f"/records/{rid}", as_="teo").json()
        session = api.get(f"/signing-sessions/{sid}", as_="teo").json()
        photo_url = api.get(f"/candidates/{targets['candidate_no']}/photo", as_="admin").json()["url"]
        return {"record": (record["status"], record["version"], len(record["events"])),
                "photo": requests.get(photo_url, timeout=10).content,
                "session": session["status"], "orgs": stored("/orgs/zwl"), "colleges": stored("/colleges/ncut")}

    attempts = [
        ("teo2", "GET", f"/records/{rid}", None, 404),
        ("teo2", "GET", f"/records/{rid}/certificate", None, 404),
        ("teo2", "DELETE", f"/records/{rid}", None, 404),
        ("teo2", "POST", f"/records/{rid}/revoke", {"reason": "越权撤销"}, 404),
        ("teo2", "POST", "/records/reissue", ids, 409),                  # nothing to do: R is not theirs
        ("teo2", "POST", "/records/issue", {**ids, "method": "paper"}, 409),
        ("teo2", "POST", "/signing-sessions", {"action": "reject", **ids, "reason": "越权"}, 409),
        ("teo2", "POST", "/downloads", ids, 409),
        ("teo2", "GET", f"/downloads/{targets['job_id']}", None, 404),
        ("teo2", "GET", f"/signing-sessions/{sid}", None, 404),
        ("teo2_signer", "POST", f"/signing-sessions/{sid}/complete",
         {"decision": "confirm", "signature_png_base64": png}, 404),
        ("teo2", "PUT", "/orgs/zwl", {"contact_name": "入侵者"}, 404),
        ("teo2", "PUT", "/orgs/zwl/stamp", {"image_base64": png, "agreed": True}, 404),
        ("teo2", "PUT", "/orgs/zwl/print-settings", {"offset_x_mm": 5, "offset_y_mm": 5, "scale_pct": 101}, 404),
        ("teo2", "POST", f"/records/{rid}/print-preview", {}, 404),
        ("teo2", "POST", "/orgs/zwl/seal-application",
         {"legal_representative": "入侵者", "contact_name": "入侵者", "contact_phone": "13900000000"}, 404),
        ("college", "GET", f"/records/{rid}", None, 404),
        ("college", "GET", f"/records/{rid}/certificate", None, 404),
        ("college", "POST", "/signing-sessions", {"action": "reject", **ids, "reason": "越权"}, 409),
        ("college", "POST", "/downloads", ids, 409),
        ("college_signer", "POST", f"/signing-sessions/{sid}/complete",
         {"decision": "confirm", "signature_png_base64": png}, 404),
        ("college", "PUT", "/colleges/ncut", {"contact_name": "入侵者"}, 404),
        ("college", "PUT", "/colleges/ncut/stamp", {"image_base64": png, "agreed": True}, 404),
        ("college", "GET", "/colleges/ncut/candidates", None, 404),
        ("college", "PUT", f"/candidates/{targets['candidate_no']}/photo", {"image_base64": photo_b64}, 404),
        ("teo", "PUT", f"/candidates/{targets['candidate_no']}/photo", {"image_base64": photo_b64}, 404),
        ("college", "GET", f"/candidates/{targets['candidate_no']}/photo", None, 404),
    ]
    before = snapshot()
    leaks = []
    for who, method, path, body, want in attempts:
        r = api.call(method, path, as_=who, **({"json": body} if body is not None else {}))
        if r.status_code != want:
            leaks.append(f"{who} {method} {path}: {r.status_code} {r.text[:160]}")
    # Lists filtered down to the victim's objects show none of them (teo2 may see the same candidate's
    # records of its own TEO), and their counts include none either.
    for who, query, victim in (("teo2", "plan_id=p2109", ("teo_id", "zwl")),
                               ("college", "college_id=ncut", ("site_id", "ncut")),
                               ("teo2", f"candidate_no={targets['candidate_no']}", ("teo_id", "zwl"))):
        r = api.get(f"/records?{query}&page_size=100", as_=who)
        rows = [{**i["certificate"], **i["exam"]} for i in r.json().get("items", [])]
        if r.status_code != 200 or any(row[victim[0]] == victim[1] for row in rows) or (
                not rows and r.json()["counts"]["ALL"]):
            leaks.append(f"{who} lists {query}: {r.text[:160]}")
    r = api.post("/exports", as_="college", json={"filter": {"college_id": "ncut"}})
    if r.status_code != 200 or r.json()["count"]:
        leaks.append(f"college exports ncut: {r.text[:160]}")
    figures["cross-tenant attempts"] += len(attempts) + 4
    figures["cross-tenant reads or writes"] += len(leaks)
    assert leaks == []
    assert snapshot() == before
