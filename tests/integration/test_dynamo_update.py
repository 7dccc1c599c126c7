"""The embedded AWS's fast UpdateItem (devstack/dynamo_update.py) leaves every table as moto's own update
would, answers every failure as moto does, and a transaction of such updates still applies all or nothing;
moto still has the internals it leans on: when moto changes under it, this fails."""
import inspect
import random
import uuid

import boto3
import moto.dynamodb.models as moto_dynamodb
import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
from moto.dynamodb.models.table import Table

from devstack import dynamo_update

MOTO_OWN = dynamo_update._moto_update_item


def test_moto_still_has_what_the_fast_update_relies_on(running):
    assert list(inspect.signature(MOTO_OWN).parameters) == [
        "self", "table_name", "key", "update_expression", "expression_attribute_names",
        "expression_attribute_values", "attribute_updates", "expected", "condition_expression",
        "return_values_on_condition_check_failure"]
    assert "405000" in inspect.getsource(LimitedSizeDict.__setitem__)       # the size limit _ROOM stays under
    table = Table("t", "123456789012", "cn-north-1", [{"AttributeName": "k", "KeyType": "HASH"}],
                  [{"AttributeName": "k", "AttributeType": "S"}])
    for name in ("table_key_attrs", "attr", "stream_shard", "hash_key_attr", "range_key_attr"):
        assert hasattr(table, name), name
    assert isinstance(table.items, dict) and callable(table.get_item) and hasattr(DynamoType, "__add__")
    assert moto_dynamodb.DynamoDBBackend.update_item is dynamo_update.update_item


@pytest.mark.parametrize("expression, plain", [
    ("SET #0 = :2, #2 = :3 REMOVE #14 ADD #1 :15", True),
    ("set #a=:a remove #b, #c add #d :d", True),
    ("SET #a = :a SET #b = :b", False),                 # moto refuses two SET clauses
    ("SET #a = #b", False), ("SET #a = :a + :b", False), ("SET a = :a", False),
    ("SET #a = if_not_exists(#a, :z)", False), ("DELETE #s :s", False), ("SET #a.b = :a", False),
    ("SET #a[0] = :a", False), ("REMOVE", False), ("SET#a = :a", False), ("", False),
])
def test_only_plain_expressions_take_the_fast_path(running, expression, plain):
    assert (dynamo_update.plan(expression) is not None) is plain


