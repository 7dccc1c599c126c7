"""The in-memory single table the storage fakes share.

Items are kept as DynamoDB would keep them — the pynamodb models' serialized form, keyed by (pk, sk) —
and every read deserializes a fresh model instance. So a fake returns what the adapter's fresh read
returns: the same attribute names and types, the defaults pynamodb fills in on reading, no storage keys
(``to_dict``), and a new dict each time (mutating it changes nothing stored). Writing an attribute a model
does not declare fails as it does in the adapter.

A transaction is the lock held over its writes, undone if one of them fails (an attribute the model does
not declare, a value it cannot store), as DynamoDB writes nothing of a transaction it refuses. Each
record's condition is checked on its own, which is what the adapters' ``settle`` amounts to (a record
whose condition fails is dropped, the others go through); conflicts and the 100-item limit are not
modelled. Every read is strongly consistent, the indexes' too (DynamoDB's GSIs are
eventually consistent: code that acts on what an index listed must re-read it, and a fake cannot show
that it does not).
"""
from __future__ import annotations

import builtins
import contextlib
import threading
from typing import Any, Callable, Iterable, Iterator

from chalicelib.store.masterdata import to_dict
from chalicelib.store.models import Entity

# index name -> (hash key attribute, range key attribute)
INDEXES = {"gsi1": ("gsi1pk", "gsi1sk"), "gsi2": ("gsi2pk", "gsi2sk"),
           "teo_status": ("teo_pk", "order_key"), "site_status": ("site_pk", "order_key")}


class ConditionFailed(Exception):
    """A conditional write the adapter sends unguarded failed (the adapter raises pynamodb's error then)."""


class Table:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict] = {}
        self.lock = threading.RLock()
        self._serial = 0

    def __deepcopy__(self, memo: dict) -> "Table":
        """An independent table at once: items are replaced on write, never changed in place, so the copy
        may share them (a test's copy of the demo world costs a dict copy, not a deep one)."""
        twin = Table()
        twin.items, twin._serial = dict(self.items), self._serial
        memo[id(self)] = twin
        return twin

    def token(self, width: int) -> str:
        """A fresh hex string where the adapter draws a random one: deterministic, and in creation order."""
        with self.lock:
            self._serial += 1
            return f"{self._serial:0{width}x}"

    # ---- writes --------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All the block's writes or none: the items as they were come back if it raises."""
        with self.lock:
            before = dict(self.items)      # items are replaced on write, never changed in place
            try:
                yield
            except BaseException:
                self.items.clear()
                self.items.update(before)
                raise

    def save(self, item: Entity) -> None:
        raw = item.serialize()
        with self.lock:
            self.items[(item.pk, item.sk)] = raw

    def update(self, model: type[Entity], pk: str, sk: str, set: dict | None = None,
               add: dict | None = None) -> Entity:
        """An UpdateItem: creates the item when missing (with only what is set), ``None`` removes an
        attribute, ``add`` adds to a number (from 0) or a number set."""
        sets, adds = set or {}, add or {}
        undeclared = [name for name in [*sets, *adds] if name not in model.get_attributes()]
        if undeclared:
            raise AttributeError(f"{model.__name__} has no attribute {undeclared}")
        with self.lock:
            item = self.get(pk, sk) or model(pk, sk)
            for name, value in sets.items():
                setattr(item, name, value)
            for name, value in adds.items():
                current = getattr(item, name)
                setattr(item, name, (current or builtins.set()) | value if isinstance(value, builtins.set)
                        else (current or 0) + value)
            self.items[(pk, sk)] = item.serialize(null_check=False)
            return item

    def delete(self, pk: str, sk: str) -> None:
        with self.lock:
            self.items.pop((pk, sk), None)

    # ---- reads ---------------------------------------------------------------------------------------

    def get(self, pk: str, sk: str, model: type[Entity] = Entity) -> Entity | None:
        with self.lock:
            raw = self.items.get((pk, sk))
        item = Entity.from_raw_data(raw) if raw is not None else None
        return item if isinstance(item, model) else None

    def read(self, pk: str, sk: str, model: type[Entity] = Entity) -> dict | None:
        item = self.get(pk, sk, model)
        return to_dict(item) if item is not None else None

    def exists(self, pk: str, sk: str) -> bool:
        return (pk, sk) in self.items

    def query(self, pk: str, sk: Callable[[str], bool] = lambda _: True, model: type[Entity] = Entity,
              ) -> list[Entity]:
        """The items of one partition, in sort key order (of ``model`` only, as pynamodb filters)."""
        with self.lock:
            hits = [self.items[k] for k in sorted(k for k in self.items if k[0] == pk and sk(k[1]))]
        found = [Entity.from_raw_data(raw) for raw in hits]
        return [i for i in found if isinstance(i, model)]

    def index(self, name: str, key: str, sk: Callable[[str], bool] = lambda _: True,
              model: type[Entity] = Entity, newest_first: bool = False,
              projection: Iterable[str] | None = None) -> list[Entity]:
        """A GSI query: the items whose index hash key is ``key``, by index range key; ``projection``
        (besides the table's and the index's keys) for an index that does not project everything."""
        hash_attr, range_attr = INDEXES[name]
        with self.lock:
            hits = [raw for raw in self.items.values()
                    if _s(raw.get(hash_attr)) == key and range_attr in raw and sk(_s(raw[range_attr]))]
        hits.sort(key=lambda raw: (_s(raw[range_attr]), _s(raw["pk"]), _s(raw["sk"])), reverse=newest_first)
        if projection is not None:
            keep = {"pk", "sk", hash_attr, range_attr, *projection}
            hits = [{k: v for k, v in raw.items() if k in keep} for raw in hits]
        found = [Entity.from_raw_data(raw) for raw in hits]
        return [i for i in found if isinstance(i, model)]


def _s(value: Any) -> str | None:
    return value["S"] if value else None
