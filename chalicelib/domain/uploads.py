"""Files sent inside JSON as base64: decoded and size-checked the same way everywhere."""
import base64
import binascii

from .errors import InvalidInput, TooLarge


def decode(text: str, what: str, max_bytes: int) -> bytes:
    """The bytes of ``text``; a clear 400 when it is not base64, a 413 naming the limit when too large."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{what}不是有效的Base64编码", code="invalid_base64") from None
    if len(data) > max_bytes:
        limit = f"{max_bytes // 1024 // 1024}MB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024}KB"
        raise TooLarge(f"{what}过大：上限为{limit}", code="file_too_large")
    return data
