"""The legal side of the knowledge: the laws services cite (laws.yaml, which marks repealed ones) and the
signboard tax rates (signboard_rates.yaml) that the estimate in the chat follows."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from knowledge.schema import ID_PATTERN, Strict


class Law(Strict):
    """laws.yaml: the status of an Act or regulation named in `legal_basis`."""

    name: str
    status: Literal["in_force", "repealed"] = "in_force"
    replaced_by: str | None = None
    since: dt.date | None = None  # repealed (or in force) from this date
    source: str  # where the status comes from, for staff to check


class LawsFile(Strict):
    laws: list[Law] = Field(default_factory=list)


class SignRate(Strict):
    """One row of the ministerial regulation's signboard tax table (baht per 500 cm²)."""

    id: str = Field(pattern=ID_PATTERN)
    label: str  # as shown to citizens
    baht_per_unit: float = Field(gt=0)


class SignboardRates(Strict):
    """signboard_rates.yaml: the current signboard tax rates, with their source."""

    regulation: str
    act: str
    source: str
    confirmed: bool = False  # staff set true after checking against the Royal Gazette
    unit_cm2: int = Field(default=500, gt=0)
    minimum_baht: float = Field(default=200, ge=0)
    rates: list[SignRate] = Field(min_length=1)
