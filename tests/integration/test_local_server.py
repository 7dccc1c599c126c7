"""The local front of the embedded stack (devstack/server.py): each caller is known by its own address, a
huge or slow request cannot hold the server, and a restart right after a kill finds its port."""
import http.client
import json
import socket
import time

import pytest

from chalicelib.domain import certno
from devstack import aws

VERIFY = f"/api/verify?cert_no={certno.make(2026, 1)}&id_no=11010519491231002X"


def _get(running, path: str, source: str, headers: dict | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30, source_address=(source, 0))
    try:
        conn.request("GET", path, headers=headers or {})
        return conn.getresponse().status
    finally:
        conn.close()


def _exhaust(running, source: str) -> None:
    """Verify from ``source`` until the throttle answers 429."""
    for _ in range(10):
        if _get(running, VERIFY, source) == 429:
            return
    pytest.fail(f"{source} was never throttled")


def test_each_client_address_has_its_own_verification_budget(running, monkeypatch):
    monkeypatch.setenv("SKILLCERT_VERIFY_LIMIT", "2")
    for _ in range(3):                    # a new minute may start in between: then try again
        minute = time.time() // 60
        _exhaust(running, "127.0.0.2")
        other = _get(running, VERIFY, "127.0.0.3")
        # The header CloudFront sets on AWS cannot be sent from outside to escape the throttle.
        spoofed = _get(running, VERIFY, "127.0.0.2", {"CloudFront-Viewer-Address": "198.51.100.7:4321"})
        if time.time() // 60 == minute:
            break
    assert other == 404, "another client was throttled by the first one's attempts"
    assert spoofed == 429


def test_a_body_too_large_is_refused_before_it_is_read(running):
    with socket.create_connection(("127.0.0.1", running.port), timeout=30) as s:
        s.sendall(b"POST /api/verify/pdf HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 300000000\r\n\r\n{")      # announces 300 MB, sends one byte
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _length(answer):
            chunk = s.recv(65536)          # the answer may come in several segments
            if not chunk:
                break
            answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.split(b"\r\n")[0].split()[1] == b"413"
        assert json.loads(body)["error"]["code"] == "body_too_large"


def _length(answer: bytes) -> int:
    """The Content-Length an HTTP answer's head announces (0 until the head is complete)."""
    for line in answer.partition(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def test_a_request_whose_headers_never_finish_is_dropped(running):
    with socket.create_connection(("127.0.0.1", running.port), timeout=120) as s:
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")   # and never the blank line
        try:
            assert s.recv(1) == b""                             # the server closes the connection
        except ConnectionResetError:
            pass


def test_the_port_is_free_again_right_after_the_server_dies():
    port = aws.free_port()
    with socket.create_server(("127.0.0.1", port)) as server:
        client = socket.create_connection(("127.0.0.1", port))
        conn, _ = server.accept()
        conn.close()                       # the server's side closes first (as a killed process's does) ...
        client.close()                     # ... and leaves its port in TIME_WAIT
    aws.ensure_free(port, "UI and API")    # formerly: "port ... is already in use" for a minute
