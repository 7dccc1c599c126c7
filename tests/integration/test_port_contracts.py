"""The in-memory fakes (tests/fakes) behave as the AWS adapters do on the embedded AWS: each check runs on
both, and the shape tests compare what each returns for the same writes. Data made on the local stack
uses fresh ids (a TEO, site and plan of its own, so counters and tabs hold only the test's records) and is
deleted afterwards."""
import io
import uuid

import pytest
from botocore.exceptions import ParamValidationError
from cryptography import x509
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from chalicelib import pades_check, ports, wiring
from chalicelib.domain.workflow import Status
from chalicelib.ports import Change, FileMissing, Issued, TokenMalformed
from chalicelib.store.models import RECORD_FILTER_FIELDS, Entity
from tests import fakes
from tests.documents import blank_pdf

PROJECTED = (set(RECORD_FILTER_FIELDS) - {"type"}) | {"id", "order_key"}


class Side:
    """One implementation of every port, and the partitions it wrote on the stack (deleted at the end)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.ports = fakes.make().ports if name == "fake" else wiring.aws()
        self.partitions: set[str] = set()
        self.run = uuid.uuid4().hex[:10]

    def __getattr__(self, port: str):
        return self.ports[port]

    def scope(self) -> tuple[str, str]:
        """A TEO and a site nobody else uses: their counters and tabs hold this test's records only."""
        teo, site = f"ct-teo-{self.run}", f"ct-site-{self.run}"
        self.partitions |= {f"CNT#{teo}", f"CNTSITE#{site}"}
        return teo, site

    def record(self, teo: str, site: str, n: int = 0, created_at: str | None = None, **fields) -> dict:
        candidate = f"ct{self.run}{n:03d}"
        rec = {"id": self.records.record_id(candidate, f"ctplan-{self.run}", "ctcert", "中级"),
               "status": Status.TEO_PENDING.value, "candidate_no": candidate, "candidate_name": f"考生{n}",
               "site_id": site, "plan_id": f"ctplan-{self.run}", "exam_year": 2026, "certificate_id": "ctcert",
               "level": "中级", "teo_id": teo, "created_at": created_at or self.clock.now_iso(),
               "created_by": "contract", **fields}
        self.partitions.add(f"REC#{rec['id']}")
        return rec

    def seal_serial(self) -> str:
        """An e-seal to sign with: a new one of the fake's, the demo TEO's on the stack (issuing one there
        would leave a KMS key and a certificate behind)."""
        if self.name == "fake":
            return self.keys.issue_seal("ct", "测试机构")["serial"]
        return self.master.get("orgs", id="zwl")["seal_serial"]

    def cleanup(self) -> None:
        if self.name == "aws":
            for pk in self.partitions:
                for item in Entity.query(pk):
                    item.delete()


EVENT = {"actor": "contract", "role": "teo", "org_id": "ct", "action": "contract"}


@pytest.fixture(params=["fake", "aws"])
def side(request):
    if request.param == "aws":
        request.getfixturevalue("running")
    made = Side(request.param)
    yield made
    made.cleanup()


@pytest.fixture
def both(running):
    made = [Side("fake"), Side("aws")]
    yield made
    for s in made:
        s.cleanup()


def _created(side: Side, *recs: dict) -> list[dict]:
    created, existing = side.records.create([dict(r) for r in recs], EVENT)
    assert (created, existing) == ([r["id"] for r in recs], [])
    return side.records.get_many(r["id"] for r in recs)


def _tally(side: Side, scope: str, scope_id: str) -> dict:
    """status → count over the scope's counters, the statuses with none left out."""
    out: dict[str, int] = {}
    for bucket in side.records.counters(scope, scope_id):
        for status in Status:
            if bucket.get(status.value):
                out[status.value] = out.get(status.value, 0) + int(bucket[status.value])
    return out


def _move(side: Side, rec: dict, to: Status, **fields) -> dict:
    assert side.records.apply([Change(rec, to.value, fields, dict(EVENT))]) == ([rec["id"]], [], [])
    return side.records.get(rec["id"])


# ---- records -------------------------------------------------------------------------------------------

