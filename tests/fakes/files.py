"""The ``files`` port's fake: objects in a dict, under the same declared prefixes as chalicelib/files.py.

``objects`` maps a key to ``(data, content_type, metadata)``. Links are ``memory://<key>?expires=<s>``
(``&filename=`` when one is given), recognisable in answers and never reachable. ``down = True`` stands
for S3 unreachable: ``put`` and ``read`` raise ``ConnectionError``, ``try_put`` and ``discard`` answer False.
"""
from urllib.parse import quote

from botocore.exceptions import ParamValidationError

from chalicelib import files as adapter
from chalicelib.ports import FileMissing


class FakeFiles:
    LINK_SECONDS = adapter.LINK_SECONDS
    PREFIXES = adapter.PREFIXES

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str, dict[str, str]]] = {}
        self.down = False

    def _reachable(self) -> None:
        if self.down:
            raise ConnectionError("S3 unreachable (FakeFiles.down)")

    def put(self, key: str, data: bytes, content_type: str, metadata: dict[str, str] | None = None) -> None:
        if not any(key.startswith(prefix) for prefix in self.PREFIXES):
            raise ValueError(f"undeclared S3 key prefix: {key} (declare it in files.PREFIXES)")
        if not all(name.isascii() for name in metadata or {}):    # the values are quoted, the names not
            raise ParamValidationError(report=f"S3 metadata names must be ASCII: {sorted(metadata)}")
        self._reachable()
        self.objects[key] = (bytes(data), content_type, dict(metadata or {}))

    def try_put(self, key: str, data: bytes, content_type: str) -> bool:
        try:
            self.put(key, data, content_type)
        except ConnectionError:
            return False
        return True

    def discard(self, keys: list[str]) -> bool:
        if self.down:
            return False
        for key in keys:
            self.objects.pop(key, None)
        return True

    def read(self, key: str) -> bytes:
        self._reachable()
        if key not in self.objects:
            raise FileMissing(key)
        return self.objects[key][0]

    def link(self, key: str, filename: str | None = None, seconds: int = LINK_SECONDS) -> str:
        url = f"memory://{quote(key)}?expires={seconds}"
        return url + f"&filename={quote(filename)}" if filename else url
