"""Untrusted image bytes opened one safe way for every upload rule (stamps, candidate photos).

Pillow is imported here, inside the function, so importing the app does not load it.
"""
import io
from contextlib import contextmanager
from typing import Iterator

from .errors import DomainError


class TooManyPixels(Exception):
    """The image declares more pixels than allowed (a decompression bomb declares far more than it holds)."""

    def __init__(self, size: tuple[int, int] | None):
        super().__init__(size)
        self.size = size


class Undecodable(Exception):
    """Not an image of an allowed format, or damaged."""


@contextmanager
def untrusted(data: bytes, max_pixels: int, formats: tuple[str, ...]) -> Iterator:
    """Yield ``data`` opened as an image of one of ``formats``, not decoded yet: its declared size is
    checked and its structure verified first. Any failure of Pillow inside the block, decoding included,
    becomes ``Undecodable`` (Pillow fails on damaged files in many ways: IndexError for an empty IDAT, ...);
    a ``DomainError`` raised in the block passes through."""
    from PIL import Image
    try:
        with Image.open(io.BytesIO(data), formats=formats) as img:
            if img.width * img.height > max_pixels:
                raise TooManyPixels(img.size)
            img.verify()
        with Image.open(io.BytesIO(data), formats=formats) as img:
            yield img
    except (TooManyPixels, DomainError):
        raise
    except Image.DecompressionBombError:
        raise TooManyPixels(None) from None
    except Exception:
        raise Undecodable() from None
