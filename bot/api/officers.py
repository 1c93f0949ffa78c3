"""/api/v1/me and /api/v1/officers: who the token belongs to, and (admins) who the officers are."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from bot.api.auth import CurrentOfficer, require_role, services_of
from integrations.storage.models.office import Officer, OfficerRole

router = APIRouter(tags=["officers"])


class OfficerOut(BaseModel):
    username: str
    display_name: str
    role: str
    active: bool
    last_login_at: datetime | None = None

    @classmethod
    def of(cls, officer: Officer) -> OfficerOut:
        return cls(username=officer.username, display_name=officer.display_name, role=officer.role,
                   active=officer.active, last_login_at=officer.last_login_at)


@router.get("/me", response_model=OfficerOut, summary="the officer this token belongs to")
async def me(officer: CurrentOfficer) -> OfficerOut:
    return OfficerOut.of(officer)


@router.get("/officers", response_model=list[OfficerOut], summary="every officer (admins only)")
async def officers(request: Request,
                   _admin: Annotated[Officer, Depends(require_role(OfficerRole.admin))]) -> list[OfficerOut]:
    return [OfficerOut.of(o) for o in await services_of(request).accounts.list()]
