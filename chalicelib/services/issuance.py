"""Issue (F5) and re-issue (F6): records move to GENERATING and their stamping jobs go to SQS; re-issue
sends ISSUED or STAMP_FAILED records back to READY."""
from .. import queue
from ..domain.access import Principal, Role
from ..domain.errors import Conflict
from ..domain.workflow import Action, Status, next_status, sources
from ..store import masterdata as master
from ..store import records as store
from . import records, stamping

MAX_BATCH = 5000


def _apply(chosen: list[dict], action: Action, event: dict, fields: dict) -> tuple[list[str], list[dict]]:
    changes = [store.Change(rec, next_status(rec["status"], action).value, fields, event) for rec in chosen]
    applied, lost, busy = store.apply(changes)
    return applied, records.unapplied(lost, busy, "请稍后重试")


def issue(principal: Principal, record_ids: list[str] | None, filter_: dict | None, method: str) -> dict:
    principal.require(Role.TEO)
    ready = [s.value for s in sources(Action.ISSUE)]
    chosen, skipped = records.select(principal, record_ids, filter_, ready, "发放", MAX_BATCH)
    refuse_unstampable(chosen, method)
    event = records.event(principal, Action.ISSUE, reason=None)
    applied, more = _apply(chosen, Action.ISSUE, event, {"method": method})
    skipped += more
    # Each moved record is now at version + 1; the job names that version, so a stale or repeated
    # message can never stamp a later issue of the same record.
    versions = {r["id"]: int(r["version"]) + 1 for r in chosen}
    jobs = [{"id": rid, "version": versions[rid]} for rid in applied]
    messages = [{"kind": "stamp", "jobs": jobs[i:i + queue.JOBS_PER_MESSAGE]}
                for i in range(0, len(jobs), queue.JOBS_PER_MESSAGE)]
    unsent = [job for i in queue.send(messages) for job in messages[i]["jobs"]]
    if unsent:
        _fail_unqueued(principal, unsent)
        lost = {j["id"] for j in unsent}
        applied = [rid for rid in applied if rid not in lost]
        skipped += [{"id": rid, "reason": "任务排队失败，已转为盖章失败，请重新发放"} for rid in lost]
    return {"applied": applied, "skipped": skipped, "method": method}


def missing(chosen: list[dict], method: str) -> list[str]:
    """What the TEO or a site must supply before these records can be stamped by ``method`` (the e-seal,
    a stamp of which organisation): each missing thing once, in the order first met."""
    found: dict[str, None] = {}
    for teo_id, site_id, cert_id in dict.fromkeys((r["teo_id"], r["site_id"], r["certificate_id"]) for r in chosen):
        teo = master.get("orgs", id=teo_id) or {"name": teo_id}
        site = master.get("colleges", id=site_id) or {"name": site_id}
        template = (master.get("certificates", id=cert_id) or {}).get("template") or "default"
        found.update(dict.fromkeys(stamping.missing(teo, site, template, method)))
    return list(found)


def refuse_unstampable(chosen: list[dict], method: str) -> None:
    """Refuse up front what the worker could only fail: nothing is queued while anything is missing."""
    problems = missing(chosen, method)
    if problems:
        raise Conflict("无法发放：" + "；".join(problems), code="issue_prerequisites_missing",
                       details={"missing": problems})


def check(principal: Principal, record_ids: list[str] | None, filter_: dict | None, method: str) -> dict:
    """What issuing these records by ``method`` would lack (the 发放 dialog warns before confirming)."""
    principal.require(Role.TEO)
    ready = [s.value for s in sources(Action.ISSUE)]
    chosen, _ = records.select(principal, record_ids, filter_, ready, "发放", MAX_BATCH)
    return {"missing": missing(chosen, method)}


def _fail_unqueued(principal: Principal, jobs: list[dict]) -> None:
    """A record in GENERATING with no job would wait forever: it goes to STAMP_FAILED instead."""
    current = {r["id"]: r for r in store.get_many(j["id"] for j in jobs)}
    changes = [store.Change(current[j["id"]], Status.STAMP_FAILED.value, {"reason": "任务排队失败，请重新发放"},
                            records.event(principal, Action.STAMP_FAIL, reason="任务排队失败"))
               for j in jobs if current.get(j["id"], {}).get("version") == j["version"]]
    store.apply(changes)     # what stays GENERATING even so, the scheduled sweep fails


def reissue(principal: Principal, record_ids: list[str] | None, filter_: dict | None) -> dict:
    """ISSUED or STAMP_FAILED → READY: the certificate goes back to pending issuance. Its number, award
    date and earlier PDF versions are kept; the next issue makes a new version."""
    principal.require(Role.TEO)
    allowed = [s.value for s in sources(Action.REISSUE)]
    chosen, skipped = records.select(principal, record_ids, filter_, allowed, "重新发放", MAX_BATCH)
    skipped += [{"id": r["id"], "reason": "证书已撤销，不能重新发放"} for r in chosen if r.get("revoked")]
    chosen = [r for r in chosen if not r.get("revoked")]
    applied, more = _apply(chosen, Action.REISSUE, records.event(principal, Action.REISSUE), {"reason": None})
    return {"applied": applied, "skipped": skipped + more}
