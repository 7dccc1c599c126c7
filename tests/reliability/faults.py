"""Ways to make AWS fail on purpose, below botocore's own retries, and to deliver SQS messages by hand."""
import contextlib
import json
import logging
import uuid

from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.endpoint import Endpoint

from chalicelib import logs


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_):
        yield self._data


@contextlib.contextmanager
def aws_error(service_target: str, code: str, times: int, status: int = 400, reasons=None):
    """The next ``times`` calls whose target matches (``DynamoDB_20120810.TransactWriteItems``, or
    ``s3:PutObject``) answer ``code`` as AWS would, so botocore's retries and our handling both run.
    ``reasons(request_body) -> list`` adds CancellationReasons. Yields a list of the calls it failed."""
    failed: list[str] = []
    real = Endpoint._send

    def send(self, request):
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else target
        is_s3_put = request.method == "PUT" and self._endpoint_prefix == "s3"
        if len(failed) < times and (target == service_target or (service_target == "s3:PutObject" and is_s3_put)):
            failed.append(target or request.url)
            if service_target.startswith("s3:"):
                body = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
                headers = HeadersDict({"Content-Type": "application/xml"})
            else:
                error = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected"}
                if reasons:
                    error["CancellationReasons"] = reasons(json.loads(request.body))
                body = json.dumps(error).encode()
                headers = HeadersDict({"Content-Type": "application/x-amz-json-1.0"})
            headers["x-amzn-RequestId"] = uuid.uuid4().hex
            return AWSResponse(request.url, status, headers, _Body(body))
        return real(self, request)

    Endpoint._send = send
    try:
        yield failed
    finally:
        Endpoint._send = real


def deliver(event: dict) -> int:
    """Run the worker on ``event`` as Lambda would; how many of its messages go back to the queue (a
    handler that fails every message raises, and then the whole batch goes back)."""
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from chalicelib.services import jobs
    try:
        return len(jobs.handle(event, None)["batchItemFailures"])
    except BatchProcessingError:
        return len(event["Records"])


def sqs_event(bodies: list[dict], receive_count: int = 1) -> dict:
    return {"Records": [{
        "messageId": uuid.uuid4().hex, "receiptHandle": "by-hand", "body": json.dumps(b, ensure_ascii=False),
        "attributes": {"ApproximateReceiveCount": str(receive_count)}, "messageAttributes": {}, "md5OfBody": "",
        "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:cn-north-1:000000000000:skillcert-stamping",
        "awsRegion": "cn-north-1"} for b in bodies]}


class LogCapture(logging.Handler):
    """What the service logged, as its JSON lines say it (with the request id as correlation id)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self.lines: list[dict] = []

    def emit(self, record) -> None:
        self.records.append(record)
        self.lines.append(json.loads(logs.log.registered_formatter.format(record)))

    def request_ids(self) -> set[str]:
        return {line.get("correlation_id") for line in self.lines}
