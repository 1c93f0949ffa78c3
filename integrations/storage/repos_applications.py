"""Reading and writing applications, citizens, documents and consents.

Every method is one unit of work (its own transaction). Personal data goes in and out in
clear through `Applicant` and is encrypted here; nothing in this module logs it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from core.applications import Applicant, document_key
from integrations.storage.db import Database
from integrations.storage.files import FileStore
from integrations.storage.models.applications import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Citizen,
    Consent,
    DocumentStatus,
    StatusChange,
    TrackingCounter,
    check_transition,
)
from integrations.storage.models.cases import Case, CaseTransition
from integrations.storage.pii import PiiCipher


class ApplicationRepo:
    def __init__(self, db: Database, cipher: PiiCipher, clock: Callable[[], datetime],
                 files: FileStore | None = None) -> None:
        self.db = db
        self.cipher = cipher
        self.clock = clock
        self.files = files  # where the documents' files are, to delete them with a withdrawn draft

    # --- applications ---------------------------------------------------------------------
    async def create_draft(self, line_user_id: str, service_id: str, service_title: str,
                           knowledge_version: str | None) -> Application:
        now = self.clock()
        app = Application(line_user_id=line_user_id, service_id=service_id, service_title=service_title,
                          knowledge_version=knowledge_version, created_at=now, updated_at=now)
        async with self.db.session() as session:
            session.add(app)
            await session.flush()
            assert app.id is not None
            session.add(StatusChange(application_id=app.id, from_status=None, to_status=app.status,
                                     actor="citizen", changed_at=now))
        return app

    async def get(self, application_id: int, line_user_id: str | None = None) -> Application | None:
        async with self.db.session() as session:
            app = await session.get(Application, application_id)
        if app is None or (line_user_id is not None and app.line_user_id != line_user_id):
            return None
        return app

    async def drafts_of(self, line_user_id: str) -> list[Application]:
        async with self.db.session() as session:
            rows = await session.exec(
                select(Application)
                .where(Application.line_user_id == line_user_id, Application.status == ApplicationStatus.draft)
                .order_by(col(Application.updated_at).desc())
            )
            return list(rows.all())

    async def submitted_of(self, line_user_id: str, limit: int = 5) -> list[Application]:
        """The citizen's applications past the draft stage, newest first."""
        async with self.db.session() as session:
            rows = await session.exec(
                select(Application)
                .where(Application.line_user_id == line_user_id, col(Application.tracking_no).is_not(None))
                .order_by(col(Application.submitted_at).desc())
                .limit(limit)
            )
            return list(rows.all())

    async def draft_for(self, line_user_id: str, service_id: str) -> Application | None:
        return next((a for a in await self.drafts_of(line_user_id) if a.service_id == service_id), None)

    async def _update(self, application_id: int, touch: bool = True, **values: Any) -> None:
        if touch:
            values.update(updated_at=self.clock(), reminded_at=None)
        async with self.db.session() as session:
            await session.exec(update(Application).where(col(Application.id) == application_id).values(**values))

    async def save_progress(self, application_id: int, step: str, progress: dict[str, Any]) -> None:
        await self._update(application_id, step=step, progress=progress)

    async def set_form_answer(self, app: Application, field_id: str, value: Any) -> None:
        app.form_answers = {**app.form_answers, field_id: value}
        await self._update(app.id or 0, form_answers=app.form_answers)

    async def set_condition_answers(self, app: Application, answers: dict[str, bool]) -> None:
        app.condition_answers = {**app.condition_answers, **answers}
        await self._update(app.id or 0, condition_answers=app.condition_answers)

    # --- the applicant --------------------------------------------------------------------
    def applicant(self, app: Application) -> Applicant:
        return Applicant(
            full_name=app.applicant_name,
            national_id=self.cipher.decrypt(app.national_id_enc) if app.national_id_enc else None,
            phone=self.cipher.decrypt(app.phone_enc) if app.phone_enc else None,
            address=app.address,
        )

    async def set_applicant(self, app: Application, *, full_name: str | None = None,
                            national_id: str | None = None, phone: str | None = None,
                            address: str | None = None) -> None:
        values: dict[str, Any] = {}
        if full_name is not None:
            values["applicant_name"] = full_name
        if national_id is not None:
            values["national_id_enc"] = self.cipher.encrypt(national_id)
        if phone is not None:
            values.update(phone_enc=self.cipher.encrypt(phone), phone_index=self.cipher.index(phone))
        if address is not None:
            values["address"] = address
        for key, value in values.items():
            setattr(app, key, value)
        await self._update(app.id or 0, **values)

    async def saved_identity(self, line_user_id: str) -> Applicant | None:
        async with self.db.session() as session:
            citizen = (await session.exec(select(Citizen).where(Citizen.line_user_id == line_user_id))).first()
        if citizen is None:
            return None
        return Applicant(full_name=citizen.full_name, national_id=self.cipher.decrypt(citizen.national_id_enc),
                         phone=self.cipher.decrypt(citizen.phone_enc), address=citizen.address)

    async def remember_identity(self, app: Application) -> None:
        """Keep the applicant's identity for this LINE account, to offer it next time."""
        who = self.applicant(app)
        if not (who.full_name and who.national_id and who.phone):
            return
        now = self.clock()
        async with self.db.session() as session:
            citizen = (await session.exec(select(Citizen).where(Citizen.line_user_id == app.line_user_id))).first()
            if citizen is None:
                citizen = Citizen(line_user_id=app.line_user_id, full_name=who.full_name, national_id_enc="",
                                  national_id_index="", phone_enc="", phone_index="", created_at=now,
                                  updated_at=now)
            citizen.full_name = who.full_name
            citizen.national_id_enc = self.cipher.encrypt(who.national_id)
            citizen.national_id_index = self.cipher.index(who.national_id)
            citizen.phone_enc = self.cipher.encrypt(who.phone)
            citizen.phone_index = self.cipher.index(who.phone)
            citizen.address = who.address
            citizen.updated_at = now
            session.add(citizen)
            await session.flush()
            await session.exec(
                update(Application).where(col(Application.id) == app.id).values(citizen_id=citizen.id)
            )

    # --- consent --------------------------------------------------------------------------
    async def record_consent(self, line_user_id: str, service_id: str, notice_version: str, accepted: bool,
                             application_id: int | None = None) -> Consent:
        consent = Consent(line_user_id=line_user_id, service_id=service_id, notice_version=notice_version,
                          accepted=accepted, application_id=application_id, decided_at=self.clock())
        async with self.db.session() as session:
            session.add(consent)
        return consent

    async def consents_of(self, line_user_id: str) -> list[Consent]:
        async with self.db.session() as session:
            rows = await session.exec(select(Consent).where(Consent.line_user_id == line_user_id))
            return list(rows.all())

    # --- documents ------------------------------------------------------------------------
    async def documents(self, application_id: int) -> dict[str, ApplicationDocument]:
        async with self.db.session() as session:
            rows = await session.exec(
                select(ApplicationDocument).where(ApplicationDocument.application_id == application_id)
            )
            return {d.doc_key: d for d in rows.all()}

    async def set_document(self, application_id: int, name: str, status: DocumentStatus, *,
                           file_key: str | None = None, content_type: str | None = None,
                           size_bytes: int | None = None) -> str | None:
        """Record a document; returns the file key it replaces (for the caller to delete), if any."""
        key = document_key(name)
        replaced: str | None = None
        async with self.db.session() as session:
            doc = (await session.exec(select(ApplicationDocument).where(
                ApplicationDocument.application_id == application_id, ApplicationDocument.doc_key == key,
            ))).first()
            if doc is None:
                doc = ApplicationDocument(application_id=application_id, doc_key=key, name=name,
                                          status=status, updated_at=self.clock())
            elif status is DocumentStatus.later and doc.status == DocumentStatus.received:
                return None  # a file already received stays; "later" only marks missing ones
            else:
                replaced = doc.file_key if doc.file_key != file_key else None
            doc.status, doc.file_key = status.value, file_key
            doc.content_type, doc.size_bytes, doc.updated_at = content_type, size_bytes, self.clock()
            session.add(doc)
        await self._update(application_id)
        return replaced

    async def forget_documents(self, application_id: int) -> list[str]:
        """Drop the file references of an application's documents; returns the keys to delete."""
        async with self.db.session() as session:
            rows = (await session.exec(
                select(ApplicationDocument).where(ApplicationDocument.application_id == application_id)
            )).all()
            keys = [d.file_key for d in rows if d.file_key]
            for doc in rows:
                await session.delete(doc)
        return keys

    # --- status ---------------------------------------------------------------------------
    async def _move(self, session: Any, app: Application, target: ApplicationStatus, actor: str,
                    note: str | None, **values: Any) -> None:
        check_transition(app.status, target)
        now = self.clock()
        result = await session.exec(
            update(Application)
            .where(col(Application.id) == app.id, col(Application.status) == app.status)
            .values(status=target.value, **values)
        )
        if result.rowcount != 1:
            raise RuntimeError(f"application {app.id} changed status meanwhile")
        assert app.id is not None  # the update above matched its row
        session.add(StatusChange(application_id=app.id, from_status=app.status, to_status=target.value,
                                 actor=actor, note=note, changed_at=now))
        app.status = target.value
        for key, value in values.items():
            setattr(app, key, value)

    async def transition(self, app: Application, target: ApplicationStatus, *, actor: str,
                         note: str | None = None) -> None:
        values: dict[str, Any] = {"updated_at": self.clock()}
        if target in {ApplicationStatus.withdrawn, ApplicationStatus.expired}:
            values.update(closed_at=self.clock(), **_WIPED)  # data minimisation: drop what was typed
        async with self.db.session() as session:
            await self._move(session, app, target, actor, note, **values)

    async def withdraw(self, app: Application, status: ApplicationStatus, *, actor: str, note: str) -> None:
        """End a draft (deleted by the citizen or expired): typed data and uploaded files are deleted."""
        for key in await self.forget_documents(app.id or 0):
            if self.files is not None:
                await self.files.delete(key)
        await self.transition(app, status, actor=actor, note=note)

    async def submit(self, app: Application, prefix: str, year_be: int) -> str:
        """Give the application its tracking number and mark it submitted, in one transaction."""
        now = self.clock()
        for _ in range(5):
            try:
                async with self.db.session() as session:
                    number = await self._next_number(session, prefix, year_be)
                    tracking = f"{prefix}-{year_be}-{number:06d}"
                    await self._move(session, app, ApplicationStatus.submitted, "citizen", None,
                                     tracking_no=tracking, submitted_at=now, updated_at=now, step=None)
                    await open_case(session, app, tracking, now)  # the office's case starts with the submission
                return tracking
            except IntegrityError:
                continue  # two first submissions of a year created the counter at once: take the next
        raise RuntimeError("could not allocate a tracking number")

    @staticmethod
    async def _next_number(session: Any, prefix: str, year_be: int) -> int:
        result = await session.exec(
            update(TrackingCounter)
            .where(col(TrackingCounter.prefix) == prefix, col(TrackingCounter.year_be) == year_be)
            .values(last=TrackingCounter.last + 1)
            .returning(col(TrackingCounter.last))
        )
        row = result.first()
        if row is not None:
            return int(row[0])
        session.add(TrackingCounter(prefix=prefix, year_be=year_be, last=1))
        await session.flush()  # IntegrityError if another transaction created it first
        return 1

    # --- drafts over time -----------------------------------------------------------------
    async def drafts_older_than(self, cutoff: datetime) -> list[Application]:
        async with self.db.session() as session:
            rows = await session.exec(select(Application).where(
                Application.status == ApplicationStatus.draft, col(Application.updated_at) <= cutoff,
            ).order_by(col(Application.updated_at)))
            return list(rows.all())

    async def mark_reminded(self, app: Application) -> None:
        app.reminded_at = self.clock()
        await self._update(app.id or 0, touch=False, reminded_at=app.reminded_at)

    def expires_at(self, app: Application, ttl_days: int) -> datetime:
        return app.updated_at + timedelta(days=ttl_days)


async def open_case(session: Any, app: Application, tracking: str, now: datetime) -> None:
    """The case of a just-submitted application (state `submitted`, core/cases.py), in the caller's transaction."""
    case = Case(application_id=app.id or 0, tracking_no=tracking, line_user_id=app.line_user_id,
                service_id=app.service_id, state="submitted", state_changed_at=now, created_at=now, updated_at=now)
    session.add(case)
    await session.flush()
    session.add(CaseTransition(case_id=case.id or 0, from_state=None, to_state="submitted", actor_kind="citizen",
                               actor="citizen", at=now))


# what a withdrawn or expired draft keeps: the service, the dates and the status history
_WIPED: dict[str, Any] = {
    "applicant_name": None, "national_id_enc": None, "phone_enc": None, "phone_index": None, "address": None,
    "form_answers": {}, "condition_answers": {}, "progress": {}, "step": None,
}
