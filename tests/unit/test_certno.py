import itertools

import pytest

from chalicelib.domain import certno


def test_numbers_have_the_documented_shape():
    number = certno.make(2026, 123)
    assert number.startswith("SC20260000000123") and len(number) == 17
    assert certno.is_valid(number) and certno.is_valid(number.lower()) and certno.is_valid(" " + number + " ")


@pytest.mark.parametrize("seq", [1, 77, 123456, 9999999999])
def test_every_single_character_error_is_caught(seq):
    number = certno.make(2021, seq)
    for i in range(2, len(number)):
        for ch in certno.ALPHABET:
            if ch != number[i]:
                assert not certno.is_valid(number[:i] + ch + number[i + 1:])


@pytest.mark.parametrize("seq", [5, 31415926, 2718281828])
def test_every_adjacent_swap_is_caught(seq):
    number = certno.make(2022, seq)
    for i, j in itertools.pairwise(range(2, len(number))):
        if number[i] != number[j]:
            swapped = number[:i] + number[j] + number[i] + number[j + 1:]
            assert not certno.is_valid(swapped)


def test_garbage_is_not_a_number():
    for text in (None, "", "SC2026", "XX20260000000123A", "SC2026000000012301"):
        assert not certno.is_valid(text)


def test_verification_codes_are_random():
    codes = {certno.new_verification_code() for _ in range(1000)}
    assert len(codes) == 1000 and all(len(c) == 10 for c in codes)
