"""Files sent inside JSON as base64: decoded, or refused as not base64 (400) or over the limit, named in
megabytes or kilobytes (413)."""
import base64

import pytest

from chalicelib.domain.errors import InvalidInput, TooLarge
from chalicelib.domain.uploads import decode


def test_the_bytes_within_the_limit_are_given_back():
    assert decode(base64.b64encode(b"x" * 1024).decode(), "照片", 1024) == b"x" * 1024


@pytest.mark.parametrize("text", ["not base64!", "YWJj\n", "YWJ"])
def test_text_that_is_not_strictly_base64_is_refused(text):
    with pytest.raises(InvalidInput) as refused:
        decode(text, "照片", 1024)
    assert (refused.value.code, refused.value.message) == ("invalid_base64", "照片不是有效的Base64编码")


@pytest.mark.parametrize("limit, named", [(5 * 1024 * 1024, "5MB"), (1024 * 1024, "1MB"), (300 * 1024, "300KB")])
def test_too_large_names_the_limit(limit, named):
    with pytest.raises(TooLarge) as refused:
        decode(base64.b64encode(b"\0" * (limit + 1)).decode(), "公章图片", limit)
    assert (refused.value.code, refused.value.message) == ("file_too_large", f"公章图片过大：上限为{named}")
