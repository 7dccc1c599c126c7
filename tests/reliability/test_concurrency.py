"""Many people at once on the same records: each record moves exactly once, nothing is created, queued or
numbered twice."""
import threading
from collections import Counter

import requests

from ..integration.signoff import fresh_plan, generate, ready, sign, signature_png, wait_for

THREADS = 20


def together(n: int, work) -> list:
    """Run ``work(i)`` in ``n`` threads released at the same moment; their results in order."""
    gate = threading.Barrier(n)
    out: list = [None] * n

    def run(i):
        gate.wait()
        out[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def raw(api, who: str, method: str, path: str, body=None):
    # One connection per thread: requests.Session is not thread-safe.
    return requests.request(method, api.base + path, json=body, timeout=120,
                            headers={"Authorization": "Bearer " + api.token(who)})


def events(api, rid: str) -> list[str]:
    return [e["action"] for e in api.get(f"/records/{rid}", as_="teo").json()["events"]]


def test_conflicting_signing_sessions_move_each_record_once(api, figures):
    plan = fresh_plan(api, per_site=4, sites=("bjtu",))
    ids = generate(api, plan)
    # Twenty sessions over overlapping sets, signing or rejecting: all opened on the same record states.
    sessions = []
    for i in range(THREADS):
        subset = ids[i % 3:] if i % 2 else ids[: 2 + i % 3]
        action = "sign" if i % 3 else "reject"
        r = api.post("/signing-sessions", as_="teo", json={
            "action": action, "record_ids": subset, **({"reason": "资料不全"} if action == "reject" else {})})
        assert r.status_code == 201, r.text
        sessions.append(r.json()["id"])
    png = signature_png()
    done = together(THREADS, lambda i: raw(api, "teo_signer", "POST", f"/signing-sessions/{sessions[i]}/complete",
                                           {"decision": "confirm", "signature_png_base64": png}))
    assert [r.status_code for r in done] == [200] * THREADS, [r.text for r in done if r.status_code != 200]
    applied = Counter(rid for r in done for rid in r.json()["applied"])
    assert applied == Counter(ids), "each record moved by exactly one session"
    for rid in ids:
        assert events(api, rid) == ["generate", events(api, rid)[1]] and len(events(api, rid)) == 2
    counts = api.get(f"/records?plan_id={plan['plan_id']}", as_="teo").json()["counts"]
    assert counts["ALL"] == len(ids) == counts["SITE_PENDING"] + counts["TEO_REJECTED"]
    figures["concurrent conflicts"] += sum(len(r.json()["skipped"]) for r in done)


def test_concurrent_generate_issue_and_reissue_duplicate_nothing(api, figures):
    plan = fresh_plan(api, per_site=3, sites=("ncut",))
    made = together(10, lambda i: raw(api, "teo", "POST", "/records/generate", plan["body"]).json())
    assert sum(m["created"] for m in made) == 3 and all(m["created"] + m["existing"] == 3 for m in made)
    ids = [rid for m in made for rid in m["created_ids"]]
    sign(api, "teo", "teo_signer", ids=ids)
    sign(api, "college2", "college2_signer", ids=ids)
    numbers = {}
    for round_ in (1, 2):
        issued = together(10, lambda i: raw(api, "teo", "POST", "/records/issue",
                                            {"record_ids": ids, "method": "electronic"}))
        winners = Counter(rid for r in issued if r.status_code == 202 for rid in r.json()["applied"])
        assert winners == Counter(ids), "each record issued (and queued) once"
        assert wait_for(api, ids, {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED" for rid in ids}
        for rid in ids:
            d = api.get(f"/records/{rid}", as_="teo").json()
            assert [e["action"] for e in d["events"]].count("stamped") == round_   # one job per issue
            assert d["certificate"]["pdf_version"] == round_ == len(d["versions"])
            assert numbers.setdefault(rid, d["certificate"]["cert_no"]) == d["certificate"]["cert_no"]
        back = together(10, lambda i: raw(api, "teo", "POST", "/records/reissue", {"record_ids": ids}))
        assert Counter(rid for r in back if r.status_code == 200 for rid in r.json()["applied"]) == Counter(ids)
        # Every record a thread asked for but another thread moved first is one conflict resolved.
        figures["concurrent conflicts"] += sum(len(ids) - len(r.json().get("applied", [])) for r in issued + back)
    assert len(set(numbers.values())) == len(ids)
    ready_again = api.get(f"/records?plan_id={plan['plan_id']}", as_="teo").json()["counts"]
    assert ready_again["READY"] == ready_again["ALL"] == len(ids)


def test_same_records_generated_again_concurrently_keep_their_state(api):
    plan = fresh_plan(api, per_site=2, sites=("bjtu",))
    ids = ready(api, plan)
    again = together(8, lambda i: raw(api, "teo", "POST", "/records/generate", plan["body"]).json())
    assert all((a["created"], a["existing"]) == (0, len(ids)) for a in again)
    assert api.get(f"/records?plan_id={plan['plan_id']}", as_="teo").json()["counts"]["READY"] == len(ids)
