"""The embedded AWS: a moto server on loopback, and the resources SkillCert needs created in it."""
import json
import logging
import os
import socket

import threading

import boto3
from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.server import DomainDispatcherApplication, ThreadedMotoServer, create_backend_app
from werkzeug.serving import make_server

from chalicelib import config
from chalicelib.store.models import Entity


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _OneDynamoDBCallAtATime:
    """moto's DynamoDB backend is not thread-safe: a failed transaction rolls back by restoring a copy of
    every table, which erases writes made by other requests meanwhile. Real DynamoDB isolates each
    request, so serialising DynamoDB calls makes moto behave like it; other services run concurrently
    (SQS long polls must not hold everything up)."""

    def __init__(self, app) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            with self._lock:
                return list(self._app(environ, start_response))
        return self._app(environ, start_response)


class SerialDynamoDBMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = _OneDynamoDBCallAtATime(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()


def start_moto(port: int) -> ThreadedMotoServer:
    """Start moto on 127.0.0.1:port and point every AWS client of this process at it."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # no line per AWS call on the console
    server = SerialDynamoDBMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update({
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": config.region(), "AWS_REGION": config.region(),
    })
    return server


def create_resources() -> dict:
    """Create the table (with its GSIs), the stamping queue with its dead-letter queue, and the bucket.

    Idempotent, so it can run against a stack that already has them.
    """
    if not Entity.exists():
        Entity.create_table(wait=True)
    sqs = boto3.client("sqs")
    dlq_url = sqs.create_queue(QueueName=config.queue_name() + "-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(QueueName=config.queue_name(), Attributes={
        "VisibilityTimeout": "60",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"}),
    })["QueueUrl"]
    s3 = boto3.client("s3")
    try:
        s3.create_bucket(Bucket=config.bucket_name(),
                         CreateBucketConfiguration={"LocationConstraint": config.region()})
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    return {"table": config.table_name(), "queue_url": queue_url, "dlq_url": dlq_url,
            "bucket": config.bucket_name()}
