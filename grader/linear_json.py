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


def weights(
    data: dict, length: int, error: type[Exception], keys: tuple[str, ...] = WEIGHT_KEYS
) -> dict[str, list[float]]:
    """The mean, scale and coef lists (or those of `keys`) of a model over `length` inputs;
    scales must be positive."""
    found = {}
    for key in keys:
        values = data.get(key)
        if not isinstance(values, list) or len(values) != length:
            raise error(f"{key} must be a list of {length} numbers")
        found[key] = [number(v, key, error) for v in values]
    if any(s <= 0 for s in found["scale"]):
        raise error("scale values must be positive")
    return found


def rows(
    data: dict, key: str, count: int, length: int, error: type[Exception]
) -> list[list[float]]:
    """`count` lists of `length` numbers under `key` (a multinomial model's coefficients)."""
    values = data.get(key)
    if not isinstance(values, list) or len(values) != count:
        raise error(f"{key} must be a list of {count} lists")
    found = []
    for row in values:
        if not isinstance(row, list) or len(row) != length:
            raise error(f"{key} must hold {count} lists of {length} numbers")
        found.append([number(v, key, error) for v in row])
    return found
