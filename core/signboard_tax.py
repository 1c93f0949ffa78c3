"""Signboard tax estimate: area in units of 500 cm², times the rate of the sign's type, with a minimum.

Rules of พ.ร.บ.ภาษีป้าย พ.ศ. 2510 (area: widest × longest edge; a remainder of more than half a
unit counts as a whole unit, half or less is dropped) and the rate table of the current ministerial
regulation, which the caller passes in (the office keeps it in `knowledge/national/signboard_rates.yaml`
so a new regulation is a YAML edit, not a code change). Only an estimate: the office assesses the tax.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


class SignboardInputError(ValueError):
    """Width, height or sign type that cannot be computed; `reason` names what is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RateTable:
    rates: dict[str, float]  # sign type id -> baht per unit
    unit_cm2: int = 500
    minimum_baht: float = 200


@dataclass(frozen=True, slots=True)
class SignboardEstimate:
    width_cm: float
    height_cm: float
    sign_type: str
    area_cm2: float
    units: int  # chargeable units of `unit_cm2`, after rounding the remainder
    rate_baht: float
    computed_baht: float  # units × rate, before the minimum
    tax_baht: float  # what the estimate says to pay
    minimum_applied: bool


MAX_SIDE_CM = 100_000  # one kilometre: anything larger is a typing mistake, not a sign


def chargeable_units(area_cm2: float, unit_cm2: int = 500) -> int:
    """Whole units, and a remainder of more than half a unit counts as one more (the Act's rounding)."""
    whole = math.floor(area_cm2 / unit_cm2)
    remainder = area_cm2 - whole * unit_cm2
    return whole + (1 if remainder > unit_cm2 / 2 else 0)


def estimate(width_cm: float, height_cm: float, sign_type: str, table: RateTable) -> SignboardEstimate:
    """The yearly tax of one sign. Raises SignboardInputError for sizes or types it cannot price."""
    for side in (width_cm, height_cm):
        if not math.isfinite(side) or side <= 0:
            raise SignboardInputError("size_not_positive")
        if side > MAX_SIDE_CM:
            raise SignboardInputError("size_too_large")
    if sign_type not in table.rates:
        raise SignboardInputError("unknown_type")
    area = width_cm * height_cm
    units = chargeable_units(area, table.unit_cm2)
    rate = table.rates[sign_type]
    computed = units * rate
    tax = max(computed, table.minimum_baht)
    return SignboardEstimate(
        width_cm=width_cm,
        height_cm=height_cm,
        sign_type=sign_type,
        area_cm2=area,
        units=units,
        rate_baht=rate,
        computed_baht=computed,
        tax_baht=tax,
        minimum_applied=computed < table.minimum_baht,
    )
