"""Certificate numbers and verification codes.

A certificate number is ``SC`` + the award year + a 10-digit sequence + one check character computed
with ISO 7064 MOD 37,36 (the hybrid system of GB/T 17710): every single wrong character and every swap
of two neighbours is caught before any lookup. Example: ``SC20260000000123`` + check.
"""
import re
import secrets

from .. import lazy

mod_37_36 = lazy.module("stdnum.iso7064.mod_37_36")    # python-stdnum: the first number made or checked loads it

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SHAPE = re.compile(r"^SC[0-9]{14}[0-9A-Z]$")


def check_char(body: str) -> str:
    return mod_37_36.calc_check_digit(body, ALPHABET)


def make(year: int, sequence: int) -> str:
    if not 0 < sequence < 10 ** 10:
        raise ValueError("certificate sequence out of range")
    body = f"SC{year:04d}{sequence:010d}"
    return body + check_char(body)


def normalize(text: str | None) -> str:
    return re.sub(r"[\s-]", "", (text or "")).upper()[:40]


def is_valid(cert_no: str | None) -> bool:
    value = normalize(cert_no)
    return bool(_SHAPE.match(value)) and check_char(value[:-1]) == value[-1]


def new_verification_code() -> str:
    """The secret printed in the QR code's link: 10 characters, about 50 bits."""
    return "".join(secrets.choice(ALPHABET) for _ in range(10))