def test_create_refuses_an_existing_id(side):
    teo, site = side.scope()
    rec = side.record(teo, site)
    first = dict(rec)
    assert side.records.create([first], EVENT) == ([rec["id"]], [])
    assert first["incarnation"], "create gives the record its incarnation"
    assert side.records.create([dict(rec)], EVENT) == ([], [rec["id"]])
    stored = side.records.get(rec["id"])
    assert (stored["status"], stored["version"], stored["incarnation"]) == ("TEO_PENDING", 1, first["incarnation"])
    assert _tally(side, "teo", teo) == _tally(side, "site", site) == {"TEO_PENDING": 1}
    assert [(e.get("from_status"), e["to_status"]) for e in side.records.events(rec["id"])] == \
        [(None, "TEO_PENDING")]


def test_a_stale_change_is_lost_and_moves_nothing(side):
    teo, site = side.scope()
    rec, = _created(side, side.record(teo, site))
    moved = _move(side, rec, Status.SITE_PENDING, signed=True, teo_signed_by="contract")
    assert (moved["status"], moved["version"], moved["signed"], moved["teo_signed_by"]) == \
        ("SITE_PENDING", 2, True, "contract")
    # the state it was read in is gone: the same change again, and one from another incarnation, are lost
    assert side.records.apply([Change(rec, "SITE_PENDING", {}, dict(EVENT))]) == ([], [rec["id"]], [])
    other = {**moved, "incarnation": "someoneelse"}
    assert side.records.apply([Change(other, "READY", {}, dict(EVENT))]) == ([], [rec["id"]], [])
    assert side.records.get(rec["id"]) == moved
    assert len(side.records.events(rec["id"])) == 2
    assert _tally(side, "teo", teo) == _tally(side, "site", site) == {"SITE_PENDING": 1}
    assert side.records.tab("teo", teo, "TEO_PENDING") == []
    assert [r["id"] for r in side.records.tab("site", site, "SITE_PENDING")] == [rec["id"]]


def test_some_of_a_batch_lost_the_others_applied_and_counted(side):
    teo, site = side.scope()
    recs = _created(side, *(side.record(teo, site, n) for n in range(3)))
    _move(side, recs[1], Status.SITE_PENDING)
    changes = [Change(r, "SITE_PENDING", {}, dict(EVENT)) for r in recs]
    assert side.records.apply(changes) == ([recs[0]["id"], recs[2]["id"]], [recs[1]["id"]], [])
    assert _tally(side, "teo", teo) == {"SITE_PENDING": 3}


def test_tab_is_in_creation_order_with_the_projected_fields(side):
    teo, site = side.scope()
    recs = [side.record(teo, site, n, created_at=f"2026-01-0{day}T00:00:00.000000+00:00")
            for n, day in enumerate((3, 1, 2))]
    full = {r["id"]: r for r in _created(side, *recs)}
    rows = side.records.tab("teo", teo, "TEO_PENDING")
    assert [r["id"] for r in rows] == [recs[1]["id"], recs[2]["id"], recs[0]["id"]]
    assert [r["id"] for r in side.records.tab("site", site, "TEO_PENDING")] == [r["id"] for r in rows]
    fields = PROJECTED - {"order_key"}
    for row in rows:
        assert PROJECTED <= set(row)
        assert {k: row[k] for k in fields} == {k: full[row["id"]][k] for k in fields}
        assert row["order_key"] == f"{full[row['id']]['created_at']}#{row['candidate_no']}#{row['id']}"


def test_only_an_unchanged_unsigned_record_is_deleted(side):
    teo, site = side.scope()
    plain, signed = _created(side, side.record(teo, site, 0), side.record(teo, site, 1))
    signed = _move(side, signed, Status.TEO_REJECTED, signed=True)
    assert side.records.delete(signed, dict(EVENT)) is False
    assert side.records.delete({**plain, "version": 7}, dict(EVENT)) is False
    assert side.records.delete(plain, dict(EVENT)) is True
    assert side.records.get(plain["id"]) is None
    assert side.records.delete(plain, dict(EVENT)) is False
    assert side.records.events(plain["id"])[-1]["from_status"] == "TEO_PENDING"
    assert "to_status" not in side.records.events(plain["id"])[-1]
    assert _tally(side, "teo", teo) == {"TEO_REJECTED": 1}


def _issued(side: Side, rec: dict, cert_no: str, pdf: str, new_number: bool, status_index=None) -> Issued:
    side.partitions |= {f"PDFHASH#{pdf}", f"CERTNO#{cert_no}"}
    return Issued(rec, f"certificates/{pdf}.pdf", pdf, cert_no, "vcode", "2026-06-01", new_number,
                  {**EVENT, "at": side.clock.now_iso()}, status_index=status_index)


