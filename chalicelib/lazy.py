"""Modules and objects loaded on first use. PDF, image and spreadsheet libraries cost an API cold start
about half a second, and a service, Powertools or python-stdnum a few milliseconds each; routing, auth and
the store need none of them, so the modules that do import them through here and only the paths that use
them (the worker, verify-by-upload, xlsx, stamp checks, a route's first request) pay for them.
``tests/unit/test_cold_start.py`` keeps it so."""
import importlib
import threading
from types import ModuleType
from typing import Callable, TypeVar

T = TypeVar("T")


class _Lazy:
    """Stands for a module: the first attribute read imports it (import_module is thread-safe)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name}>"


_UNBUILT = object()


class _Built:
    """Stands for what ``build()`` returns: the first attribute read builds it, once (two threads of the local
    server may ask at the same moment)."""

    def __init__(self, build: Callable[[], object]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value = _UNBUILT

    def __getattr__(self, attr: str):
        if self._value is _UNBUILT:
            with self._lock:
                if self._value is _UNBUILT:
                    self._value = self._build()
        return getattr(self._value, attr)

    def __repr__(self) -> str:
        return f"<lazy {getattr(self._build, '__qualname__', 'value')}>"


def module(name: str) -> ModuleType:
    return _Lazy(name)  # type: ignore[return-value]


def value(build: Callable[[], T]) -> T:
    return _Built(build)  # type: ignore[return-value]
