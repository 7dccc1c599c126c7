"""The whole workflow as random sequences of people's actions over HTTP, checked after every step against
a model small enough to be obviously right: status, deletability, revocation, audit events, PDF versions
and certificate numbers of each record."""
import hashlib
from collections import Counter
from dataclasses import dataclass

import requests
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from chalicelib.services import certificate_making

from ..integration.signoff import fresh_plan, signature_png, wait_for
from .conftest import scale

SITES = {"bjtu": ("college", "college_signer"), "ncut": ("college2", "college2_signer")}
PER_SITE = 2
N = PER_SITE * len(SITES)
# side, action, decision -> {status before: status after}; a status not listed is not chosen by the session
# (it is skipped when opened), and a chosen status missing from the decision's map stays as it was.
MOVES = {
    ("teo", "sign", "confirm"): {"TEO_PENDING": "SITE_PENDING", "TEO_REJECTED": "SITE_PENDING"},
    ("teo", "sign", "refuse"): {"TEO_PENDING": "TEO_REJECTED", "TEO_REJECTED": None},
    ("teo", "reject", "confirm"): {"TEO_PENDING": "TEO_REJECTED"},
    ("teo", "reject", "refuse"): {"TEO_PENDING": None},
    ("site", "sign", "confirm"): {"SITE_PENDING": "READY", "SITE_REJECTED": "READY"},
    ("site", "sign", "refuse"): {"SITE_PENDING": "SITE_REJECTED", "SITE_REJECTED": "SITE_REJECTED"},
    ("site", "reject", "confirm"): {"SITE_PENDING": "SITE_REJECTED", "SITE_REJECTED": "SITE_REJECTED"},
    ("site", "reject", "refuse"): {"SITE_PENDING": None, "SITE_REJECTED": None},
}
# Forbidden or foreign attempts: (who, method, path, body); {ids} is replaced. None may change anything.
FORBIDDEN = [
    ("college", "POST", "/records/issue", {"record_ids": "{ids}", "method": "paper"}, 403),
    ("teo_signer", "POST", "/signing-sessions", {"action": "sign", "record_ids": "{ids}"}, 403),
    ("college_signer", "POST", "/records/reissue", {"record_ids": "{ids}"}, 403),
    ("teo2", "POST", "/records/reissue", {"record_ids": "{ids}"}, 409),          # not theirs: nothing to do
    ("teo2", "POST", "/records/issue", {"record_ids": "{ids}", "method": "paper"}, 409),
    ("teo2", "DELETE", "/records/{id}", None, 404),
    ("teo2", "POST", "/records/{id}/revoke", {"reason": "越权"}, 404),
    ("student", "DELETE", "/records/{id}", None, 403),
    ("admin", "POST", "/records/{id}/revoke", {"reason": "越权"}, 403),
]

DOOMED: set[str] = set()       # records whose next stamping fails as a missing stamp would
_real_images = certificate_making._images


def _images(rec, *args, **kwargs):
    if rec["id"] in DOOMED:
        raise certificate_making.Unstampable("测试：签章缺失")
    return _real_images(rec, *args, **kwargs)


@dataclass
class Rec:
    id: str
    site: str
    status: str | None = "TEO_PENDING"      # None: deleted
    signed: bool = False
    revoked: bool = False
    events: int = 1                         # the audit trail survives deletion and re-generation
    pdfs: int = 0
    cert_no: str | None = None