def test_finish_writes_versions_and_the_lookups(side):
    teo, site = side.scope()
    rec, taken, failing = _created(side, *(side.record(teo, site, n) for n in range(3)))
    rec, taken, failing = (_move(side, r, Status.GENERATING) for r in (rec, taken, failing))
    cert_no, sha = f"CT{side.run}", uuid.uuid4().hex * 2
    assert side.records.finish([_issued(side, rec, cert_no, sha, True, status_index=41)],
                               [Change(failing, "STAMP_FAILED", {"reason": "坏了"}, dict(EVENT))]) \
        == ([rec["id"], failing["id"]], [], [])
    issued = side.records.get(rec["id"])
    assert (issued["status"], issued["pdf_version"], issued["cert_no"], issued["status_index"]) == \
        ("ISSUED", 1, cert_no, 41)
    assert issued["credential_salt"] and "reason" not in issued
    assert side.records.get(failing["id"])["reason"] == "坏了"
    assert side.issued.by_cert_no(cert_no) == issued
    assert side.issued.by_pdf_hash(sha) == (issued, 1)
    assert side.issued.by_cert_no(cert_no + "x") is None and side.issued.by_pdf_hash(sha[::-1]) is None
    # a number someone holds already: the record's whole outcome is refused
    assert side.records.finish([_issued(side, taken, cert_no, uuid.uuid4().hex * 2, True)], []) == \
        ([], [taken["id"]], [])
    assert side.records.get(taken["id"])["status"] == "GENERATING"
    # re-issued: a second version supersedes the first; the number and the status bit stay
    again = _move(side, _move(side, issued, Status.READY), Status.GENERATING)
    sha2 = uuid.uuid4().hex * 2
    assert side.records.finish([_issued(side, again, cert_no, sha2, False, status_index=99)], []) == \
        ([rec["id"]], [], [])
    versions = side.issued.versions(rec["id"])
    assert [(v["version"], v["sha256"], v["superseded"]) for v in versions] == [(1, sha, True), (2, sha2, False)]
    final = side.records.get(rec["id"])
    assert (final["pdf_version"], final["status_index"], final["credential_salt"]) == \
        (2, 41, issued["credential_salt"])
    assert side.issued.by_pdf_hash(sha)[1] == 1 and side.issued.by_pdf_hash(sha2)[1] == 2
    assert _tally(side, "teo", teo) == {"ISSUED": 1, "STAMP_FAILED": 1, "GENERATING": 1}


def test_apply_chunks_writes_the_outbox_with_its_transitions(side):
    teo, site = side.scope()
    recs = _created(side, *(side.record(teo, site, n) for n in range(3)))
    ready = [_move(side, _move(side, r, Status.SITE_PENDING), Status.READY) for r in recs]
    stale = ready[2]
    _move(side, stale, Status.SITE_REJECTED)
    chunks = list(side.records.apply_chunks([Change(r, "GENERATING", {}, dict(EVENT)) for r in ready],
                                            max_records=2, job=lambda c: {"id": c.record["id"]}))
    assert [([c.record["id"] for c in ch.applied], ch.lost, ch.busy, bool(ch.outbox)) for ch in chunks] == \
        [([ready[0]["id"], ready[1]["id"]], [], [], True), ([], [stale["id"]], [], False)]
    key = chunks[0].outbox
    try:
        waiting = dict(side.outbox.before(side.clock.now_iso() + "~"))
        assert waiting[key] == [{"id": ready[0]["id"]}, {"id": ready[1]["id"]}]
        assert key not in dict(side.outbox.before(key))
    finally:
        side.outbox.clear([key])
    assert key not in dict(side.outbox.before(side.clock.now_iso() + "~"))


# ---- the other stores ----------------------------------------------------------------------------------

def _session(side: Side, expires_at: float) -> dict:
    session_id = uuid.uuid4().hex
    side.partitions.add(f"SESSION#{session_id}")
    return {"id": session_id, "side": "teo", "org_id": "ct", "action": "sign", "record_ids": ["a", "b"],
            "record_marks": ["1:x", "1:y"], "digest": "d" * 64, "status": "open", "created_by": "contract",
            "created_at": side.clock.now_iso(), "expires_at": int(expires_at)}


