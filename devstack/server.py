"""One origin on loopback: the static UI at ``/`` and the Chalice app under ``/api/``.

Chalice's own local server (``LocalDevServer``) runs the app as API Gateway and Lambda would, including the
token authorizer; this handler only strips the ``/api`` stage prefix, serves static files, and shapes the
gateway's own refusals (no token, bad token, unknown route) like every other API error — the same bodies
the deployment configures as API Gateway gateway responses. Like the gateway, it refuses a body over 10 MB
by its ``Content-Length`` before reading it, drops a connection that stalls, and hands the app the caller's
own address.
"""
import json
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalChalice, LocalDevServer, LocalGatewayException, ThreadedHTTPServer

from chalicelib.api.endpoint import TokenRejected
from chalicelib.api.errors import error_body

API_PREFIX = "/api"
_UNAUTHENTICATED = error_body("unauthenticated", "未登录或登录已过期，请重新登录")
_NO_ROUTE = error_body("not_found", "接口不存在")
MAX_BODY = 10 * 1024 * 1024     # API Gateway's payload limit
_TOO_LARGE = error_body("body_too_large", "请求内容过大：上限为10MB")
_BAD_LENGTH = error_body("invalid_content_length", "请求头 Content-Length 无效")
# The header CloudFront sets (and overwrites) on AWS; here nothing sets it, so a caller cannot either.
VIEWER_ADDRESS = "CloudFront-Viewer-Address"


class SkillCertRequestHandler(ChaliceRequestHandler):
    static_root: Path
    timeout = 20    # seconds a connection may stall (headers, body, keep-alive) before it is dropped

    def _generic_handle(self) -> None:
        path = urlsplit(self.path).path
        length = self.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            self.close_connection = True        # the body stays unread
            return self._send_json(413, _TOO_LARGE) if length.isdigit() else self._send_json(400, _BAD_LENGTH)
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            self.path = self.path[len(API_PREFIX):] or "/"
            del self.headers[VIEWER_ADDRESS]
            # Chalice's gateway reports 127.0.0.1 for everyone; the event carries who called (it is this
            # connection's own gateway, so the attribute is per caller).
            self.local_gateway.event_converter.LOCAL_SOURCE_IP = self.client_address[0]
            try:
                super()._generic_handle()
            except TokenRejected:
                self._send_json(401, _UNAUTHENTICATED)
        elif self.command in ("GET", "HEAD"):
            self._send_static(unquote(path))
        else:
            self._send_json(404, _NO_ROUTE)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def _send_error_response(self, error: LocalGatewayException) -> None:
        # API Gateway answers an unknown route with a 403 (MISSING_AUTHENTICATION_TOKEN); we answer 404.
        if error.CODE == 401:
            self._send_json(401, _UNAUTHENTICATED)
        elif error.CODE == 403 and error.headers.get("x-amzn-ErrorType") == "UnauthorizedException":
            self._send_json(404, _NO_ROUTE)
        else:
            super()._send_error_response(error)

    def _send_json(self, status: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _send_static(self, path: str) -> None:
        root = self.static_root.resolve()
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return self._send_json(404, _NO_ROUTE)
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            target = root / "index.html"   # single-page app: the UI routes client-side
        data = target.read_bytes()
        self.send_response(200)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


class _Server(ThreadedHTTPServer):
    request_queue_size = 128   # the default backlog of 5 resets connections when many clients arrive at once


def make_server(app, host: str, port: int, static_root: Path) -> LocalDevServer:
    # Chalice's local mode keeps current_request per thread only on its LocalChalice class.
    app.__class__ = LocalChalice
    handler = type("Handler", (SkillCertRequestHandler,), {"static_root": static_root})
    return LocalDevServer(app, Config.create(), host, port, handler_cls=handler, server_cls=_Server)
