"""Issue (F5) and re-issue (F6): records move to GENERATING and their stamping jobs go to SQS; re-issue
sends ISSUED or STAMP_FAILED records back to READY."""
import datetime as dt

from .. import ports
from ..domain.access import Principal, requires
from ..domain.errors import Conflict
from ..domain.workflow import Action, next_status, refusal, roles_for, sources
from . import audit, batches, certificate_making

MAX_BATCH = 5000


def _apply(chosen: list[dict], action: Action, event: dict, fields: dict) -> tuple[list[str], list[dict]]:
    changes = [ports.Change(rec, next_status(rec["status"], action).value, fields, event) for rec in chosen]
    applied, lost, busy = ports.records.apply(changes)
    return applied, audit.unapplied(lost, busy, "请稍后重试")


@requires(*roles_for(Action.ISSUE))
def issue(principal: Principal, record_ids: list[str] | None, filter_: dict | None, method: str) -> dict:
    """READY → GENERATING, a chunk at a time: each chunk's transaction writes its jobs to the outbox too,
    and they go to SQS right after it, so a crash strands at most one chunk, which ``resend_unsent``
    queues again within minutes."""
    ready = [s.value for s in sources(Action.ISSUE)]
    chosen, skipped = batches.select(principal, record_ids, filter_, ready, "发放", MAX_BATCH)
    refuse_unstampable(chosen, method)
    event = audit.event(principal, Action.ISSUE, reason=None)
    # Records of one tab bucket together, so a message's jobs share their counters, TEO, site and type.
    chosen.sort(key=lambda r: (r["site_id"], r["plan_id"], r["level"], r["certificate_id"]))
    changes = [ports.Change(rec, next_status(rec["status"], Action.ISSUE).value, {"method": method}, event)
               for rec in chosen]
    applied: list[str] = []
    sent: list[str] = []
    for chunk in ports.records.apply_chunks(changes, max_records=CHUNK_RECORDS, job=_job):
        skipped += audit.unapplied(chunk.lost, chunk.busy, "请稍后重试")
        if chunk.applied:
            applied += [c.record["id"] for c in chunk.applied]
            if _send([_job(c) for c in chunk.applied]):
                sent.append(chunk.outbox)
        if len(sent) == ports.outbox.CLEAR_BATCH:     # a crash re-sends at most this many chunks' jobs
            ports.outbox.clear(sent)
            sent = []
    ports.outbox.clear(sent)      # what failed to send stays in the outbox for resend_unsent
    return {"applied": applied, "skipped": skipped, "method": method}


# Three full messages per transaction: 2 items per record, 2 counters and the outbox item fit in 100.
CHUNK_RECORDS = 3 * ports.JOBS_PER_MESSAGE
UNSENT_AFTER = dt.timedelta(minutes=2)     # longer than any issue request takes to send its chunks


def _job(change: ports.Change) -> dict:
    # The moved record is at version + 1; the job names that version, so a stale or repeated message can
    # never stamp a later issue of the same record.
    return {"id": change.record["id"], "version": int(change.record["version"]) + 1}


def _send(jobs: list[dict]) -> bool:
    messages = [{"kind": "stamp", "jobs": jobs[i:i + ports.JOBS_PER_MESSAGE]}
                for i in range(0, len(jobs), ports.JOBS_PER_MESSAGE)]
    return not ports.queue.send(messages)


def resend_unsent() -> int:
    """Run every minute: jobs whose chunk reached GENERATING but not SQS (the API died in between, or
    SQS refused them) are sent again; the worker skips any it has done already. Returns how many."""
    cutoff = (ports.clock.now_utc() - UNSENT_AFTER).isoformat()
    sent, count = [], 0
    for key, jobs in ports.outbox.before(cutoff):
        if _send(jobs):
            sent.append(key)
            count += len(jobs)
    ports.outbox.clear(sent)
    return count


def missing(chosen: list[dict], method: str) -> list[str]:
    """What the TEO or a site must supply before these records can be stamped by ``method`` (the e-seal,
    a stamp of which organisation): each missing thing once, in the order first met."""
    found: dict[str, None] = {}
    combos = dict.fromkeys((r["teo_id"], r["site_id"], r["certificate_id"]) for r in chosen)
    rows = ports.master.get_each({pair for teo_id, site_id, cert_id in combos for pair in
                            (("orgs", teo_id), ("colleges", site_id), ("certificates", cert_id))})   # one read
    for teo_id, site_id, cert_id in combos:
        teo = rows.get(("orgs", teo_id)) or {"name": teo_id}
        site = rows.get(("colleges", site_id)) or {"name": site_id}
        template = (rows.get(("certificates", cert_id)) or {}).get("template") or "default"
        found.update(dict.fromkeys(certificate_making.missing(teo, site, template, method)))
    return list(found)


def refuse_unstampable(chosen: list[dict], method: str) -> None:
    """Refuse up front what the worker could only fail: nothing is queued while anything is missing."""
    problems = missing(chosen, method)
    if problems:
        raise Conflict("无法发放：" + "；".join(problems), code="issue_prerequisites_missing",
                       details={"missing": problems})


@requires(*roles_for(Action.ISSUE))
def check(principal: Principal, record_ids: list[str] | None, filter_: dict | None, method: str) -> dict:
    """What issuing these records by ``method`` would lack (the 发放 dialog warns before confirming)."""
    ready = [s.value for s in sources(Action.ISSUE)]
    chosen, _ = batches.select(principal, record_ids, filter_, ready, "发放", MAX_BATCH)
    return {"missing": missing(chosen, method)}


@requires(*roles_for(Action.REISSUE))
def reissue(principal: Principal, record_ids: list[str] | None, filter_: dict | None) -> dict:
    """ISSUED or STAMP_FAILED → READY: the certificate goes back to pending issuance. Its number, award
    date and earlier PDF versions are kept; the next issue makes a new version."""
    allowed = [s.value for s in sources(Action.REISSUE)]
    chosen, skipped = batches.select(principal, record_ids, filter_, allowed, "重新发放", MAX_BATCH)
    skipped += [{"id": r["id"], "reason": why} for r in chosen if (why := refusal(Action.REISSUE, r))]
    chosen = [r for r in chosen if not refusal(Action.REISSUE, r)]
    applied, more = _apply(chosen, Action.REISSUE, audit.event(principal, Action.REISSUE), {"reason": None})
    return {"applied": applied, "skipped": skipped + more}
