"""An index-aware Query for moto's DynamoDB, so a query costs what its partition costs, as on DynamoDB.

moto answers every Query by walking the whole table, sorting what matches, deep-copying each result and
projecting it through JSON, then serialising the response against the API model item by item: a list page
over one TEO's 10,000 records took 25 s, and a small partition still paid for the whole table. Here each
(table, index) keeps its items grouped by hash key, each partition sorted in moto's own order with each
item's size, built on the first query after a write (the embedded AWS's front calls ``written()`` for
every request that is not a read), and the Query response is written as JSON directly (as is BatchGetItem's:
moto's model-driven serialiser took 25 ms for each of the stamping worker's 16-record reads).

Only the shape the app uses is answered here: one hash-key condition, at most one condition on the range
key, no legacy ``QueryFilter``. Anything else goes to moto's own ``Table.query``. moto's internals this
leans on are checked, and the answers compared with moto's own on random data, by
``tests/integration/test_dynamo_index.py``.
"""
import base64
import bisect
import copy
import json

from moto.core.responses import ActionResult
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, GlobalSecondaryIndex, Table
from moto.dynamodb.responses import DynamoHandler

_generation = [0]
# (id(table), index name) -> (table, generation, {hash value: _Partition or [items]})
_cache: dict = {}


def written() -> None:
    """Something may have changed: every partition is rebuilt when next queried."""
    _generation[0] += 1


class _Partition:
    """One hash key's items in moto's order (DynamoType compares by ``cast_value``, so sorting by the
    cast values orders them as moto's ``sorted_items`` does, without its per-comparison casts), with their
    sort keys for bisecting and their sizes, measured when first needed."""

    def __init__(self, items: list, sort_attrs: list[str]) -> None:
        keyed = sorted(((tuple(item.attrs[a].cast_value for a in sort_attrs), item) for item in items),
                       key=lambda pair: pair[0])
        self.keys = [k for k, _ in keyed]
        self.items = [item for _, item in keyed]
        self.sort_attrs = sort_attrs
        self._sizes: dict[int, int] = {}

    def size(self, i: int) -> int:
        if i not in self._sizes:
            self._sizes[i] = self.items[i].size()
        return self._sizes[i]


def _schema(table: Table, index_name: str | None):
    """(hash attribute, hash_attrs, range_attrs, index range attribute) as moto's query derives them."""
    if not index_name:
        return table.hash_key_attr, [table.hash_key_attr], [table.range_key_attr], None
    index = table.get_index(index_name)
    hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
    ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
    if len(hashes) != 1 or len(ranges) > 1:
        return None
    if ranges:
        index_range = ranges[0]
    elif isinstance(index, GlobalSecondaryIndex) and table.range_key_attr:
        index_range = table.range_key_attr
    else:
        index_range = table.hash_key_attr
    return hashes[0], hashes + [table.hash_key_attr], [index_range, table.range_key_attr], ranges[0] if ranges else None


def _partition(table: Table, index_name: str | None, hash_value: DynamoType) -> _Partition | None:
    schema = _schema(table, index_name)
    if schema is None:
        return None
    hash_attr, hash_attrs, range_attrs, index_range = schema
    if not index_name:       # the table itself: moto's items are already grouped by hash key
        items = list(table.items.get(hash_value, {}).values()) if table.range_key_attr else \
            [table.items[hash_value]] if hash_value in table.items else []
        return _Partition(items, [a for a in range_attrs if a] or [hash_attr])
    key = (id(table), index_name)
    cached = _cache.get(key)
    if cached is None or cached[0] is not table or cached[1] != _generation[0]:
        groups: dict = {}
        for item in table.all_items():
            value = item.attrs.get(hash_attr)
            if value and (index_range is None or item.attrs.get(index_range)):
                groups.setdefault((value.type, value.cast_value), []).append(item)
        cached = _cache[key] = (table, _generation[0], groups)
    groups = cached[2]
    hashed = (hash_value.type, hash_value.cast_value)
    found = groups.get(hashed)
    if isinstance(found, list):
        found = groups[hashed] = _Partition(found, table._generate_attr_to_sort_by(hash_attrs, range_attrs))
    return found or _Partition([], [])


