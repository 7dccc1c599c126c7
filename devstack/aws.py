"""The embedded AWS: a moto server on loopback, and the resources SkillCert needs created in it."""
import base64
import contextlib
import copy
import json
import logging
import os
import secrets
import socket
import threading
from collections import Counter

import boto3
import moto.backends as moto_backends
import moto.dynamodb.models as moto_dynamodb
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.server import DomainDispatcherApplication, ThreadedMotoServer, create_backend_app
from werkzeug.serving import make_server

from chalicelib import config
from chalicelib import jobqueue as queue
from chalicelib.services import certificate_making
from chalicelib.store.models import Entity

from . import dynamo_index, dynamo_update


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Every DynamoDB and SQS (JSON protocol) call the embedded AWS received, by operation: what `make bench` counts.
AWS_CALLS: Counter = Counter()
_DYNAMODB_READS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems", "DescribeTable", "ListTables",
                   "DescribeTimeToLive"}


class _Gate:
    """Requests pass side by side; ``held()`` waits for those in progress and keeps new ones out (a
    consistent snapshot of the whole embedded AWS)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._active = 0
        self._holding = False

    @contextlib.contextmanager
    def passing(self):
        with self._changed:
            self._changed.wait_for(lambda: not self._holding)
            self._active += 1
        try:
            yield
        finally:
            with self._changed:
                self._active -= 1
                self._changed.notify_all()

    @contextlib.contextmanager
    def held(self):
        with self._changed:
            self._changed.wait_for(lambda: not self._holding)
            self._holding = True
            self._changed.wait_for(lambda: self._active == 0)
        try:
            yield
        finally:
            with self._changed:
                self._holding = False
                self._changed.notify_all()


REQUESTS = _Gate()


class _OneDynamoDBCallAtATime:
    """moto's DynamoDB backend is not thread-safe: a failed transaction rolls back by restoring a copy of
    every table, which erases writes made by other requests meanwhile. Real DynamoDB isolates each
    request, so serialising DynamoDB calls makes moto behave like it; other services run concurrently
    (SQS long polls must not hold everything up)."""

    def __init__(self, app) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target:
            AWS_CALLS[target.split(".")[-1]] += 1
        with REQUESTS.passing():
            if not target.startswith("DynamoDB_"):
                return list(self._app(environ, start_response))
            with self._lock:
                try:
                    return list(self._app(environ, start_response))
                finally:
                    if target.split(".")[-1] not in _DYNAMODB_READS:
                        dynamo_index.written()


class _TransactionBacksUpItsItems:
    """moto backs up every table a transaction touches, whole, before applying it (a deep copy of 10,000
    records for each job's transaction), and puts the copies back if it fails. Here the backup is of the
    items the transaction names, taken before any applies, and a failed transaction puts those back:
    the same outcome, at the cost of the transaction's own items. Installed as moto's ``copy`` module
    reference, which then leaves tables uncopied during a transaction."""

    def __init__(self) -> None:
        self._local = threading.local()

    def deepcopy(self, obj, memo=None):
        if getattr(self._local, "active", False) and isinstance(obj, Table):
            return obj
        return copy.deepcopy(obj, memo)

    @staticmethod
    def _keys(backend, transact_items) -> list:
        keys = []
        for entry in transact_items:
            op = next(iter(entry.values()))
            table = backend.tables.get(op.get("TableName"))
            key = op.get("Key") or op.get("Item")
            if table is None or not key or table.hash_key_attr not in key or \
                    (table.range_key_attr and table.range_key_attr not in key):
                continue        # malformed: moto refuses it (nothing of it applied)
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
            keys.append((table, hash_key, range_key))
        return keys

    def install(self) -> None:
        if isinstance(moto_dynamodb.copy, _TransactionBacksUpItsItems):
            return
        original = moto_dynamodb.DynamoDBBackend.transact_write_items
        local = self._local

        def transact_write_items(backend, transact_items):
            backup = [(table, h, r, copy.deepcopy(table.get_item(h, r)))
                      for table, h, r in self._keys(backend, transact_items)]
            local.active = True
            try:
                return original(backend, transact_items)
            except BaseException:
                for table, h, r, item in reversed(backup):
                    _put_back(table, h, r, item)
                raise
            finally:
                local.active = False

        moto_dynamodb.DynamoDBBackend.transact_write_items = transact_write_items
        moto_dynamodb.copy = self


def _put_back(table: Table, hash_key, range_key, item) -> None:
    if table.range_key_attr:
        if item is None:
            table.items[hash_key].pop(range_key, None)
        else:
            table.items[hash_key][range_key] = item
    elif item is None:
        table.items.pop(hash_key, None)
    else:
        table.items[hash_key] = item


def _kms_signs_digests() -> None:
    """moto's KMS ignores ``MessageType: DIGEST`` and hashes the digest again; AWS signs it as given.
    Long messages (over KMS's 4 KB RAW limit) are signed by digest, so make moto do what AWS does."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, utils
    from moto.kms.responses import KmsResponse
    if getattr(KmsResponse.sign, "honours_digest", False):
        return
    original = KmsResponse.sign

    def sign(self) -> str:
        if self._get_param("MessageType") != "DIGEST":
            return original(self)
        key = self.kms_backend.describe_key(self._get_param("KeyId"))
        digest = self._get_param("Message")
        signature = key.private_key.private_key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        return json.dumps({"KeyId": key.arn, "Signature": base64.b64encode(signature).decode(),
                           "SigningAlgorithm": self._get_param("SigningAlgorithm")})

    sign.honours_digest = True
    KmsResponse.sign = sign


def _services_listed_once() -> None:
    """moto's front lists its package directory (174 stat calls, 0.6 ms) to route every request, under a
    lock all requests share; the list cannot change while it runs."""
    if not getattr(moto_backends.list_of_moto_modules, "listed_once", False):
        listed = tuple(moto_backends.list_of_moto_modules())
        moto_backends.list_of_moto_modules = lambda: listed
        moto_backends.list_of_moto_modules.listed_once = True


class SerialDynamoDBMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        _services_listed_once()
        _TransactionBacksUpItsItems().install()
        dynamo_index.install()
        dynamo_update.install()
        _kms_signs_digests()
        app = _OneDynamoDBCallAtATime(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()


def ensure_free(port: int, what: str, host: str = "127.0.0.1") -> None:
    with socket.socket() as s:
        # As the servers themselves bind: a port left in TIME_WAIT by a killed run is free, a listening one not.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            raise SystemExit(f"port {port} ({what}) is already in use: stop what uses it, or choose another "
                             f"port (PORT=..., MOTO_PORT=...)") from None


def start_moto(port: int) -> ThreadedMotoServer:
    """Start moto on 127.0.0.1:port and point every AWS client of this process at it."""
    ensure_free(port, "embedded AWS")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # no line per AWS call on the console
    server = SerialDynamoDBMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update({
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": config.region(), "AWS_REGION": config.region(),
    })
    return server


TOKEN_SECRET_NAME = "skillcert/local/token-secret"


def token_secret() -> str:
    """The embedded stack's token key, kept in its Secrets Manager, so tokens outlive a restart with DATA."""
    sm = boto3.client("secretsmanager")
    try:
        return sm.get_secret_value(SecretId=TOKEN_SECRET_NAME)["SecretString"]
    except sm.exceptions.ResourceNotFoundException:
        value = secrets.token_urlsafe(48)
        sm.create_secret(Name=TOKEN_SECRET_NAME, SecretString=value)
        return value


def create_resources() -> dict:
    """Create the table (with its GSIs), the stamping and the downloads queues, each with its dead-letter
    queue, and the bucket.

    Idempotent, so it can run against a stack that already has them.
    """
    if not Entity.exists():
        Entity.create_table(wait=True)
        boto3.client("dynamodb").update_time_to_live(
            TableName=config.table_name(),
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    queue_url, dlq_url = _queue(queue.queue_name(), queue.dead_letter_queue_name())
    _queue(queue.downloads_queue_name(), queue.downloads_dead_letter_queue_name())
    s3 = boto3.client("s3")
    try:
        s3.create_bucket(Bucket=config.bucket_name(),
                         CreateBucketConfiguration={"LocationConstraint": config.region()})
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    return {"table": config.table_name(), "queue_url": queue_url, "dlq_url": dlq_url,
            "bucket": config.bucket_name()}


def _queue(name: str, dead_letters: str) -> tuple[str, str]:
    """A queue whose messages go to its dead-letter queue after the worker's last try: (url, DLQ url)."""
    sqs = boto3.client("sqs")
    dlq_url = sqs.create_queue(QueueName=dead_letters)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName=name, Attributes={
        # How long a failed message waits before its next delivery; tests shorten it.
        "VisibilityTimeout": os.environ.get("SKILLCERT_VISIBILITY_TIMEOUT", "60"),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn,
                                     "maxReceiveCount": str(certificate_making.MAX_RECEIVES)}),
    })["QueueUrl"]
    return url, dlq_url
