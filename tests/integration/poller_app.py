"""A Chalice app for tests/integration/test_poller.py's worker processes (imported by name in each)."""
import os
import time
import uuid
from pathlib import Path

from chalice import Chalice

app = Chalice(app_name="poller-workers-test")
IMPORTED = uuid.uuid4().hex     # one value per import of this module


@app.on_sqs_message(queue=os.environ.get("POLLER_TEST_QUEUE", "poller-workers-test"), batch_size=1)
def handle(event):
    seen = Path(os.environ["POLLER_TEST_DIR"])
    for record in event:
        (seen / f"{os.getpid()}-{IMPORTED}-{record.body}").touch()
    # Wait for the other invocation to start: deliveries one after another never get past this.
    deadline = time.time() + 60
    while len({p.name.split("-")[0] for p in seen.iterdir()}) < 2:
        if time.time() > deadline:
            raise RuntimeError("no other invocation ran at the same time")
        time.sleep(0.05)