def test_a_session_is_claimed_once_and_released_to_open(side):
    now = side.clock.now()
    session = _session(side, now + 600)
    side.sessions.put(session)
    assert side.sessions.claim(session["id"], now, "张三", "sign", "10.0.0.1") is True
    assert side.sessions.claim(session["id"], now, "李四", "sign", "10.0.0.2") is False
    claimed = side.sessions.get(session["id"])
    assert (claimed["status"], claimed["signer"], claimed["client_ip"]) == ("completing", "张三", "10.0.0.1")
    side.sessions.release(session["id"])
    reopened = side.sessions.get(session["id"])
    assert reopened["status"] == "open" and "signer" not in reopened and "signed_at" not in reopened
    assert side.sessions.claim(session["id"], now, "李四", "sign", "10.0.0.2") is True
    side.sessions.finish(session["id"], "completed", ["a"], [{"id": "b", "reason": "已变化"}], "signatures/x.png",
                         "e" * 64)
    done = side.sessions.get(session["id"])
    assert (done["status"], done["applied"], side.sessions.skipped(done)) == \
        ("completed", ["a"], [{"id": "b", "reason": "已变化"}])
    assert side.sessions.claim(session["id"], now, "王五", "sign", "10.0.0.3") is False
    expired = _session(side, now - 1)
    side.sessions.put(expired)
    assert side.sessions.claim(expired["id"], now, "张三", "sign", "10.0.0.1") is False
    assert side.sessions.get("not-a-session") is None and side.sessions.get(uuid.uuid4().hex) is None


def _user(side: Side, name: str, **fields) -> dict:
    side.partitions.add(f"USER#{name}")
    return {"username": name, "role": "teo", "org_id": f"ct-org-{side.run}", "password_hash": "h1", **fields}


def test_master_data_by_natural_key(side):
    name = f"ct-user-{side.run}"
    assert side.master.put_new("users", _user(side, name)) is True
    assert side.master.put_new("users", _user(side, name, role="admin")) is False
    assert side.master.get("users", username=name)["role"] == "teo"
    assert side.master.update_user(name, {"password_hash": "h2"}, expect_hash="wrong") is None
    assert side.master.update_user(name + "-nobody", {"display_name": "x"}) is None
    changed = side.master.update_user(name, {"password_hash": "h2"}, withdraw_tokens=True, expect_hash="h1")
    assert (changed["password_hash"], changed["token_gen"]) == ("h2", 1)
    assert changed == side.master.get("users", username=name)
    assert not {"pk", "sk", "gsi1pk", "gsi2pk", "type"} & set(changed)
    other = f"ct-user2-{side.run}"
    side.master.put("users", _user(side, other))
    found = side.master.get_many("users", [{"username": name}, {"username": other}, {"username": name + "-nobody"}])
    assert sorted(u["username"] for u in found) == [name, other]
    assert [u["username"] for u in side.master.users_of_org(f"ct-org-{side.run}")] == sorted([name, other])
    orgs = [f"ct-{side.run}-{n}" for n in (2, 1)]
    for org in orgs:
        side.partitions.add(f"ORG#{org}")
        side.master.put("orgs", {"id": org, "name": f"机构{org}"})
    listed = [o["id"] for o in side.master.list_all("orgs")]
    assert [o for o in listed if o in orgs] == sorted(orgs) and listed == sorted(listed)
    side.master.set_fields("orgs", {"id": orgs[0]}, contact_name="联系人", seal_status=None)
    assert side.master.get_each([("orgs", orgs[0]), ("users", name), ("orgs", "ct-none")]) == {
        ("orgs", orgs[0]): side.master.get("orgs", id=orgs[0]), ("users", name): changed}
    assert side.master.get("orgs", id=orgs[0])["contact_name"] == "联系人"


def test_a_college_is_disabled_and_enabled_once_each(side):
    college = f"ct-college-{side.run}"
    side.partitions.add(f"COLLEGE#{college}")
    event = {**EVENT, "at": side.clock.now_iso()}
    assert side.master.set_college_status(college, False, event) is False       # no such college
    side.master.put("colleges", {"id": college, "name": "测试学院"})
    assert side.master.set_college_status(college, True, event) is False        # enabled already
    assert side.master.set_college_status(college, False, event) is True
    assert side.master.set_college_status(college, False, event) is False
    assert side.master.get("colleges", id=college)["status"] == "disabled"
    assert side.master.set_college_status(college, True, event) is True
    assert "status" not in side.master.get("colleges", id=college)
    assert [e["record_id"] for e in side.master.college_events(college)] == [college, college]


