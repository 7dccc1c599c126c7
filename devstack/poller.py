"""Delivers SQS messages to the app's ``@app.on_sqs_message`` handlers, as the Lambda event source would,
and runs its ``@app.schedule(Rate(...))`` handlers at their rate, as EventBridge would.

``chalice local`` has no SQS event source. This thread long-polls each handler's queue, calls the same
handler function Lambda calls with the same event shape, and deletes only the messages that succeeded: a
message reported in ``batchItemFailures``, or every message of a batch whose handler raised, stays on the
queue and comes back after its visibility timeout (and ends in the dead-letter queue after maxReceiveCount).
"""
import logging
import threading
import time
import uuid

import boto3
from chalice.app import Rate, ScheduledEventConfig, SQSEventConfig

log = logging.getLogger("skillcert.poller")


class _Context:
    def __init__(self, name: str) -> None:
        self.function_name = name
        self.aws_request_id = str(uuid.uuid4())
        self.memory_limit_in_mb = 1024
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{name}"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 900_000


class SqsPoller(threading.Thread):
    def __init__(self, app, wait_seconds: int = 1) -> None:
        super().__init__(name="sqs-poller", daemon=True)
        self._app = app
        self._wait = wait_seconds
        self._halt = threading.Event()
        self._sqs = boto3.client("sqs")

    def stop(self) -> None:
        self._halt.set()

    def sources(self) -> list[SQSEventConfig]:
        return [s for s in self._app.event_sources if isinstance(s, SQSEventConfig)]

    def run(self) -> None:
        sources = [(s, self._sqs.get_queue_url(QueueName=s.queue)["QueueUrl"]) for s in self.sources()]
        schedules = {s.name: (s, time.monotonic() + _seconds(s.schedule_expression))
                     for s in self._app.event_sources if isinstance(s, ScheduledEventConfig)
                     and isinstance(s.schedule_expression, Rate)}
        while not self._halt.is_set():
            for name, (schedule, due) in list(schedules.items()):
                if time.monotonic() >= due:
                    self._run_schedule(schedule)
                    schedules[name] = (schedule, time.monotonic() + _seconds(schedule.schedule_expression))
            if not sources:
                self._halt.wait(self._wait)
            for source, url in sources:
                try:
                    self.poll_once(source, url)
                except Exception:  # keep delivering; the message stays on the queue for a retry
                    log.exception("SQS delivery to %s failed", source.name)

    def _run_schedule(self, schedule: ScheduledEventConfig) -> None:
        event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
                 "account": "000000000000", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "region": self._sqs.meta.region_name, "resources": [], "detail": {}}
        try:
            self._app.handler_map[schedule.name](event, _Context(schedule.name))
        except Exception:
            log.exception("scheduled handler %s failed", schedule.name)

    def poll_once(self, source: SQSEventConfig, url: str) -> int:
        """Receive one batch, run the handler, delete what succeeded. Returns the number delivered."""
        messages = self._sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=min(source.batch_size, 10), WaitTimeSeconds=self._wait,
            AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", [])
        if not messages:
            return 0
        arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        event = {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}), "messageAttributes": m.get("MessageAttributes", {}),
            "md5OfBody": m.get("MD5OfBody"), "eventSource": "aws:sqs", "eventSourceARN": arn,
            "awsRegion": self._sqs.meta.region_name,
        } for m in messages]}
        try:
            result = self._app.handler_map[source.name](event, _Context(source.name))
        except Exception:
            log.exception("handler %s raised; the batch will be redelivered", source.name)
            return len(messages)
        failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])} \
            if isinstance(result, dict) else set()
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
        return len(messages)


def _seconds(rate: Rate) -> int:
    return rate.value * {Rate.MINUTES: 60, Rate.HOURS: 3600, Rate.DAYS: 86400}[rate.unit]
