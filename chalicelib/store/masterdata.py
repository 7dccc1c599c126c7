"""Master data and accounts in the single table: keys, reads and bulk writes.

Kind → keys (pk / sk; gsi1pk / gsi1sk; gsi2pk / gsi2sk):
  orgs          ORG#id / ORG;        ORGS / id
  colleges      COLLEGE#id / COLLEGE; COLLEGES / id
  certificates  CERT#id / CERT;      CERTS / id;           CERTS#ORG#org_id / id
  plans         PLAN#id / PLAN;      PLANS / id;           PLANS#CERT#certificate_id / id
  candidates    CAND#no / CAND;      CANDS#college_id / no
  results       PLAN#plan_id / RESULT#level#no;  CAND#no / RESULT#plan_id#level
  users         USER#username / USER; USERS#org_id / username;  USERS / username
"""
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from pynamodb.models import Model

from .models import AuditEvent, Candidate, CertificateType, College, Entity, Org, Plan, Result, User
from .tx import MAX_ITEMS, Tx, conditional, settle

_KEY_ATTRS = {"pk", "sk", "type", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "teo_pk", "site_pk", "order_key"}


@dataclass(frozen=True)
class Kind:
    model: type[Model]
    primary: Callable[[dict], tuple[str, str]]      # (pk, sk) from the natural key
    indexes: Callable[[dict], dict]                  # the GSI key attributes from the whole row

    def keys(self, row: dict) -> dict:
        pk, sk = self.primary(row)
        return {"pk": pk, "sk": sk, **self.indexes(row)}


def _by_id(prefix: str, listing: str, gsi2: Callable[[dict], tuple] | None = None) -> dict:
    def indexes(row: dict) -> dict:
        keys = {"gsi1pk": listing, "gsi1sk": row["id"]}
        if gsi2:
            keys["gsi2pk"], keys["gsi2sk"] = gsi2(row)
        return keys
    return {"primary": lambda r: (f"{prefix}#{r['id']}", prefix), "indexes": indexes}


KINDS: dict[str, Kind] = {
    "orgs": Kind(Org, **_by_id("ORG", "ORGS")),
    "colleges": Kind(College, **_by_id("COLLEGE", "COLLEGES")),
    "certificates": Kind(CertificateType, **_by_id(
        "CERT", "CERTS", gsi2=lambda r: (f"CERTS#ORG#{r['org_id']}", r["id"]))),
    "plans": Kind(Plan, **_by_id(
        "PLAN", "PLANS", gsi2=lambda r: (f"PLANS#CERT#{r['certificate_id']}", r["id"]))),
    "candidates": Kind(
        Candidate,
        primary=lambda r: (f"CAND#{r['candidate_no']}", "CAND"),
        indexes=lambda r: {"gsi1pk": f"CANDS#{r['college_id']}", "gsi1sk": r["candidate_no"]}),
    "results": Kind(
        Result,
        primary=lambda r: (f"PLAN#{r['plan_id']}", f"RESULT#{r['level']}#{r['candidate_no']}"),
        indexes=lambda r: {"gsi1pk": f"CAND#{r['candidate_no']}", "gsi1sk": f"RESULT#{r['plan_id']}#{r['level']}"}),
    "users": Kind(
        User,
        primary=lambda r: (f"USER#{r['username']}", "USER"),
        indexes=lambda r: {"gsi1pk": f"USERS#{r.get('org_id') or r.get('candidate_no') or '-'}",
                           "gsi1sk": r["username"], "gsi2pk": "USERS", "gsi2sk": r["username"]}),
}


def to_dict(item: Entity) -> dict[str, Any]:
    """The entity's own fields, without the storage keys."""
    return {k: v for k, v in item.attribute_values.items() if k not in _KEY_ATTRS}


def build(kind: str, row: dict) -> Entity:
    spec = KINDS[kind]
    return spec.model(**spec.keys(row), **row)


def put(kind: str, row: dict) -> None:
    build(kind, row).save()


def set_fields(kind: str, natural_key: dict, **fields) -> None:
    """Change only these attributes of an existing row (an UpdateItem, not a whole-row put), so writers of
    different fields — a stamp upload, a seal decision, a contact edit — never undo each other."""
    spec = KINDS[kind]
    item = spec.model(*spec.primary(natural_key))
    actions = [getattr(spec.model, k).remove() if v is None else getattr(spec.model, k).set(v)
               for k, v in fields.items()]
    item.update(actions=actions, condition=Entity.pk.exists(), add_version_condition=False)


def set_many(kind: str, natural_keys: list[dict], **fields) -> None:
    """``set_fields`` on many rows, a hundred per transaction; a row deleted meanwhile is left out."""
    spec = KINDS[kind]
    actions = [getattr(spec.model, k).set(v) for k, v in fields.items()]

    def build(keys: list[dict]) -> Tx:
        tx = Tx()
        for nk in keys:
            tx.update(spec.primary(nk), spec.model(*spec.primary(nk)), actions, condition=Entity.pk.exists())
        return tx
    for start in range(0, len(natural_keys), MAX_ITEMS):
        settle(natural_keys[start:start + MAX_ITEMS], spec.primary, build)


