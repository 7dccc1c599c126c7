"""Behind CloudFront the throttles key on the viewer's address CloudFront reports, not on the edge's."""
from types import SimpleNamespace

from chalice.app import CaseInsensitiveMapping

from chalicelib.api.endpoint import client_ip


def _request(headers: dict, source: str = "130.176.1.1") -> SimpleNamespace:
    return SimpleNamespace(headers=CaseInsensitiveMapping(headers), context={"identity": {"sourceIp": source}})


def test_the_viewer_address_cloudfront_passes_is_the_client():
    assert client_ip(_request({"CloudFront-Viewer-Address": "203.0.113.5:51234"})) == "203.0.113.5"
    assert client_ip(_request({"cloudfront-viewer-address": "2001:db8::7:51234"})) == "2001:db8::7"


def test_a_header_the_caller_writes_is_not_the_client():
    assert client_ip(_request({"X-Forwarded-For": "1.2.3.4, 130.176.1.1"})) == "130.176.1.1"
    assert client_ip(_request({})) == "130.176.1.1"