def test_throttle_allows_up_to_the_limit_in_a_window(side):
    key, now = f"ct-{side.run}", 1_800_000_020.5
    side.partitions |= {f"THROTTLE#{key}#{int(now // 60) + d}" for d in (0, 1)}
    assert [side.throttle.allow(key, 3, 60, now=now) for _ in range(4)] == [True, True, True, False]
    side.throttle.release(key, 60, now=now)
    assert side.throttle.allow(key, 3, 60, now=now) is True
    assert side.throttle.allow(key, 3, 60, now=now) is False
    assert side.throttle.allow(key, 3, 60, now=now + 60) is True
    assert side.throttle.allow(key, 0, 60, now=now + 60) is False
    assert side.throttle.retry_after(60, now=now) == 40


def test_a_seal_application_moves_only_from_the_expected_status(side):
    app_id = uuid.uuid4().hex
    side.partitions.add(f"SEALAPP#{app_id}")
    side.seal_applications.put({"id": app_id, "org_id": "ct", "org_name": "测试机构", "legal_representative": "甲",
                                "contact_name": "乙", "contact_phone": "1", "seal_text": "测试机构",
                                "status": "submitted", "submitted_by": "contract",
                                "submitted_at": "9999-01-01T00:00:00+00:00"})
    assert side.seal_applications.move(app_id, "approved", "rejected", reason="x") is False
    assert side.seal_applications.move(app_id, "submitted", "approved", decided_by="admin") is True
    assert side.seal_applications.move(app_id, "submitted", "rejected") is False
    app = side.seal_applications.get(app_id)
    assert (app["status"], app["decided_by"], "reason" in app) == ("approved", "admin", False)
    assert side.seal_applications.newest_first()[0]["id"] == app_id
    assert side.seal_applications.move(uuid.uuid4().hex, "submitted", "approved") is False


def test_sequences_allocate_consecutive_numbers(side):
    name = f"CT-{side.run}"
    side.partitions.add(f"SEQ#{name}")
    assert side.sequences.allocate(name, 3) == range(1, 4)
    assert side.sequences.allocate(name, 1) == range(4, 5)
    assert side.sequences.allocate(name, 10) == range(5, 15)


def test_status_list_bits_and_their_signed_copy(side):
    index = side.status_lists.SIZE * (50_000 + int(side.run[:4], 16)) + 7     # a list of its own
    list_id, bit = side.status_lists.locate(index)
    side.partitions.add(f"STATUSLIST#{list_id}")
    assert side.status_lists.get_list(list_id) is None
    side.status_lists.ensure_lists([index])
    assert side.status_lists.get_list(list_id)["revision"] == 0 and not side.status_lists.is_set(index)
    side.status_lists.set_bit(index)
    found = side.status_lists.get_list(list_id)
    assert (found["revoked"], found["revision"], side.status_lists.is_set(index)) == ({bit}, 1, True)
    side.status_lists.keep_signed(list_id, "jwt-0", 0, "t0")       # a revision older than the list's
    assert side.status_lists.get_list(list_id)["jwt"] is None
    side.status_lists.keep_signed(list_id, "jwt-1", 1, "t1")
    assert side.status_lists.get_list(list_id)["jwt"] == "jwt-1"


def test_download_jobs(side):
    user, job_id = f"ct-{side.run}", uuid.uuid4().hex
    side.partitions.add(f"DL#{job_id}")
    side.downloads.put({"id": job_id, "side": "teo", "org_id": "ct", "requested_by": user, "record_ids": ["a"],
                        "created_at": "2026-01-02T00:00:00+00:00", "status": "queued"})
    side.downloads.update(job_id, status="done", done=1, key="downloads/x.zip")
    job = side.downloads.get(job_id)
    assert (job["status"], job["done"], job["key"]) == ("done", 1, "downloads/x.zip")
    assert [j["id"] for j in side.downloads.recent(user, "2026-01-01")] == [job_id]
    assert side.downloads.recent(user, "2026-01-03") == []


# ---- keys, tokens, sealing and files ------------------------------------------------------------------

def test_a_token_signed_by_an_e_seal_is_checked_against_the_ca(side):
    key_id, cert_pem = side.keys.seal_signer(side.seal_serial())
    token = side.tokens.sign({"id": "urn:x", "姓名": "张三"}, key_id, [cert_pem, side.keys.ca_pem()])
    checked = side.tokens.check(token)
    assert (checked["chained"], checked["valid"], checked["claims"]) == (True, True, {"id": "urn:x", "姓名": "张三"})
    assert (checked["header"]["alg"], checked["header"]["typ"], len(checked["header"]["x5c"])) == ("ES256", "vc+jwt", 2)
    head, body, signature = token.split(".")
    assert not side.tokens.check(f"{head}.{body}x.{signature}")["valid"]
    with pytest.raises(TokenMalformed):
        side.tokens.check("a.b")
    listed = side.tokens.sign({"id": "list"}, side.keys.ca()["key_id"], [side.keys.ca_pem()], typ="vc+jwt")
    assert side.tokens.check(listed)["valid"]


