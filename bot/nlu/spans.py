"""The base of every entity: the text as typed (kept out of repr) and where it stands."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str = Field(repr=False)  # the matched text as typed (may contain personal data)
    start: int
    end: int
