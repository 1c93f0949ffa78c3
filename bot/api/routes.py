"""The /api/v1 router: every officers' API module mounts here (app.py includes this one router)."""

from __future__ import annotations

from fastapi import APIRouter

from bot.api import cases, handoffs, officers

API_PREFIX = "/api/v1"

router = APIRouter(prefix=API_PREFIX)
router.include_router(officers.router)
router.include_router(cases.router)
router.include_router(handoffs.router)  # issue 13: handoff tickets
