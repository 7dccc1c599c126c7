"""The embedded AWS's index-aware Query (devstack/dynamo_index.py) answers exactly what moto's own query
answers, and moto still has the internals it leans on: when moto changes under it, this fails."""
import inspect
import random
import uuid

import boto3
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

from devstack import dynamo_index


def test_moto_still_has_what_the_index_aware_query_relies_on(running):
    assert list(inspect.signature(dynamo_index._moto_query).parameters) == [
        "self", "hash_key", "range_comparison", "range_objs", "limit", "exclusive_start_key",
        "scan_index_forward", "projection_expressions", "index_name", "consistent_read", "filter_expression",
        "hash_key_conditions", "range_key_conditions", "filter_kwargs"]
    for owner, name in ((Table, "all_items"), (Table, "get_index"), (Item, "size"), (Item, "project"),
                        (dynamo_index.DynamoType, "compare"), (dynamo_index.DynamoType, "cast_value")):
        assert hasattr(owner, name), (owner, name)
    assert isinstance(Table("t", "123456789012", "cn-north-1", [{"AttributeName": "k", "KeyType": "HASH"}],
                            [{"AttributeName": "k", "AttributeType": "S"}]).items, dict)
    assert list(inspect.signature(Table._get_last_evaluated_key).parameters) == ["self", "last_result", "index_name"]
    assert list(inspect.signature(Table._generate_attr_to_sort_by).parameters) == [
        "self", "hash_key_attrs", "range_key_attrs"]
    assert list(inspect.signature(dynamo_index._moto_handler_query).parameters) == ["self"]
    assert list(inspect.signature(dynamo_index._moto_handler_batch_get_item).parameters) == ["self"]
    assert Table.query is dynamo_index.query and DynamoHandler.query is dynamo_index.handler_query
    assert DynamoHandler.batch_get_item is dynamo_index.handler_batch_get_item


