"""Delivers SQS messages to the app's ``@app.on_sqs_message`` handlers, as the Lambda event source would,
and runs its ``@app.schedule(Rate(...))`` handlers at their rate, as EventBridge would.

``chalice local`` has no SQS event source. This thread long-polls each handler's queue, calls the same
handler function Lambda calls with the same event shape, and deletes only the messages that succeeded: a
message reported in ``batchItemFailures``, or every message of a batch whose handler raised, stays on the
queue and comes back after its visibility timeout (and ends in the dead-letter queue after maxReceiveCount).

With ``workers``, deliveries run as Lambda runs them: up to that many invocations at once, each in a
process of its own that imported the app once (``import_path``, e.g. ``app:app``), so stamping uses every
core. They reach the embedded AWS over HTTP like this process, so its serialised DynamoDB stays correct.
A worker that comes free gets the next waiting batch at once: the queues are looked at in turn without
waiting (a long poll only when all are empty), and a batch takes at most its share of what waits
(ceil(waiting / workers), up to the source's batch size, as a Lambda batch may be smaller), so the last
messages of a burst spread over every worker rather than queueing behind one.
Without, each delivery runs in this thread (tests that patch the worker in-process rely on that).
"""
import importlib
import logging
import math
import multiprocessing
import os
import signal
import threading
import time
import uuid
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import boto3
from chalice.app import Rate, ScheduledEventConfig, SQSEventConfig

log = logging.getLogger("skillcert.poller")
_worker_app = None


def _load_app(import_path: str, parent: int) -> None:
    """A worker process's start: the app imported once, as a Lambda container does; Ctrl-C is the parent's,
    and the worker ends when the parent is gone (a kill -9 of ``make run`` must not leave it behind)."""
    global _worker_app
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(parent,), name="parent-watch", daemon=True).start()
    module, _, name = import_path.partition(":")
    _worker_app = getattr(importlib.import_module(module), name)


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _invoke(handler: str, event: dict):
    return _worker_app.handler_map[handler](event, _Context(handler))


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
    def __init__(self, app, wait_seconds: int = 1, workers: int = 0, import_path: str | None = None) -> None:
        super().__init__(name="sqs-poller", daemon=True)
        self._app = app
        self._wait = wait_seconds
        self._halt = threading.Event()
        self._sqs = boto3.client("sqs")
        self._workers, self._import_path = workers, import_path
        self._pool: ProcessPoolExecutor | None = None
        self._slots = threading.BoundedSemaphore(max(workers, 1))
        self._arns: dict[str, str] = {}
        self._turn = 0          # the source looked at first next time: each gets its turn to go first

    def stop(self) -> None:
        self._halt.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join()
        if self._pool is not None:      # the deliveries under way finish; their messages are deleted
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_load_app, initargs=(self._import_path, os.getpid()))

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
            elif self._workers:
                try:
                    self._poll_into_pool(sources)
                except Exception:  # keep delivering; the message stays on the queue for a retry
                    log.exception("SQS delivery failed")
            else:
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
        messages = self._receive(source, url)
        if not messages:
            return 0
        try:
            result = self._app.handler_map[source.name](self._event(url, messages), _Context(source.name))
        except Exception:
            log.exception("handler %s raised; the batch will be redelivered", source.name)
            return len(messages)
        self._delete_succeeded(url, messages, result)
        return len(messages)

    def _poll_into_pool(self, sources: list) -> None:
        """When a worker is free, hand it the next source's waiting batch; long-poll only when none waits."""
        if not self._slots.acquire(timeout=max(self._wait, 0.05)):
            return
        try:
            order = sources[self._turn:] + sources[:self._turn]
            for i, (source, url) in enumerate(order):
                waiting = self._waiting(url)
                if waiting and self._submit(source, url, self._receive(
                        source, url, wait=0, most=math.ceil(waiting / self._workers))):
                    self._turn = (self._turn + i + 1) % len(sources)
                    return
            source, url = order[0]
            if not self._submit(source, url, self._receive(source, url)):
                self._slots.release()
        except BaseException:
            self._slots.release()
            raise

    def _submit(self, source: SQSEventConfig, url: str, messages: list) -> bool:
        if not messages:
            return False
        if self._pool is None:
            self._pool = self._new_pool()
        future = self._pool.submit(_invoke, source.name, self._event(url, messages))
        future.add_done_callback(lambda f: self._delivered(source, url, messages, f))
        return True

    def _delivered(self, source: SQSEventConfig, url: str, messages: list, future: Future) -> None:
        try:
            error = None if future.cancelled() else future.exception()
            if isinstance(error, BrokenProcessPool):      # a worker process died: start afresh, as Lambda would
                log.error("a worker process of %s died; its batch will be redelivered", source.name)
                broken, self._pool = self._pool, None
                if broken is not None:
                    broken.shutdown(wait=False)
            elif error is not None:
                log.error("handler %s raised; the batch will be redelivered", source.name, exc_info=error)
            elif not future.cancelled():
                self._delete_succeeded(url, messages, future.result())
        except Exception:
            log.exception("finishing a delivery to %s failed", source.name)
        finally:
            self._slots.release()

    def _receive(self, source: SQSEventConfig, url: str, wait: int | None = None, most: int = 10) -> list:
        return self._sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=min(source.batch_size, 10, most),
            WaitTimeSeconds=self._wait if wait is None else wait,
            AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", [])

    def _waiting(self, url: str) -> int:
        """How many messages the queue holds ready (its ARN comes along, for the events)."""
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["QueueArn", "ApproximateNumberOfMessages"])["Attributes"]
        self._arns[url] = attributes["QueueArn"]
        return int(attributes["ApproximateNumberOfMessages"])

    def _event(self, url: str, messages: list) -> dict:
        if url not in self._arns:
            self._waiting(url)
        return {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}), "messageAttributes": m.get("MessageAttributes", {}),
            "md5OfBody": m.get("MD5OfBody"), "eventSource": "aws:sqs", "eventSourceARN": self._arns[url],
            "awsRegion": self._sqs.meta.region_name,
        } for m in messages]}

    def _delete_succeeded(self, url: str, messages: list, result) -> None:
        failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])} \
            if isinstance(result, dict) else set()
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])


def _seconds(rate: Rate) -> int:
    return rate.value * {Rate.MINUTES: 60, Rate.HOURS: 3600, Rate.DAYS: 86400}[rate.unit]
