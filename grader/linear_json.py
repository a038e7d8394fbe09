"""The numbers of a linear model saved as JSON (the calibration, the confidence model): every
one checked when the file is read, since a hand-edited file must fail with a clear message."""

from __future__ import annotations

import math

WEIGHT_KEYS = ("mean", "scale", "coef")


def number(value: object, key: str, error: type[Exception]) -> float:
    """`value` as a float; `error` naming `key` when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise error(f"{key} must hold finite numbers, found {value!r}")
    return float(value)


def weights(data: dict, length: int, error: type[Exception]) -> dict[str, list[float]]:
    """The mean, scale and coef lists of a model over `length` inputs; scales must be positive."""
    found = {}
    for key in WEIGHT_KEYS:
        values = data.get(key)
        if not isinstance(values, list) or len(values) != length:
            raise error(f"{key} must be a list of {length} numbers")
        found[key] = [number(v, key, error) for v in values]
    if any(s <= 0 for s in found["scale"]):
        raise error("scale values must be positive")
    return found
