"""Fakes of the ``master`` and ``seal_applications`` ports (chalicelib/store/masterdata.py,
seal_applications.py), over the shared table with the adapters' own key table (``KINDS``): rows are found
by their natural key (users by username, candidates by candidate_no, the others by id) and listed by the
same index keys, in the same order; returned rows carry no storage keys."""
from typing import Iterable

from chalicelib.store import masterdata as adapter
from chalicelib.store.items import HEX_ID
from chalicelib.store.masterdata import KINDS, to_dict
from chalicelib.store.models import (
    AuditEvent,
    Candidate,
    CertificateType,
    College,
    Entity,
    Plan,
    Result,
    SealApplication,
    User,
)

from .table import ConditionFailed, Table

_LISTINGS = {"orgs": "ORGS", "colleges": "COLLEGES", "certificates": "CERTS", "plans": "PLANS"}


def _declared(model: type[Entity], fields: dict) -> None:
    for name in fields:          # the adapter fails on getattr(model, name) before writing anything
        if name not in model.get_attributes():
            raise AttributeError(f"{model.__name__} has no attribute {name}")


class FakeMasterData:
    def __init__(self, table: Table) -> None:
        self.table = table

    def put(self, kind: str, row: dict) -> None:
        with self.table.lock:
            self.table.save(adapter.build(kind, row))

    def put_new(self, kind: str, row: dict) -> bool:
        with self.table.lock:
            if self.table.exists(*KINDS[kind].primary(row)):
                return False
            self.table.save(adapter.build(kind, row))
            return True

    def put_many(self, kind: str, rows: Iterable[dict]) -> int:
        count = 0
        for row in rows:
            self.put(kind, row)
            count += 1
        return count

    def set_fields(self, kind: str, natural_key: dict, **fields) -> None:
        spec = KINDS[kind]
        _declared(spec.model, fields)
        with self.table.lock:
            if not self.table.exists(*spec.primary(natural_key)):
                raise ConditionFailed(f"no {kind} row {natural_key}")
            self.table.update(spec.model, *spec.primary(natural_key), set=fields)

    def set_many(self, kind: str, natural_keys: list[dict], **fields) -> None:
        spec = KINDS[kind]
        _declared(spec.model, fields)
        with self.table.transaction():
            for nk in natural_keys:
                if self.table.exists(*spec.primary(nk)):       # a row deleted meanwhile is left out
                    self.table.update(spec.model, *spec.primary(nk), set=fields)

    def get(self, kind: str, **natural_key: str) -> dict | None:
        spec = KINDS[kind]
        return self.table.read(*spec.primary(natural_key), model=spec.model)

    def get_many(self, kind: str, natural_keys: Iterable[dict]) -> list[dict]:
        """In key order, not the order asked: BatchGetItem promises none."""
        spec = KINDS[kind]
        pairs = sorted({spec.primary(nk) for nk in natural_keys})
        found = (self.table.read(pk, sk, model=spec.model) for pk, sk in pairs)
        return [row for row in found if row is not None]

    def get_each(self, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        out = {}
        for kind, key in dict.fromkeys(wanted):
            row = self.table.read(*KINDS[kind].primary({adapter._NATURAL_KEY.get(kind, "id"): key}))
            if row is not None:
                out[(kind, key)] = row
        return out

    def list_all(self, kind: str) -> list[dict]:
        return [to_dict(i) for i in self.table.index("gsi1", _LISTINGS[kind], model=KINDS[kind].model)]

    def certificates_of_org(self, org_id: str) -> list[dict]:
        return [to_dict(i) for i in self.table.index("gsi2", f"CERTS#ORG#{org_id}", model=CertificateType)]

    def plans_of_certificate(self, certificate_id: str) -> list[dict]:
        return [to_dict(i) for i in self.table.index("gsi2", f"PLANS#CERT#{certificate_id}", model=Plan)]

    def candidates_of_college(self, college_id: str) -> list[dict]:
        return [to_dict(i) for i in self.table.index("gsi1", f"CANDS#{college_id}", model=Candidate)]

    def results_of_plan(self, plan_id: str, level: str | None = None) -> list[dict]:
        prefix = f"RESULT#{level}#" if level else "RESULT#"
        return [to_dict(i) for i in self.table.query(f"PLAN#{plan_id}", lambda sk: sk.startswith(prefix),
                                                     model=Result)]

    def users_of_org(self, org_id: str) -> list[dict]:
        return [to_dict(i) for i in self.table.index("gsi1", f"USERS#{org_id}", model=User)]

    def all_users(self) -> list[dict]:
        return [to_dict(i) for i in self.table.index("gsi2", "USERS", model=User)]

    def update_user(self, username: str, fields: dict, withdraw_tokens: bool = False,
                    expect_hash: str | None = None) -> dict | None:
        _declared(User, fields)
        pk, sk = f"USER#{username}", "USER"
        with self.table.lock:
            stored = self.table.get(pk, sk, model=User)
            if stored is None or (expect_hash is not None and stored.password_hash != expect_hash):
                return None
            return to_dict(self.table.update(User, pk, sk, set=fields,
                                             add={"token_gen": 1} if withdraw_tokens else None))

    def set_college_status(self, college_id: str, enabled: bool, event: dict) -> bool:
        pk, sk = f"COLLEGE#{college_id}", "COLLEGE"
        with self.table.transaction():
            stored = self.table.get(pk, sk)
            if stored is None:
                return False
            was_enabled = getattr(stored, "status", None) != "disabled"
            if was_enabled == enabled:
                return False
            self.table.update(College, pk, sk, set={"status": None if enabled else "disabled"})
            self.table.save(AuditEvent(pk, f"EVT#{event['at']}#{self.table.token(6)}", record_id=college_id,
                                       **event))
            return True

    def college_events(self, college_id: str) -> list[dict]:
        return [to_dict(e) for e in self.table.query(f"COLLEGE#{college_id}", lambda sk: sk.startswith("EVT#"),
                                                     model=AuditEvent)]


class FakeSealApplications:
    def __init__(self, table: Table) -> None:
        self.table = table

    @staticmethod
    def _key(app_id: str) -> tuple[str, str]:
        return f"SEALAPP#{app_id}", "SEALAPP"

    def get(self, app_id: str) -> dict | None:
        if not HEX_ID.match(app_id or ""):
            return None
        return self.table.read(*self._key(app_id), model=SealApplication)

    def put(self, app: dict) -> None:
        with self.table.lock:
            self.table.save(SealApplication(*self._key(app["id"]), gsi1pk="SEALAPPS",
                                            gsi1sk=f"{app['submitted_at']}#{app['id']}", **app))

    def newest_first(self) -> list[dict]:
        return [to_dict(a) for a in self.table.index("gsi1", "SEALAPPS", model=SealApplication, newest_first=True)]

    def move(self, app_id: str, expected: str, status: str, **fields) -> bool:
        _declared(SealApplication, fields)
        with self.table.lock:
            stored = self.table.get(*self._key(app_id), model=SealApplication)
            if stored is None or stored.status != expected:
                return False
            self.table.update(SealApplication, *self._key(app_id), set={"status": status, **fields})
            return True
