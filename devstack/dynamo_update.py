"""A fast UpdateItem for moto's DynamoDB, for the plain updates the app writes.

moto runs every update, alone or in a transaction, through its general machinery: it tokenises and parses
the expression, deep-copies the tree, walks it with ten validating processors and executes it, then sizes
the whole item again for every attribute it sets: about 1.3 ms per item, 130 ms of the embedded AWS's one
DynamoDB thread for each stamping message's ~100-item transaction, the largest share of the embedded AWS's
work in the local pipeline (11 of its 25 CPU seconds for 1,000 certificates).

pynamodb writes only ``SET #n = :v, ... REMOVE #n, ... ADD #n :v, ...``: top-level attributes named by
placeholders. Such an update of an existing item is applied here directly with moto's own values,
condition and arithmetic; anything else (a missing placeholder, a key attribute, a repeated attribute, an
ADD that is not a number onto a number, an item near moto's size limit, a new item, a table with a stream,
the legacy parameters) goes to moto's own ``update_item`` untouched, so its errors are moto's.
``tests/integration/test_dynamo_update.py`` checks the internals this leans on and compares the outcome
with moto's own on random updates and transactions.
"""
import functools
import re

import moto.dynamodb.models as moto_dynamodb
from moto.dynamodb.comparisons import create_condition_expression_parser
from moto.dynamodb.exceptions import ConditionalCheckFailed
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.parsing.expressions import UpdateExpressionParser

# moto refuses an item over 405,000 bytes as an update sets each attribute; below this, with room for
# every value set, it cannot have refused any.
_ROOM = 400_000
_TOKEN = re.compile(r"\s*(#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z]+|=|,)")
_SHAPES = {"SET": ("#", "=", ":"), "REMOVE": ("#",), "ADD": ("#", ":")}


@functools.lru_cache(maxsize=1024)
def plan(expression: str) -> tuple | None:
    """``((clause, name placeholder, value placeholder or None), ...)``, or None when the expression is
    not plain (or moto's own parser refuses it)."""
    tokens, at = [], 0
    while at < len(expression):
        match = _TOKEN.match(expression, at)
        if not match:
            return None if expression[at:].strip() else _checked(expression, tokens)
        tokens.append(match.group(1))
        at = match.end()
    return _checked(expression, tokens)


def _checked(expression: str, tokens: list[str]) -> tuple | None:
    actions, seen, i = [], set(), 0
    while i < len(tokens):
        clause = tokens[i].upper()
        if clause not in _SHAPES or clause in seen:
            return None
        seen.add(clause)
        i += 1
        while True:
            shape = _SHAPES[clause]
            part = tokens[i:i + len(shape)]
            if len(part) < len(shape) or any(not t.startswith(s) for t, s in zip(part, shape, strict=True)):
                return None
            actions.append((clause, part[0], part[-1] if clause != "REMOVE" else None))
            i += len(shape)
            if i < len(tokens) and tokens[i] == ",":
                i += 1
                continue
            break
    if not actions:
        return None
    try:
        UpdateExpressionParser.make(expression)
    except Exception:        # noqa: BLE001 - moto's own path raises its own error for it
        return None
    return tuple(actions)


def _changes(table, item, actions: tuple, names: dict, values: dict) -> list | None:
    """(attribute, new value or None to remove) for each action, or None when moto must decide."""
    out, touched = [], set()
    # moto checks the type and emptiness of a value set on a key attribute (of the table or an index) only
    # when the expression spells the attribute out, which a placeholder never does, unless an attribute is
    # named like the placeholder itself: that one is moto's to judge.
    spelled_out = set(table.table_key_attrs) | {a["AttributeName"] for a in table.attr or []}
    for clause, name_ref, value_ref in actions:
        name = names.get(name_ref)
        if name is None or name in table.table_key_attrs or name in touched or name_ref in spelled_out:
            return None
        touched.add(name)
        if clause == "REMOVE":
            out.append((name, None))
            continue
        if value_ref not in values:
            return None
        value = DynamoType(values[value_ref])
        if clause == "ADD":
            current = item.attrs.get(name)
            if value.type != "N" or (current is not None and current.type != "N"):
                return None
            value = (current or DynamoType({"N": "0"})) + value
        out.append((name, value))
    if item.size() + sum(bytesize(name) + value.size() for name, value in out if value is not None) > _ROOM:
        return None
    return out


_moto_update_item = moto_dynamodb.DynamoDBBackend.update_item


def update_item(self, table_name, key, update_expression, expression_attribute_names,
                expression_attribute_values, attribute_updates=None, expected=None, condition_expression=None,
                return_values_on_condition_check_failure=None):
    def moto_own():
        return _moto_update_item(self, table_name, key, update_expression, expression_attribute_names,
                                 expression_attribute_values, attribute_updates=attribute_updates,
                                 expected=expected, condition_expression=condition_expression,
                                 return_values_on_condition_check_failure=return_values_on_condition_check_failure)

    table = self.get_table(table_name)
    actions = plan(update_expression) if update_expression and not attribute_updates and not expected else None
    key_attrs = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
    if actions is None or table.stream_shard is not None or sorted(key) != sorted(key_attrs):
        return moto_own()
    item = table.get_item(DynamoType(key[table.hash_key_attr]),
                          DynamoType(key[table.range_key_attr]) if table.range_key_attr else None)
    if item is None:
        return moto_own()
    condition = create_condition_expression_parser(condition_expression, expression_attribute_names,
                                                   expression_attribute_values).parse()
    if not condition.expr(item):     # as moto's update_item answers a failed condition
        if return_values_on_condition_check_failure == "ALL_OLD":
            raise ConditionalCheckFailed(item=item.to_json()["Attributes"])
        raise ConditionalCheckFailed
    changes = _changes(table, item, actions, expression_attribute_names or {}, expression_attribute_values or {})
    if changes is None:
        return moto_own()
    for name, value in changes:
        if value is None:
            item.attrs.pop(name, None)
        else:       # sized above for the whole update: moto's per-attribute re-sizing is skipped
            dict.__setitem__(item.attrs, name, value)
    return item


def install() -> None:
    if moto_dynamodb.DynamoDBBackend.update_item is not update_item:
        moto_dynamodb.DynamoDBBackend.update_item = update_item
