"""Modules loaded on first use. PDF, image and spreadsheet libraries cost an API cold start about half a
second; routing, auth and the store need none of them, so the modules that do import them through here
and only the paths that use them (the worker, verify-by-upload, xlsx, stamp checks) pay for them.
``tests/unit/test_cold_start.py`` keeps it so."""
import importlib
from types import ModuleType


class _Lazy:
    """Stands for a module: the first attribute read imports it (import_module is thread-safe)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name}>"


def module(name: str) -> ModuleType:
    return _Lazy(name)  # type: ignore[return-value]
