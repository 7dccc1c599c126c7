"""A TEO's print calibration: as the API shows it (unset: print as laid out) and as it is stored."""
from chalicelib.domain.printing import DEFAULT, settings, stored


def test_a_teo_without_a_calibration_prints_as_laid_out():
    assert settings(None) == settings({}) == settings({"print_offset_x_mm": None}) == DEFAULT


def test_the_calibration_is_stored_rounded_to_a_tenth_and_read_back_as_numbers():
    kept = stored({"offset_x_mm": "1.26", "offset_y_mm": -3, "scale_pct": 99.94, "unknown": 1})
    assert kept == {"print_offset_x_mm": 1.3, "print_offset_y_mm": -3.0, "print_scale_pct": 99.9}
    assert settings(kept) == {"offset_x_mm": 1.3, "offset_y_mm": -3.0, "scale_pct": 99.9}
    assert settings({"print_offset_y_mm": 0}) == {**DEFAULT, "offset_y_mm": 0.0}
