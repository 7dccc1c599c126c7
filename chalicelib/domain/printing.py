"""A TEO's print calibration for paper certificates on pre-printed stock: offsets in millimetres (right and
down are positive) and a scale in percent about the page centre, to correct its printer's placement."""

LIMITS = {"offset_x_mm": (-20.0, 20.0), "offset_y_mm": (-20.0, 20.0), "scale_pct": (98.0, 102.0)}
DEFAULT = {"offset_x_mm": 0.0, "offset_y_mm": 0.0, "scale_pct": 100.0}
_STORED = {"offset_x_mm": "print_offset_x_mm", "offset_y_mm": "print_offset_y_mm",
           "scale_pct": "print_scale_pct"}


def settings(org: dict | None) -> dict[str, float]:
    """The TEO's calibration as the API shows it (none set: print as laid out)."""
    org = org or {}
    return {k: float(org[_STORED[k]]) if org.get(_STORED[k]) is not None else v for k, v in DEFAULT.items()}


def stored(values: dict) -> dict:
    """The calibration as the TEO's attributes."""
    return {_STORED[k]: round(float(values[k]), 1) for k in DEFAULT}
