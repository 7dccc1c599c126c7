"""The embedded AWS: a moto server on loopback, and the resources SkillCert needs created in it."""
import json
import logging
import os
import socket

import boto3
from moto.server import ThreadedMotoServer

from chalicelib import config
from chalicelib.store.models import Entity


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(port: int) -> ThreadedMotoServer:
    """Start moto on 127.0.0.1:port and point every AWS client of this process at it."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # no line per AWS call on the console
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
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
