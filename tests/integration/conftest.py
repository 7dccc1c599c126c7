"""Helpers of the tests against the real local stack (its ``running`` and ``api`` fixtures are in
tests/conftest.py): moto server over HTTP, the demo data, the API on Chalice's local server."""
import io

import requests
from openpyxl import Workbook


class Api:
    """A small HTTP client for the API: ``api.get("/orgs", as_="teo")``."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self._tokens: dict[str, str] = {}

    def token(self, username: str, password: str = "demo1234") -> str:
        if username not in self._tokens:
            r = self.session.post(self.base + "/auth/login", json={"username": username, "password": password})
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["token"]
        return self._tokens[username]

    def call(self, method: str, path: str, as_: str | None = None, token: str | None = None, **kw):
        headers = kw.pop("headers", {})
        if as_:
            headers["Authorization"] = "Bearer " + self.token(as_)
        elif token is not None:
            headers["Authorization"] = token
        return self.session.request(method, self.base + path, headers=headers, timeout=30, **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, **kw):
        return self.call("POST", path, **kw)

    def put(self, path, **kw):
        return self.call("PUT", path, **kw)


def xlsx(titles: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(titles)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"], body
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]
