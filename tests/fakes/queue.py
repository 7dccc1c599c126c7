"""The ``queue`` port's fake: messages are kept, not delivered. ``sent`` holds the stamping messages' bodies
and ``downloads`` the ZIP jobs', each as the JSON the queue would carry (so a body that is not JSON fails
here too). ``refuse`` holds indexes of the next ``send`` to report as not accepted (and not keep); ``down``
refuses everything."""
import json


class FakeQueue:
    def __init__(self) -> None:
        self.sent: list[dict] = []
        self.downloads: list[dict] = []
        self.refuse: set[int] = set()
        self.down = False

    def send(self, bodies: list[dict]) -> list[int]:
        failed = [i for i in range(len(bodies)) if self.down or i in self.refuse]
        self.refuse = set()
        self.sent += [_carried(b) for i, b in enumerate(bodies) if i not in failed]
        return failed

    def send_download(self, body: dict) -> bool:
        if self.down:
            return False
        self.downloads.append(_carried(body))
        return True


def _carried(body: dict) -> dict:
    return json.loads(json.dumps(body, ensure_ascii=False))