def _projected(table: Table, index_name: str | None, item):
    """What moto's ``SecondaryIndex.project`` keeps of an item, without the round trip through JSON."""
    if not index_name:
        return item
    index = table.get_index(index_name)
    kind = (index.projection or {}).get("ProjectionType")
    if kind not in ("KEYS_ONLY", "INCLUDE"):
        return item
    keep = set(index.table_key_attrs) | set(index.schema_key_attrs)
    if kind == "INCLUDE":
        keep |= set(index.projection.get("NonKeyAttributes", []))
    out = copy.copy(item)
    out.attrs = {k: v for k, v in item.attrs.items() if k in keep}
    return out


_moto_query = Table.query


def query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
          projection_expressions, index_name=None, consistent_read=False, filter_expression=None,
          hash_key_conditions=None, range_key_conditions=None, **filter_kwargs):
    plain = not filter_kwargs and len(hash_key_conditions or []) == 1 and len(range_key_conditions or []) <= 1 \
        and not (consistent_read and index_name)
    part = _partition(self, index_name, hash_key_conditions[0][1]) if plain else None
    start_key = None
    if part is not None and exclusive_start_key is not None:
        try:
            start_key = tuple(DynamoType(exclusive_start_key[a]).cast_value for a in part.sort_attrs)
        except KeyError:
            part = None
    if part is None:
        return _moto_query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                           scan_index_forward, projection_expressions, index_name=index_name,
                           consistent_read=consistent_read, filter_expression=filter_expression,
                           hash_key_conditions=hash_key_conditions, range_key_conditions=range_key_conditions,
                           **filter_kwargs)
    if scan_index_forward is False:
        end = bisect.bisect_left(part.keys, start_key) if start_key else len(part.items)
        order = range(end - 1, -1, -1)
    else:
        order = range(bisect.bisect_right(part.keys, start_key) if start_key else 0, len(part.items))
    compared = (range_key_conditions[-1][0] if range_key_conditions else
                _schema(self, index_name)[3] if index_name else None)
    results, size, last_key = [], 0, None
    for i in order:
        item = part.items[i]
        if len(results) == limit or size + part.size(i) > RESULT_SIZE_LIMIT:
            last_key = self._get_last_evaluated_key(results[-1], index_name)
            break
        if range_comparison:
            value = item.attrs.get(compared) if compared else None if index_name else item.range_key
            if not value or not value.compare(range_comparison, range_objs):
                continue
        results.append(item)
        size += part.size(i)
    scanned = len(results)
    results = [_projected(self, index_name, r) for r in results]
    if filter_expression is not None:
        results = [item for item in results if filter_expression.expr(item)]
    if projection_expressions:
        results = [r.project(projection_expressions) for r in results]
    return results, scanned, last_key


def _blob(value):
    if isinstance(value, bytes):      # moto hands binary values over raw; the wire carries them in base64
        return base64.b64encode(value).decode()
    raise TypeError(f"not JSON: {type(value).__name__}")


class _JsonResult(ActionResult):
    """A response as DynamoDB writes it; moto's model-driven serialiser costs milliseconds per item."""

    def execute_result(self, context):
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(self.result, default=_blob)


_moto_handler_query = DynamoHandler.query
_moto_handler_batch_get_item = DynamoHandler.batch_get_item


def handler_query(self):
    return _JsonResult(_moto_handler_query(self).result)


def handler_batch_get_item(self):
    return _JsonResult(_moto_handler_batch_get_item(self).result)


def install() -> None:
    if Table.query is not query:
        Table.query = query
        DynamoHandler.query = handler_query
        DynamoHandler.batch_get_item = handler_batch_get_item
