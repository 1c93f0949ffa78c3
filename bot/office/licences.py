"""The licence (or, for services without one, the completion certificate) of a completed case, as a PDF.

Rendered on request from the case (never stored), so a corrected knowledge file or office
address shows in the next download. Laid out by bot/web/documents.py (payment area) with the
Thai font embedded; fpdf2 is CPU work, so it runs in a thread.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.office.notify import baht, msg
from bot.web.documents import licence_pdf as render_licence
from core.cases import CaseState

if TYPE_CHECKING:
    from bot.office.cases import CaseService


async def licence_pdf(cases: CaseService, tracking: str) -> bytes | None:
    from bot.office.cases import CaseNotFound

    try:
        detail = await cases.detail(tracking)
    except CaseNotFound:
        return None
    summary = detail.summary
    if summary.state != CaseState.completed:
        return None
    snapshot = cases.snapshot
    service = snapshot.services.get(summary.service_id)
    completions = [h.at for h in detail.history if h.to_state == CaseState.completed]
    issued = completions[-1] if completions else summary.state_changed_at
    lines: list[tuple[str, str]] = []
    if summary.fee_baht is not None:
        lines.append((msg(snapshot, "case.card.amount"),
                      msg(snapshot, "case.card.amount_value", amount=baht(int(summary.fee_baht * 100)))))
    zone = cases.zone
    return await asyncio.to_thread(
        render_licence, snapshot, title="", holder=detail.applicant.get("name") or "-",
        service=service.title if service else summary.service_title, tracking=summary.tracking,
        issued_on=issued.astimezone(zone).date(), lines=lines,
    )