class Workflow(RuleBasedStateMachine):
    api = None
    steps = 0
    lost = 0          # records missing from, or listed twice in, a tab: must stay 0

    @initialize()
    def plan(self):
        self.plan = fresh_plan(self.api, per_site=PER_SITE, sites=tuple(SITES))
        r = self.api.post("/records/generate", as_="teo", json=self.plan["body"])
        assert r.status_code == 200 and r.json()["created"] == N, r.text
        sites = {c["candidate_no"]: s for s, people in self.plan["candidates"].items() for c in people}
        self.recs = []
        for rid in r.json()["created_ids"]:
            detail = self.api.get(f"/records/{rid}", as_="teo").json()
            self.recs.append(Rec(rid, sites[detail["candidate"]["candidate_no"]]))
        self.checked: dict[str, tuple] = {}

    def _pick(self, picks) -> list[Rec]:
        return [self.recs[i] for i in dict.fromkeys(picks)]

    def _step(self) -> None:
        Workflow.steps += 1

    # ---- the sign-off ------------------------------------------------------------------------------

    @rule(picks=st.lists(st.integers(0, N - 1), min_size=1, max_size=N), side=st.sampled_from(["teo", "bjtu", "ncut"]),
          action=st.sampled_from(["sign", "reject"]), decision=st.sampled_from(["confirm", "refuse"]),
          again=st.booleans())
    def signing_session(self, picks, side, action, decision, again):
        self._step()
        staff, signer = ("teo", "teo_signer") if side == "teo" else SITES[side]
        moves = MOVES[("teo" if side == "teo" else "site", action, decision)]
        chosen = [r for r in self._pick(picks) if r.status in moves and (side == "teo" or r.site == side)]
        opened = self.api.post("/signing-sessions", as_=staff, json={
            "action": action, "record_ids": [r.id for r in self._pick(picks)],
            **({"reason": "资料不全"} if action == "reject" else {})})
        if not chosen:
            assert opened.status_code == 409 and opened.json()["error"]["code"] == "nothing_to_do", opened.text
            return
        assert opened.status_code == 201 and opened.json()["count"] == len(chosen), opened.text
        body = {"decision": decision, "signature_png_base64": signature_png(), "reason": "签字人拒绝"}
        done = self.api.post(f"/signing-sessions/{opened.json()['id']}/complete", as_=signer, json=body)
        if action == "sign" and decision == "refuse" and {r.status for r in chosen} == {"TEO_REJECTED"}:
            assert done.status_code == 409 and done.json()["error"]["code"] == "refuse_not_allowed", done.text
            return                                             # 重新签发 only confirms; nothing moved
        assert done.status_code == 200, done.text
        moved = [r for r in chosen if moves[r.status] is not None]
        assert sorted(done.json()["applied"]) == sorted(r.id for r in moved)
        for r in moved:
            r.status, r.signed, r.events = moves[r.status], True, r.events + 1
        if again:     # the same QR code signed twice: refused, and nothing moves twice
            twice = self.api.post(f"/signing-sessions/{opened.json()['id']}/complete", as_=signer, json=body)
            assert twice.status_code == 409 and twice.json()["error"]["code"] == "session_used", twice.text

    @rule(pick=st.integers(0, N - 1), wrong=st.sampled_from(["teo2_signer", "college_signer", "teo"]))
    def wrong_person_signs(self, pick, wrong):
        self._step()
        rec = self.recs[pick]
        opened = self.api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": [rec.id]})
        if opened.status_code == 409:
            return
        done = self.api.post(f"/signing-sessions/{opened.json()['id']}/complete", as_=wrong, json={
            "decision": "confirm", "signature_png_base64": signature_png()})
        assert done.status_code == (403 if wrong == "teo" else 404), done.text

    # ---- issuance ----------------------------------------------------------------------------------

    @rule(picks=st.lists(st.integers(0, N - 1), min_size=1, max_size=N), failing=st.sets(st.integers(0, N - 1)),
          method=st.sampled_from(["electronic", "paper"]))
    def issue(self, picks, failing, method):
        self._step()
        chosen = [r for r in self._pick(picks) if r.status == "READY"]
        doomed = {self.recs[i].id for i in failing}
        DOOMED.update(doomed)
        try:
            r = self.api.post("/records/issue", as_="teo", json={"record_ids": [x.id for x in self._pick(picks)],
                                                                 "method": method})
            if not chosen:
                assert r.status_code == 409, r.text
                return
            assert r.status_code == 202 and sorted(r.json()["applied"]) == sorted(x.id for x in chosen), r.text
            final = wait_for(self.api, [x.id for x in chosen], {"ISSUED", "STAMP_FAILED"})
        finally:
            DOOMED.difference_update(doomed)
        for x in chosen:
            x.status = "STAMP_FAILED" if x.id in doomed else "ISSUED"
            assert final[x.id] == x.status
            x.events += 2
            x.pdfs += x.status == "ISSUED"

    @rule(picks=st.lists(st.integers(0, N - 1), min_size=1, max_size=N))
    def reissue(self, picks):
        self._step()
        allowed = [r for r in self._pick(picks) if r.status in ("ISSUED", "STAMP_FAILED")]
        r = self.api.post("/records/reissue", as_="teo", json={"record_ids": [x.id for x in self._pick(picks)]})
        if not allowed:
            assert r.status_code == 409, r.text
            return
        moved = [x for x in allowed if not x.revoked]
        assert r.status_code == 200 and sorted(r.json()["applied"]) == sorted(x.id for x in moved), r.text
        for x in moved:
            x.status, x.events = "READY", x.events + 1

    @rule(pick=st.integers(0, N - 1))
    def revoke(self, pick):
        self._step()
        rec = self.recs[pick]
        r = self.api.post(f"/records/{rec.id}/revoke", as_="teo", json={"reason": "证书信息有误"})
        if rec.status is None:
            assert r.status_code == 404, r.text
        elif rec.status == "ISSUED" and not rec.revoked:
            assert r.status_code == 200 and r.json()["status"] == "revoked", r.text
            rec.revoked, rec.events = True, rec.events + 1
        else:
            assert r.status_code == 409, r.text

    # ---- records -----------------------------------------------------------------------------------

    @rule(pick=st.integers(0, N - 1))
    def delete(self, pick):
        self._step()
        rec = self.recs[pick]
        r = self.api.call("DELETE", f"/records/{rec.id}", as_="teo")
        if rec.status is None:
            assert r.status_code == 404, r.text
        elif rec.status == "TEO_PENDING" and not rec.signed:
            assert r.status_code == 200, r.text
            rec.status, rec.events = None, rec.events + 1
        else:
            assert r.status_code == 409, r.text

    @rule()
    def generate_again(self):
        self._step()
        r = self.api.post("/records/generate", as_="teo", json=self.plan["body"])
        gone = [x for x in self.recs if x.status is None]
        assert r.status_code == 200 and (r.json()["created"], r.json()["existing"]) == (len(gone), N - len(gone))
        for x in gone:
            x.status, x.signed, x.events = "TEO_PENDING", False, x.events + 1

    @rule(attempt=st.sampled_from(FORBIDDEN), picks=st.lists(st.integers(0, N - 1), min_size=1, max_size=N))
    def forbidden(self, attempt, picks):
        self._step()
        who, method, path, body, status = attempt
        ids = [x.id for x in self._pick(picks)]
        if body and body.get("record_ids") == "{ids}":
            body = {**body, "record_ids": ids}
        r = self.api.call(method, path.replace("{id}", ids[0]), as_=who, **({"json": body} if body else {}))
        assert r.status_code == status, (attempt, r.text)

    # ---- what must hold after every step -----------------------------------------------------------

    @invariant()
    def records_match_the_model(self):
        if not hasattr(self, "recs"):
            return
        numbers = Counter()
        for x in self.recs:
            r = self.api.get(f"/records/{x.id}", as_="teo")
            if x.status is None:
                assert r.status_code == 404, r.text
                continue
            d = r.json()
            assert (d["status"], len(d["events"]), d["events"][-1]["to_status"]) == (x.status, x.events, x.status), \
                (x, d["status"], [(e["action"], e["to_status"]) for e in d["events"]])
            assert ("delete" in d["actions"]) == (x.status == "TEO_PENDING" and not x.signed)
            cert = d["certificate"]
            assert cert["pdf_version"] == x.pdfs and len(d["versions"]) == x.pdfs
            if x.pdfs:
                x.cert_no = x.cert_no or cert["cert_no"]
                assert cert["cert_no"] == x.cert_no          # kept across re-issues
                numbers[x.cert_no] += 1
            if x.status == "ISSUED":
                current = [v for v in d["versions"] if not v.get("superseded")]
                assert [v["version"] for v in current] == [x.pdfs]
                self._pdf_matches(x, cert["sha256"])
        assert all(n == 1 for n in numbers.values()), numbers

    def _pdf_matches(self, x: Rec, sha256: str) -> None:
        if self.checked.get(x.id) == (x.pdfs, sha256):
            return
        link = self.api.get(f"/records/{x.id}/certificate", as_="teo").json()
        assert link["sha256"] == sha256
        assert hashlib.sha256(requests.get(link["url"], timeout=10).content).hexdigest() == sha256
        self.checked[x.id] = (x.pdfs, sha256)

    @invariant()
    def counts_equal_a_recount(self):
        if not hasattr(self, "recs"):
            return
        for who, site in (("teo", None), ("college", "bjtu"), ("college2", "ncut")):
            mine = [x for x in self.recs if x.status and (site is None or x.site == site)]
            r = self.api.get(f"/records?plan_id={self.plan['plan_id']}&page_size=100", as_=who).json()
            expected = Counter(x.status for x in mine)
            assert {k: v for k, v in r["counts"].items() if v and k != "ALL"} == expected
            assert r["counts"]["ALL"] == r["total"] == len(mine)
            listed = Counter(i["id"] for i in r["items"])
            Workflow.lost += len(set(x.id for x in mine) ^ set(listed)) + sum(n - 1 for n in listed.values())
            assert sorted(listed.elements()) == sorted(x.id for x in mine)   # none lost, none twice


def test_random_workflows_hold_every_invariant(api, figures, monkeypatch):
    monkeypatch.setattr(certificate_making, "_images", _images)
    Workflow.api, Workflow.steps, Workflow.lost = api, 0, 0
    run_state_machine_as_test(Workflow, settings=settings(
        max_examples=scale(2, 8), stateful_step_count=scale(12, 30), deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck), database=None))
    figures["stateful steps"] += Workflow.steps
    figures["records lost or duplicated"] += Workflow.lost
    assert Workflow.steps >= scale(3, 25)
