"""The case service: what the officers' API, the console, the chat and the payment callback call.

Every state change is ONE database transaction holding the case's new state, a new
`case_transitions` row and the citizen's notification in the outbox, so a crash never
leaves a moved case without its push, nor a push for a move that did not happen.
Concurrent moves of one case: `SELECT … FOR UPDATE` on PostgreSQL, and a compare-and-set on
`cases.version` everywhere; the loser gets `CaseConflict` (409).

The rules themselves (which move, who, why not) are `core/cases.py`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.office.case_types import (
    CaseConflict,
    CaseDetail,
    CaseNotFound,
    CaseSummary,
    DocumentInfo,
    HistoryEntry,
    PaymentOutcome,
    fixed_fee_satang,
    satang,
    to_baht,
    waiting_for_of,
)
from bot.office.links import CaseLinks
from bot.office.notify import CaseNotice, case_card
from bot.office.outbox import enqueue
from bot.runtime.pii import pii_cipher
from bot.runtime.render import render_all
from core import billing
from core.cases import Actor, CaseState, Move, Refusal, RefusalCode, decide, state_of, targets
from integrations.storage.models.applications import Application, ApplicationDocument
from integrations.storage.models.cases import Case, CaseTransition, Payment
from integrations.storage.models.office import Officer
from knowledge.snapshot import KnowledgeSnapshot

if TYPE_CHECKING:
    from bot.runtime.services import Services

__all__ = ["CaseConflict", "CaseDetail", "CaseNotFound", "CaseService", "CaseSummary", "DocumentInfo",
           "HistoryEntry", "PaymentOutcome", "fixed_fee_satang", "satang", "to_baht"]
log = logging.getLogger(__name__)
S = CaseState
TRANSITION_PURPOSE = "case.transition"


@dataclass
class _Loaded:
    case: Case
    app: Application
    extra: dict[str, Any] = field(default_factory=dict)


class CaseService:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.zone = self._zone = ZoneInfo(services.settings.timezone)
        self._links: CaseLinks | None = None

    # --- small helpers -------------------------------------------------------------------
    @property
    def links(self) -> CaseLinks:
        if self._links is None:
            self._links = CaseLinks.for_settings(self.services.settings)
        return self._links

    @property
    def snapshot(self) -> KnowledgeSnapshot:
        return self.services.knowledge.current

    def now(self) -> datetime:
        return self.services.clock()

    def today(self) -> date:
        return self.now().astimezone(self._zone).date()

    def _end_of_day(self, day: date) -> datetime:
        return datetime.combine(day + timedelta(days=1), datetime.min.time(), self._zone)

    def service_name(self, case: Case, app: Application) -> str:
        service = self.snapshot.services.get(case.service_id)
        return service.short_name if service else app.service_title

    async def _load(self, session: AsyncSession, tracking: str, *, lock: bool = False) -> _Loaded:
        query = select(Case, Application).join(Application, col(Application.id) == col(Case.application_id)) \
            .where(func.upper(Case.tracking_no) == tracking.strip().upper())
        if lock and self.services.db.engine.dialect.name == "postgresql":
            query = query.with_for_update(of=Case)
        row = (await session.exec(query)).first()
        if row is None:
            raise CaseNotFound(tracking)
        return _Loaded(row[0], row[1])

    def _summary(self, case: Case, app: Application) -> CaseSummary:
        return CaseSummary(
            tracking=case.tracking_no, service_id=case.service_id, service_title=app.service_title,
            applicant_name=app.applicant_name, state=case.state, state_changed_at=case.state_changed_at,
            submitted_at=app.submitted_at or case.created_at, waiting_for=waiting_for_of(case.state),
            fee_baht=to_baht(case.fee_satang), fee_due=case.fee_due,
        )

    # --- reading -------------------------------------------------------------------------
    async def list_cases(self, *, state: str | None = None, service: str | None = None, waiting_for: str | None = None,
                   submitted_on: date | None = None, limit: int = 100, offset: int = 0) -> list[CaseSummary]:
        """Newest first; `waiting_for="officer"` is the officers' queue (including cases that came back)."""
        query = select(Case, Application).join(Application, col(Application.id) == col(Case.application_id))
        if state:
            query = query.where(Case.state == state_of(state).value)
        if service:
            query = query.where(Case.service_id == service)
        if submitted_on is not None:
            start = datetime.combine(submitted_on, datetime.min.time(), self._zone)
            query = query.where(col(Case.created_at) >= start, col(Case.created_at) < start + timedelta(days=1))
        query = query.order_by(col(Case.state_changed_at).desc(), col(Case.id).desc())
        async with self.services.db.session() as session:
            rows = (await session.exec(query)).all()
        summaries = [self._summary(c, a) for c, a in rows]
        if waiting_for:
            summaries = [s for s in summaries if s.waiting_for == waiting_for]
        return summaries[offset: offset + limit]

    async def _history(self, session: AsyncSession, case_id: int) -> list[HistoryEntry]:
        rows = (await session.exec(select(CaseTransition).where(CaseTransition.case_id == case_id)
                                   .order_by(col(CaseTransition.at), col(CaseTransition.id)))).all()
        return [HistoryEntry(at=t.at, from_state=t.from_state, to_state=t.to_state, actor_kind=t.actor_kind,
                             actor=t.actor, note=t.note, documents=list(t.documents),
                             fee_baht=to_baht(t.fee_satang)) for t in rows]

    async def detail(self, tracking: str) -> CaseDetail:
        async with self.services.db.session() as session:
            loaded = await self._load(session, tracking)
            history = await self._history(session, loaded.case.id or 0)
            docs = (await session.exec(select(ApplicationDocument).where(
                ApplicationDocument.application_id == loaded.app.id).order_by(col(ApplicationDocument.id)))).all()
        case, app = loaded.case, loaded.app
        cipher = pii_cipher(self.services.settings)
        service = self.snapshot.services.get(case.service_id)
        labels = {f.id: f.label for f in service.form_fields} if service else {}
        answers = [{"id": key, "label": labels.get(key, key), "value": value}
                   for key, value in app.form_answers.items()]
        return CaseDetail(
            summary=self._summary(case, app),
            line_user_id=case.line_user_id,
            applicant={
                "name": app.applicant_name,
                "national_id": cipher.decrypt(app.national_id_enc) if app.national_id_enc else None,
                "phone": cipher.decrypt(app.phone_enc) if app.phone_enc else None,
                "address": app.address,
            },
            answers=answers,
            documents=[DocumentInfo(key=d.doc_key, name=d.name, status=d.status, content_type=d.content_type,
                                    size_bytes=d.size_bytes, updated_at=d.updated_at, file_key=d.file_key)
                       for d in docs],
            requested_documents=list(case.requested_documents),
            return_to=case.return_to,
            history=history,
            allowed=[t.value for t in targets(CaseState(case.state), Actor.admin,
                                              CaseState(case.return_to) if case.return_to else None)],
            version=case.version,
        )

    async def document_file(self, tracking: str, doc_key: str) -> tuple[DocumentInfo, bytes]:
        detail = await self.detail(tracking)
        doc = next((d for d in detail.documents if d.key == doc_key and d.file_key), None)
        if doc is None or doc.file_key is None:
            raise CaseNotFound(f"{tracking}/{doc_key}")
        return doc, await self.services.files.read(doc.file_key)

    # --- moving --------------------------------------------------------------------------
    async def transition(self, tracking: str, to: str, *, actor: Actor, officer: Officer | None = None,
                         note: str | None = None, documents: Sequence[str] = (),
                         fee_baht: Decimal | None = None, expected_version: int | None = None) -> CaseDetail:
        """Move the case (Refusal, CaseNotFound or CaseConflict when not), notify the citizen, return it."""
        async with self.services.db.session() as session:
            await self._move(session, tracking, to, actor=actor, officer=officer, note=note,
                             documents=documents, fee_baht=fee_baht, expected_version=expected_version)
        self.services.outbox_bell.ring()
        return await self.detail(tracking)

    async def _move(self, session: AsyncSession, tracking: str, to: str, *, actor: Actor,
                    officer: Officer | None, note: str | None, documents: Sequence[str],
                    fee_baht: Decimal | None, expected_version: int | None = None, notify: bool = True,
                    paid_at: datetime | None = None, actor_name: str | None = None) -> tuple[_Loaded, Move]:
        loaded = await self._load(session, tracking, lock=True)
        case, app = loaded.case, loaded.app
        if expected_version is not None and expected_version != case.version:
            raise CaseConflict(f"case {case.tracking_no} is at version {case.version}, not {expected_version}")
        service = self.snapshot.services.get(case.service_id)
        fee = satang(fee_baht) if fee_baht is not None else None
        move = decide(case.state, to, actor, return_to=case.return_to, documents=list(documents),
                      fee_satang=fee, fixed_fee_satang=fixed_fee_satang(service))
        if move.target is S.documents_sent and not all(_link_of(d) for d in move.documents):
            raise Refusal(RefusalCode.documents_required,
                          "documents_sent needs a link (https://…) in every document")
        now = self.now()
        values: dict[str, Any] = {"state": move.target.value, "return_to": move.return_to.value
                                  if move.return_to else None, "version": case.version + 1,
                                  "state_changed_at": now, "updated_at": now, "idle_reminded_at": None}
        if move.target in {S.fix_uploads, S.more_documents}:
            values["requested_documents"] = list(move.documents)
        elif move.source in {S.fix_uploads, S.more_documents}:
            values["requested_documents"] = []
        if move.target is S.fee_due:
            bills = (await session.exec(select(func.count()).select_from(CaseTransition).where(
                CaseTransition.case_id == case.id, CaseTransition.to_state == S.fee_due.value))).one()
            values.update(fee_satang=move.fee_satang,
                          fee_due=billing.due_date(self.today(), service.payment_days if service else None),
                          bill_ref2=billing.ref2_for(case.tracking_no, int(bills) + 1), fee_reminded_at=None,
                          paid_at=None)
        if move.target is S.paid:
            values["paid_at"] = paid_at or now
        result = await session.exec(
            update(Case).where(col(Case.id) == case.id, col(Case.version) == case.version).values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise CaseConflict(f"case {case.tracking_no} changed meanwhile")
        for key, value in values.items():
            setattr(case, key, value)
        if actor in {Actor.officer, Actor.admin} and officer is not None:
            kind, name = "officer", officer.username
        else:
            kind, name = actor.value, actor_name or actor.value
        if move.target is S.paid and kind == "officer":  # paid at the counter: the payment is on record too
            session.add(Payment(payment_ref=f"counter-{case.tracking_no}-{case.version}", case_id=case.id,
                                ref1=billing.ref1_for(case.tracking_no), amount_satang=case.fee_satang or 0,
                                channel="counter", status="accepted", officer_id=officer.id if officer else None,
                                paid_at=now, received_at=now))
        session.add(CaseTransition(
            case_id=case.id or 0, from_state=move.source.value, to_state=move.target.value, actor_kind=kind,
            actor=name, officer_id=officer.id if officer else None, note=(note or "").strip() or None,
            documents=list(move.documents), fee_satang=move.fee_satang, at=now,
        ))
        if notify:
            notice = self.notice(case, app, note=(note or "").strip() or None, documents=move.documents)
            enqueue(session, case.line_user_id, render_all(case_card(self.snapshot, notice)),
                    purpose=TRANSITION_PURPOSE, now=now, case_id=case.id)
        log.info("case %s: %s -> %s by %s", case.tracking_no, move.source, move.target, name)
        return loaded, move

    def notice(self, case: Case, app: Application, *, note: str | None = None,
               documents: Sequence[str] = ()) -> CaseNotice:
        state = CaseState(case.state)
        settings = self.services.settings
        notice = CaseNotice(tracking=case.tracking_no, service_name=self.service_name(case, app), state=state,
                            note=note, documents=tuple(documents) or tuple(case.requested_documents),
                            fee_satang=case.fee_satang, due=case.fee_due, paid_at=case.paid_at)
        if state is S.fee_due and case.fee_due is not None:
            until = self._end_of_day(case.fee_due + timedelta(days=settings.payment_link_days))
            pay_url = self.links.pay(case.tracking_no, until)
            return _replace(notice, pay_url=pay_url, bill_url=f"{pay_url}/print", qr_url=f"{pay_url}/qr.png")
        if state is S.completed:
            expires = self.today() + timedelta(days=settings.licence_link_days)
            return _replace(notice, licence_url=self.links.licence(case.tracking_no, self._end_of_day(expires)),
                            licence_expires=expires)
        return notice

    def notice_of(self, detail: CaseDetail) -> CaseNotice:
        """The card content (with fresh signed links) of a case as it stands, e.g. for the status dialog."""
        summary = detail.summary
        case = Case(application_id=0, tracking_no=summary.tracking, line_user_id=detail.line_user_id,
                    service_id=summary.service_id, state=summary.state, fee_satang=satang(summary.fee_baht)
                    if summary.fee_baht is not None else None, fee_due=summary.fee_due,
                    requested_documents=detail.requested_documents, state_changed_at=summary.state_changed_at,
                    created_at=summary.submitted_at, updated_at=summary.state_changed_at)
        app = Application(line_user_id=detail.line_user_id, service_id=summary.service_id,
                          service_title=summary.service_title, created_at=summary.submitted_at,
                          updated_at=summary.state_changed_at)
        return self.notice(case, app)

    # --- the citizen's side --------------------------------------------------------------
    async def cases_of(self, line_user_id: str, limit: int = 5) -> list[CaseDetail]:
        """The citizen's own cases, newest first, with their history."""
        async with self.services.db.session() as session:
            rows = (await session.exec(select(Case.tracking_no).where(Case.line_user_id == line_user_id)
                                       .order_by(col(Case.created_at).desc(), col(Case.id).desc())
                                       .limit(limit))).all()
        return [await self.detail(t) for t in rows]

    async def for_citizen(self, tracking: str, line_user_id: str) -> CaseDetail | None:
        """The case only if it is this citizen's: anybody else learns nothing, not even that it exists."""
        try:
            detail = await self.detail(tracking)
        except CaseNotFound:
            return None
        return detail if detail.line_user_id == line_user_id else None

    async def citizen_move(self, tracking: str, line_user_id: str, to: str) -> CaseDetail:
        """A move the citizen makes in the chat (cancel; back to the officer). Answered in the turn, not pushed."""
        if await self.for_citizen(tracking, line_user_id) is None:
            raise CaseNotFound(tracking)
        async with self.services.db.session() as session:
            await self._move(session, tracking, to, actor=Actor.citizen, officer=None, note=None, documents=(),
                             fee_baht=None, notify=False, actor_name="citizen")
        return await self.detail(tracking)

    async def outstanding_documents(self, tracking: str, line_user_id: str) -> list[str]:
        """Requested documents not yet re-sent since the request (fix_uploads / more_documents)."""
        detail = await self.for_citizen(tracking, line_user_id)
        if detail is None or detail.summary.state not in {S.fix_uploads, S.more_documents}:
            return []
        return list(detail.requested_documents)  # attach_document strikes each one off as it arrives

    @staticmethod
    def asked_documents(detail: CaseDetail) -> list[str]:
        """Everything the last request named (the history keeps it; requested_documents shrinks)."""
        asks = [h for h in detail.history if h.to_state in {S.fix_uploads, S.more_documents}]
        return asks[-1].documents if asks else []

    async def attach_document(self, tracking: str, line_user_id: str, name: str, data: bytes, content_type: str,
                              extension: str) -> list[str]:
        """Store one requested document from the chat; returns what is still outstanding."""
        from integrations.storage.models.applications import DocumentStatus
        from integrations.storage.repos_applications import ApplicationRepo, document_key

        detail = await self.for_citizen(tracking, line_user_id)
        if detail is None or name not in detail.requested_documents:
            raise CaseNotFound(tracking)
        async with self.services.db.session() as session:
            app_id = (await self._load(session, tracking)).app.id or 0
        repo = ApplicationRepo(self.services.db, pii_cipher(self.services.settings), self.services.clock)
        stamp = self.now().strftime("%Y%m%d%H%M%S")
        file_key = await self.services.files.save(f"applications-{app_id}", f"{document_key(name)}-{stamp}{extension}",
                                                  data, content_type)
        await repo.set_document(app_id, name, DocumentStatus.received, file_key=file_key, content_type=content_type,
                                size_bytes=len(data))
        async with self.services.db.session() as session:
            case = (await self._load(session, tracking, lock=True)).case
            await session.exec(update(Case).where(col(Case.id) == case.id).values(
                requested_documents=[d for d in case.requested_documents if d != name], updated_at=self.now(),
            ).execution_options(synchronize_session=False))
        # the replaced file stays: the case history may refer to what the officer saw before the fix
        return await self.outstanding_documents(tracking, line_user_id)

    # --- money (bot/office/payments.py) and reminders (bot/office/reminders.py) ---------------
    async def bill_for(self, tracking: str) -> billing.Bill | None:
        """core.billing.BillLookup: the case's current bill (the payment pages, the API)."""
        from bot.office.payments import bill_for

        return await bill_for(self, tracking)

    async def licence_for(self, tracking: str) -> bytes | None:
        """core.billing.BillLookup: the licence PDF of a completed case (bot/office/licences.py)."""
        from bot.office.licences import licence_pdf

        return await licence_pdf(self, tracking)

    def qr_payload(self, bill: billing.Bill) -> str | None:
        from bot.office.payments import qr_payload

        return qr_payload(bill)

    async def record_payment(self, *, payment_ref: str, ref1: str, amount_baht: Decimal, paid_at: datetime,
                             channel: str = "bank", officer: Officer | None = None) -> PaymentOutcome:
        """A payment confirmation: idempotent by payment_ref; a wrong amount is flagged, not accepted."""
        from bot.office.payments import record_payment

        return await record_payment(self, payment_ref=payment_ref, ref1=ref1, amount_baht=amount_baht,
                                    paid_at=paid_at, channel=channel, officer=officer)

    async def send_reminders(self) -> int:
        """A fee due in FEE_REMINDER_DAYS; an idle fix/documents request: one reminder each."""
        from bot.office.reminders import send_reminders

        return await send_reminders(self)


def _link_of(document: str) -> str | None:
    return next((part for part in document.split() if part.startswith(("https://", "http://"))), None)


def _replace(notice: CaseNotice, **changes: Any) -> CaseNotice:
    from dataclasses import replace

    return replace(notice, **changes)