def _table(ddb) -> str:
    name = f"index-test-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in
                              (("pk", "S"), ("sk", "S"), ("g", "S"), ("o", "S"), ("n", "N"))],
        GlobalSecondaryIndexes=[
            {"IndexName": "by_g_o", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                  {"AttributeName": "o", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]}},
            {"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "ALL"}},
            {"IndexName": "by_o_n", "KeySchema": [{"AttributeName": "o", "KeyType": "HASH"},
                                                  {"AttributeName": "n", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    return name


def _queries(rng: random.Random, name: str):
    """Random queries of every shape the fast path answers (and a few it leaves to moto)."""
    for _ in range(120):
        q = {"TableName": name, "ExpressionAttributeNames": {"#h": "pk"},
             "ExpressionAttributeValues": {":h": {"S": f"p{rng.randrange(4)}"}},
             "KeyConditionExpression": "#h = :h", "ScanIndexForward": rng.random() < 0.6}
        shape = rng.choice(["table", "by_g_o", "by_g", "by_o_n"])
        if shape == "table" and rng.random() < 0.5:
            q["ExpressionAttributeNames"]["#r"] = "sk"
            q["ExpressionAttributeValues"][":r"] = {"S": f"s{rng.randrange(40):02d}"}
            q["KeyConditionExpression"] += rng.choice([" AND #r > :r", " AND #r <= :r", " AND begins_with(#r, :r)"])
        elif shape in ("by_g_o", "by_g"):
            q.update(IndexName=shape, ExpressionAttributeNames={"#h": "g"},
                     ExpressionAttributeValues={":h": {"S": rng.choice("abc")}})
            if shape == "by_g_o" and rng.random() < 0.5:
                q["ExpressionAttributeNames"]["#r"] = "o"
                q["ExpressionAttributeValues"].update({":lo": {"S": "o1"}, ":hi": {"S": "o6"}})
                q["KeyConditionExpression"] += " AND #r BETWEEN :lo AND :hi"
        elif shape == "by_o_n":
            q.update(IndexName=shape, ExpressionAttributeNames={"#h": "o", "#r": "n"},
                     ExpressionAttributeValues={":h": {"S": f"o{rng.randrange(8)}"}, ":r": {"N": "20"}},
                     KeyConditionExpression="#h = :h AND #r >= :r")
        if rng.random() < 0.3:
            q["ExpressionAttributeNames"]["#x"] = "x"
            q["ExpressionAttributeValues"][":x"] = {"N": "50"}
            q["FilterExpression"] = "#x < :x"
        if rng.random() < 0.2 and shape != "by_o_n":
            q["ExpressionAttributeNames"]["#y"] = "y"
            q["ProjectionExpression"] = "#h, #y"
        if rng.random() < 0.7:
            q["Limit"] = rng.randrange(1, 9)
        yield q


def _pages(ddb, query: dict) -> list[dict]:
    pages, start = [], None
    while True:
        page = ddb.query(**query, **({"ExclusiveStartKey": start} if start else {}))
        page.pop("ResponseMetadata")
        pages.append(page)
        start = page.get("LastEvaluatedKey")
        if not start or len(pages) > 60:
            return pages


def _with_moto_own(fn):
    Table.query, DynamoHandler.query = dynamo_index._moto_query, dynamo_index._moto_handler_query
    try:
        return fn()
    finally:
        Table.query, DynamoHandler.query = dynamo_index.query, dynamo_index.handler_query


def test_queries_answer_as_moto_itself_on_random_data(running):
    ddb = boto3.client("dynamodb")
    name = _table(ddb)
    rng = random.Random(20261130)
    for i in range(300):
        item = {"pk": {"S": f"p{rng.randrange(4)}"}, "sk": {"S": f"s{rng.randrange(40):02d}-{i}"},
                "x": {"N": str(rng.randrange(100))}, "y": {"S": "y" * rng.randrange(1, 30)}}
        if rng.random() < 0.8:
            item["g"] = {"S": rng.choice("abc")}
        if rng.random() < 0.7:
            item["o"] = {"S": f"o{rng.randrange(8)}"}      # equal sort values are common: ties by table key
        if rng.random() < 0.7:
            item["n"] = {"N": str(rng.randrange(-5, 60))}
        ddb.put_item(TableName=name, Item=item)
        if i % 50 == 49:                                    # writes between queries: partitions rebuilt
            ddb.delete_item(TableName=name, Key={"pk": item["pk"], "sk": item["sk"]})
            for query in _queries(rng, name):
                assert _pages(ddb, query) == _with_moto_own(lambda q=query: _pages(ddb, q)), query
    ddb.delete_table(TableName=name)


def test_batch_reads_answer_as_moto_itself(running):
    """BatchGetItem's response, written as JSON here, parses as moto's own does (binary values included)."""
    ddb = boto3.client("dynamodb")
    name = _table(ddb)
    rng = random.Random(20261201)
    for i in range(60):
        item = {"pk": {"S": f"p{i % 3}"}, "sk": {"S": f"s{i}"}, "x": {"N": str(rng.randrange(100))},
                "b": {"B": bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))},
                "m": {"M": {"l": {"L": [{"S": "v"}, {"N": "1.5"}, {"BOOL": True}, {"NULL": True}]},
                            "bs": {"BS": [b"\x00\x01", b"\xff"]}}}, "ss": {"SS": ["a", "b"]}}
        ddb.put_item(TableName=name, Item=item)

    def moto_own(fn):
        DynamoHandler.batch_get_item = dynamo_index._moto_handler_batch_get_item
        try:
            return fn()
        finally:
            DynamoHandler.batch_get_item = dynamo_index.handler_batch_get_item

    for _ in range(20):
        keys = [{"pk": {"S": f"p{i % 3}"}, "sk": {"S": f"s{i}"}} for i in rng.sample(range(80), 30)]  # some missing
        request = {name: {"Keys": keys}}
        if rng.random() < 0.5:
            request[name].update(ProjectionExpression="#k, b, m.l", ExpressionAttributeNames={"#k": "sk"})

        def read(r=request):
            page = ddb.batch_get_item(RequestItems=r)
            page.pop("ResponseMetadata")
            page["Responses"][name].sort(key=str)
            return page
        assert read() == moto_own(read)
    ddb.delete_table(TableName=name)


def test_a_failed_transaction_leaves_every_item_as_it_was(running):
    """The embedded AWS backs up only the items a transaction names (devstack/aws.py); a failure on its
    last item must still undo the ones before it."""
    ddb = boto3.client("dynamodb")
    name = _table(ddb)
    key = {"pk": {"S": "p"}, "sk": {"S": "a"}}
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "1"}, "g": {"S": "a"}, "o": {"S": "o1"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": "c"}, "v": {"N": "1"}})
    before = ddb.scan(TableName=name)["Items"]
    try:
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": name, "Key": key, "UpdateExpression": "SET v = :two, o = :o",
                        "ExpressionAttributeValues": {":two": {"N": "2"}, ":o": {"S": "o9"}}}},
            {"Put": {"TableName": name, "Item": {"pk": {"S": "p"}, "sk": {"S": "b"}, "g": {"S": "a"}}}},
            {"Delete": {"TableName": name, "Key": {"pk": {"S": "p"}, "sk": {"S": "c"}}}},
            {"ConditionCheck": {"TableName": name, "Key": {"pk": {"S": "p"}, "sk": {"S": "missing"}},
                                "ConditionExpression": "attribute_exists(pk)"}}])
    except ddb.exceptions.TransactionCanceledException:
        pass
    else:
        raise AssertionError("the transaction should have been cancelled")
    assert sorted(map(str, ddb.scan(TableName=name)["Items"])) == sorted(map(str, before))
    assert [i["sk"]["S"] for i in ddb.query(TableName=name, IndexName="by_g", KeyConditionExpression="g = :a",
                                            ExpressionAttributeValues={":a": {"S": "a"}})["Items"]] == ["a"]
    ddb.delete_table(TableName=name)