def put_new(kind: str, row: dict) -> bool:
    """Create the row unless its key exists; False when it does."""
    return conditional(lambda: build(kind, row).save(condition=Entity.pk.does_not_exist()))


def put_many(kind: str, rows: Iterable[dict]) -> int:
    """Upsert rows with BatchWriteItem (25 per request; pynamodb retries unprocessed items)."""
    count = 0
    with KINDS[kind].model.batch_write() as batch:
        for row in rows:
            batch.save(build(kind, row))
            count += 1
    return count


def get(kind: str, **natural_key: str) -> dict | None:
    spec = KINDS[kind]
    try:
        return to_dict(spec.model.get(*spec.primary(natural_key)))
    except spec.model.DoesNotExist:
        return None


def get_many(kind: str, natural_keys: Iterable[dict]) -> list[dict]:
    """BatchGetItem in chunks of 100; missing items are simply absent from the result."""
    spec = KINDS[kind]
    pairs = {spec.primary(nk) for nk in natural_keys}
    return [to_dict(item) for item in spec.model.batch_get(list(pairs))]


_NATURAL_KEY = {"users": "username", "candidates": "candidate_no"}       # the others: "id"


def get_each(wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """Rows of several kinds by their key (orgs, colleges, certificates, users, ...) in one BatchGetItem:
    {(kind, key): row}."""
    by_key = {KINDS[kind].primary({_NATURAL_KEY.get(kind, "id"): key}): (kind, key)
              for kind, key in dict.fromkeys(wanted)}
    return {by_key[(item.pk, item.sk)]: to_dict(item) for item in Entity.batch_get(list(by_key))} if by_key else {}


def list_all(kind: str) -> list[dict]:
    listing = {"orgs": "ORGS", "colleges": "COLLEGES", "certificates": "CERTS", "plans": "PLANS"}[kind]
    return [to_dict(i) for i in KINDS[kind].model.gsi1.query(listing)]


def certificates_of_org(org_id: str) -> list[dict]:
    return [to_dict(i) for i in CertificateType.gsi2.query(f"CERTS#ORG#{org_id}")]


def plans_of_certificate(certificate_id: str) -> list[dict]:
    return [to_dict(i) for i in Plan.gsi2.query(f"PLANS#CERT#{certificate_id}")]


def candidates_of_college(college_id: str) -> list[dict]:
    return [to_dict(i) for i in Candidate.gsi1.query(f"CANDS#{college_id}")]


def results_of_plan(plan_id: str, level: str | None = None) -> list[dict]:
    prefix = f"RESULT#{level}#" if level else "RESULT#"
    return [to_dict(i) for i in Result.query(f"PLAN#{plan_id}", Entity.sk.startswith(prefix))]


def users_of_org(org_id: str) -> list[dict]:
    return [to_dict(i) for i in User.gsi1.query(f"USERS#{org_id}")]


def all_users() -> list[dict]:
    return [to_dict(i) for i in User.gsi2.query("USERS")]


def update_user(username: str, fields: dict, withdraw_tokens: bool = False,
                expect_hash: str | None = None) -> dict | None:
    """Change an account's fields; ``withdraw_tokens`` also moves its token generation on, so every token
    issued before answers 401. ``expect_hash``: only if the password is still that one (two changes at
    once: one wins). None when there is no such account, or the password changed meanwhile."""
    item = User(f"USER#{username}", "USER")
    actions = [getattr(User, key).set(value) for key, value in fields.items()]
    if withdraw_tokens:
        actions.append(User.token_gen.add(1))
    condition = Entity.pk.exists()
    if expect_hash is not None:
        condition &= User.password_hash == expect_hash
    if not conditional(lambda: item.update(actions=actions, condition=condition, add_version_condition=False)):
        return None
    return to_dict(item)


def set_college_status(college_id: str, enabled: bool, event: dict) -> bool:
    """启用 / 停用 a college and record who did it, in one transaction that holds only if the college
    exists and is not already in that state; False when it is (or is gone)."""
    item = College(f"COLLEGE#{college_id}", "COLLEGE")
    was_enabled = College.status.does_not_exist() | (College.status != "disabled")
    tx = Tx()
    tx.update(college_id, item, [College.status.remove() if enabled else College.status.set("disabled")],
              condition=Entity.pk.exists() & (~was_enabled if enabled else was_enabled))
    tx.put(college_id, AuditEvent(f"COLLEGE#{college_id}", f"EVT#{event['at']}#{uuid.uuid4().hex[:6]}",
                                  record_id=college_id, **event))
    return tx.commit().ok


def college_events(college_id: str) -> list[dict]:
    return [to_dict(e) for e in AuditEvent.query(f"COLLEGE#{college_id}", Entity.sk.startswith("EVT#"))]
