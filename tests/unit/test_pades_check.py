"""Checking an uploaded certificate's seal (chalicelib/pades_check.py) on files sealed by pyHanko the way
the platform seals them (the fake keys' PAdES seal is pyHanko's, with the platform's signature settings)."""


from chalicelib import pades_check
from tests.documents import blank_pdf


def test_the_signing_time_pyhanko_writes_is_read_back(fakes):
    """pyHanko writes /M with the colon escaped (``(D\\07220261130061145Z)``): the check must read it, or
    every file sealed by a withdrawn e-seal looks sealed after the withdrawal."""
    serial = fakes.keys.issue_seal("t1", "中物联物流")["serial"]
    fakes.clock.set("2026-06-01T08:00:00+00:00")
    found = pades_check.inspect(fakes.pdf_seal.sign(blank_pdf(), serial), fakes.keys.ca_pem())
    assert found["trusted"] and found["intact"] and found["signed_at"] is not None


def test_a_signing_time_in_either_spelling_with_its_offset():
    for written in (b"/M (D:20260601160000+08'00')", b"/M (D\\07220260601160000+08'00')"):
        assert pades_check._signing_time(b"<< /Type /Sig " + written + b" >>") == "2026-06-01T16:00:00+08:00"
    assert pades_check._signing_time(b"<< /M (D:2026) >>") is None
