"""`Authorization: Bearer <token>` for /api/v1.

`current_officer` answers 401 when the header is missing, malformed or the token is
unknown, revoked or belongs to a deactivated officer; `require_role(...)` answers 403 when
the officer's role may not do this. Handlers declare what they need:

    @router.get("/cases")
    async def list_cases(officer: CurrentOfficer) -> ...

    @router.post("/officers", dependencies=[Depends(require_role(OfficerRole.admin))])
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.runtime.services import Services
from integrations.storage.models.office import Officer, OfficerRole

bearer = HTTPBearer(auto_error=False, description="an officer's API token (python -m bot officer token NAME)")


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


async def current_officer(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Officer:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise _unauthorized("missing bearer token")
    officer = await services_of(request).accounts.verify_token(credentials.credentials)
    if officer is None:
        raise _unauthorized("invalid or revoked token")
    request.state.officer = officer
    return officer


CurrentOfficer = Annotated[Officer, Depends(current_officer)]


def require_role(*roles: OfficerRole) -> Callable[..., Awaitable[Officer]]:
    """A dependency that lets through only officers with one of `roles` (admins always pass)."""
    allowed = {r.value for r in roles} | {OfficerRole.admin.value}

    async def dependency(officer: CurrentOfficer) -> Officer:
        if officer.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"role {officer.role!r} may not do this")
        return officer

    return dependency
