"""Start and stop the whole local system in one process: moto, resources, demo data, API + UI, SQS poller."""
import os
import secrets
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def static_root() -> Path:
    """The built UI (`make web`); without a build, the sources, which only `cd web && npx vite` can serve."""
    dist = ROOT / "web" / "dist"
    return dist if (dist / "index.html").is_file() else ROOT / "web"


def lan_address() -> str:
    """This machine's address on its network (a UDP socket's route choice; no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


@dataclass
class Stack:
    port: int
    moto_port: int | None
    resources: dict
    demo: dict | None
    _stoppers: list = field(default_factory=list)
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"http://{'127.0.0.1' if self.host == '0.0.0.0' else self.host}:{self.port}"

    @property
    def api(self) -> str:
        return self.url + "/api"

    @property
    def aws_endpoint(self) -> str:
        return os.environ.get("AWS_ENDPOINT_URL", "AWS (no endpoint override)")

    def stop(self) -> None:
        for stop in reversed(self._stoppers):
            stop()
        self._stoppers.clear()


def start(port: int, moto_port: int | None, demo: bool = True, host: str = "127.0.0.1",
          data: Path | None = None, workers: int = 0) -> Stack:
    """The UI and API listen on ``host`` (127.0.0.1 unless asked: ``0.0.0.0`` lets a phone on the same
    network open the QR codes, which then carry this machine's network address); moto stays on 127.0.0.1.
    With ``moto_port=None`` no moto is started and the standard ``AWS_ENDPOINT_URL`` settings decide where
    AWS is (LocalStack, say). With ``data``, moto's state is restored from that directory and saved there
    (devstack/snapshot.py); without it, everything is gone when the stack stops. ``workers`` processes
    run the SQS handlers, as concurrent Lambda invocations would (0: in this process). Returns once the API
    listens."""
    if data is not None and moto_port is None:
        raise SystemExit("DATA keeps the embedded AWS's state: it has no meaning with SKILLCERT_EXTERNAL_AWS")
    os.environ.setdefault("SKILLCERT_PUBLIC_URL", f"http://{lan_address() if host == '0.0.0.0' else host}:{port}")
    from . import aws
    aws.ensure_free(port, "UI and API", host)
    stoppers = []
    if moto_port is not None:
        if data is not None:
            from . import snapshot
            snapshot.restore(data)
        stoppers.append(aws.start_moto(moto_port).stop)
    try:
        if data is not None:
            snapshots = snapshot.Snapshots(data, aws.REQUESTS.held)
            snapshots.start()
            stoppers.append(snapshots.stop)
        os.environ.setdefault("SKILLCERT_TOKEN_SECRET", aws.token_secret() if data else secrets.token_urlsafe(48))
        resources = aws.create_resources()
        loaded = None
        if demo:
            from . import demo as demo_data
            loaded = demo_data.load()
        from app import app

        from .poller import SqsPoller
        from .server import make_server
        server = make_server(app, host, port, static_root())
        thread = threading.Thread(target=server.server.serve_forever, name="http", daemon=True)
        thread.start()
        stoppers.append(lambda: (server.server.shutdown(), server.server.server_close()))
        poller = SqsPoller(app, workers=workers, import_path="app:app")
        poller.start()
        stoppers.append(lambda: (poller.stop(), poller.join(5)))
    except BaseException:
        for stop in reversed(stoppers):
            stop()
        raise
    return Stack(port, moto_port, resources, loaded, stoppers, host)