def test_keys_know_their_seals_only(side):
    serial = side.seal_serial()
    found = side.keys.seal(serial)
    assert (found["serial"], found["revoked_at"]) == (serial, None)
    assert side.keys.seal_signer(serial) == (found["key_id"], found["cert_pem"])
    assert side.keys.seal("ffff0000") is None
    with pytest.raises(LookupError):
        side.keys.seal_signer("ffff0000")
    ca = x509.load_pem_x509_certificate(side.keys.ca_pem().encode())
    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == side.keys.CA_NAME


def test_a_sealed_pdf_is_trusted_and_carries_its_attachment(side):
    serial = side.seal_serial()
    sealed = side.pdf_seal.sign(blank_pdf(), serial, attachment=("evidence.json", "证据", b'{"a": 1}'))
    found = pades_check.inspect(sealed, side.keys.ca_pem())
    assert (found["signed"], found["intact"], found["trusted"], found["covers_whole_file"], found["serial"]) == \
        (True, True, True, True, serial)
    assert PdfReader(io.BytesIO(sealed)).attachments == {"evidence.json": [b'{"a": 1}']}


def test_files_under_declared_prefixes(side):
    key = f"previews/ct-{side.run}.txt"
    with pytest.raises(ValueError):
        side.files.put(f"elsewhere/ct-{side.run}.txt", b"x", "text/plain")
    with pytest.raises(ParamValidationError):
        side.files.put(key, b"x", "text/plain", metadata={"名": "值"})
    try:
        side.files.put(key, "内容".encode(), "text/plain", metadata={"name": "值"})
        assert side.files.read(key) == "内容".encode()
        assert key in side.files.link(key) and key in side.files.link(key, filename="证书.pdf", seconds=60)
        assert side.files.try_put(key, b"again", "text/plain") is True and side.files.read(key) == b"again"
    finally:
        assert side.files.discard([key]) is True
    with pytest.raises(FileMissing):
        side.files.read(key)
    assert side.files.PREFIXES["previews/"] == 1


# ---- what each returns: the same fields, of the same types ---------------------------------------------

def _shape(value):
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shape(v) for v in value]
    return type(value).__name__


def _story(side: Side) -> dict:
    """One of everything, as each port returns it."""
    teo, site = side.scope()
    rec, other = _created(side, side.record(teo, site, 0, id_number="110101199001011234"),
                          side.record(teo, site, 1))
    generating = _move(side, _move(side, _move(side, rec, Status.SITE_PENDING, signed=True), Status.READY),
                       Status.GENERATING)
    cert_no, sha = f"CT{side.run}", uuid.uuid4().hex * 2
    side.records.finish([_issued(side, generating, cert_no, sha, True, status_index=3)], [])
    session = _session(side, side.clock.now() + 600)
    side.sessions.put(session)
    side.sessions.claim(session["id"], side.clock.now(), "张三", "sign", "10.0.0.1")
    name = f"ct-user-{side.run}"
    side.master.put_new("users", _user(side, name))
    return {"record": side.records.get(rec["id"]), "events": side.records.events(rec["id"]),
            "tab": side.records.tab("teo", teo, "TEO_PENDING"), "site tab": side.records.tab("site", site, "ISSUED"),
            "by candidate": side.records.by_candidate(other["candidate_no"]),
            "counters": side.records.counters("teo", teo), "site counters": side.records.counters("site", site),
            "versions": side.issued.versions(rec["id"]), "by hash": side.issued.by_pdf_hash(sha),
            "session": side.sessions.get(session["id"]), "user": side.master.get("users", username=name),
            "updated user": side.master.update_user(name, {"display_name": "某"}, withdraw_tokens=True),
            "ca": side.keys.ca(), "seal": side.keys.seal(side.seal_serial()),
            "sealed": pades_check.inspect(side.pdf_seal.sign(blank_pdf(), side.seal_serial()), side.keys.ca_pem())}


def test_the_fakes_return_what_the_adapters_return(both):
    fake, aws = (_story(s) for s in both)
    assert _shape(fake) == _shape(aws)


def test_the_fakes_serve_the_ports_when_installed():
    made = fakes.make()
    with ports.installed(made.ports):
        assert ports.records is made.records and ports.clock.now() == made.clock.now()