def _tables(ddb) -> tuple[str, str]:
    names = []
    for _ in range(2):
        name = f"update-test-{uuid.uuid4().hex[:8]}"
        ddb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "g")],
            GlobalSecondaryIndexes=[{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"}}])
        names.append(name)
    return names[0], names[1]


_ATTRS = ["a", "b", "c", "d", "n", "g", "big"]
_VALUES = [{"S": "x"}, {"S": ""}, {"N": "1"}, {"N": "-2.5"}, {"N": "10"}, {"NULL": True}, {"BOOL": False},
           {"L": [{"S": "l"}]}, {"M": {"m": {"N": "3"}}}, {"SS": ["s", "t"]}, {"B": "AAEC"}]


def _update(rng: random.Random, n_keys: int) -> dict:
    """A random update: mostly the plain shape, with the cases that must go to moto mixed in."""
    names, values, clauses = {}, {}, {"SET": [], "REMOVE": [], "ADD": []}
    for i in range(rng.randrange(1, 5)):
        clause = rng.choice(["SET", "SET", "REMOVE", "ADD"])
        attr = rng.choice(["pk", "sk"]) if rng.random() < 0.05 else rng.choice(_ATTRS)
        names[f"#{i}"] = attr
        if clause == "REMOVE":
            clauses[clause].append(f"#{i}")
            continue
        number = {"N": str(rng.randrange(-3, 9))}        # n stays a number: conditions compare it
        value = rng.choice(_VALUES) if attr != "n" and (clause == "SET" or rng.random() < 0.2) else number
        if attr == "big" and clause == "SET":
            value = {"S": "z" * rng.choice([10, 200_000, 399_990])}
        values[f":{i}"] = value
        clauses[clause].append(f"#{i} = :{i}" if clause == "SET" else f"#{i} :{i}")
    if rng.random() < 0.05:
        values.pop(next(iter(values), None), None)               # a placeholder without its value
    expression = " ".join(f"{c} {', '.join(parts)}" for c, parts in clauses.items() if parts)
    update = {"Key": {"pk": {"S": "p"}, "sk": {"S": f"s{rng.randrange(n_keys)}"}}, "UpdateExpression": expression,
              "ExpressionAttributeNames": names}
    if values:
        update["ExpressionAttributeValues"] = values
    if rng.random() < 0.4:
        update["ExpressionAttributeNames"]["#c"] = "n"
        update.setdefault("ExpressionAttributeValues", {})[":c"] = {"N": str(rng.randrange(0, 3))}
        update["ConditionExpression"] = rng.choice(["#c < :c", "attribute_not_exists(#c) OR #c >= :c"])
    return update


def _outcome(call, table: str):
    try:
        call()
    except ClientError as exc:
        error = exc.response["Error"]
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        return error["Code"], error["Message"].replace(table, "T"), reasons
    return "ok"


def _with_moto_own(fn):
    moto_dynamodb.DynamoDBBackend.update_item = MOTO_OWN
    try:
        return fn()
    finally:
        moto_dynamodb.DynamoDBBackend.update_item = dynamo_update.update_item


def _items(ddb, table: str) -> list[str]:
    return sorted(map(str, ddb.scan(TableName=table)["Items"]))


def test_updates_and_transactions_end_as_with_moto_itself_on_random_data(running):
    ddb = boto3.client("dynamodb")
    fast, own = _tables(ddb)
    rng = random.Random(20261130)
    for i in range(6):
        for table in (fast, own):
            ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"S": f"s{i}"}, "n": {"N": str(i % 3)},
                                                "a": {"S": "a"}, "g": {"S": "g"}})
    fallbacks = []

    def counted(*args, **kwargs):
        fallbacks.append(1)
        return MOTO_OWN(*args, **kwargs)

    dynamo_update._moto_update_item = counted
    updates = 0
    try:
        for _ in range(400):
            if rng.random() < 0.6:
                request = _update(rng, 8)           # s6, s7: no such item, so moto creates it
                updates += 1

                def call(table, u=request):
                    ddb.update_item(TableName=table, **u)
            else:
                keys = rng.sample(range(6), rng.randrange(1, 4))
                request = [_update(rng, 6) for _ in keys]
                for u, k in zip(request, keys, strict=True):
                    u["Key"]["sk"]["S"] = f"s{k}"
                updates += len(request)

                def call(table, b=request):
                    ddb.transact_write_items(TransactItems=[{"Update": {"TableName": table, **u}} for u in b])
            mine = _outcome(lambda c=call: c(fast), fast)
            moto = _with_moto_own(lambda c=call: _outcome(lambda: c(own), own))
            assert mine == moto, request
            assert _items(ddb, fast) == _items(ddb, own)
    finally:
        dynamo_update._moto_update_item = MOTO_OWN
    assert len(fallbacks) < updates / 2, ("the fast path should answer most of these updates", len(fallbacks), updates)
    for table in (fast, own):
        ddb.delete_table(TableName=table)


def test_a_transaction_of_fast_updates_with_a_failed_condition_writes_nothing(running):
    ddb = boto3.client("dynamodb")
    table, other = _tables(ddb)
    ddb.delete_table(TableName=other)
    for k in ("a", "b"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"S": k}, "v": {"N": "1"}, "g": {"S": "g1"}})
    before = _items(ddb, table)

    def move(k: str, version: str) -> dict:
        return {"Update": {"TableName": table, "Key": {"pk": {"S": "p"}, "sk": {"S": k}},
                           "UpdateExpression": "SET #g = :g, #w = :w REMOVE #r ADD #v :one",
                           "ConditionExpression": "#v = :v",
                           "ExpressionAttributeNames": {"#g": "g", "#w": "w", "#r": "r", "#v": "v"},
                           "ExpressionAttributeValues": {":g": {"S": "g2"}, ":w": {"S": "w"}, ":one": {"N": "1"},
                                                         ":v": {"N": version}}}}

    assert dynamo_update.plan(move("a", "1")["Update"]["UpdateExpression"]) is not None
    with pytest.raises(ClientError) as failed:
        ddb.transact_write_items(TransactItems=[move("a", "1"), move("b", "7")])     # b's version is 1
    assert failed.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in failed.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert _items(ddb, table) == before
    ddb.transact_write_items(TransactItems=[move("a", "1"), move("b", "1")])
    after = ddb.scan(TableName=table)["Items"]
    assert {(i["v"]["N"], i["g"]["S"], i["w"]["S"]) for i in after} == {("2", "g2", "w")}
    ddb.delete_table(TableName=table)
