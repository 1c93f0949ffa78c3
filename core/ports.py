"""What the dialogs and jobs need from the outside world, as small protocols the domain owns.

`bot/runtime/services.py` builds one implementation of each at start-up (storage, LINE, SMS)
and a turn reaches them as `ctx.ports`; tests may pass fakes. Dialogs import these
protocols, never `integrations/`.

Records handed out by a port (an application, a subscription) are the port's own rows,
read through the attributes below; give them back to the same port to change them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.applications import Applicant, ApplicationStatus, DocumentStatus
from core.complaints import ComplaintView, NewComplaint
from core.media import Media
from core.otp import SendResult, VerifyResult


class PortUnavailable(Exception):
    """The storage or service behind a port failed; nothing was written. Tell the citizen, keep their input."""


# --- what the NLU tells a dialog about a text (bot/nlu) -----------------------------------------


class Understanding(Protocol):
    intent: str
    service: str | None
    confidence: float
    entities: Any
    alternatives: Any


# --- applications -------------------------------------------------------------------------------


class ApplicationRecord(Protocol):
    id: int | None
    line_user_id: str
    service_id: str
    service_title: str
    status: str
    step: str | None  # the chat step to resume at
    progress: dict[str, Any]  # the dialog's position (indexes, edit mode)
    form_answers: dict[str, Any]
    condition_answers: dict[str, Any]
    tracking_no: str | None
    updated_at: datetime
    submitted_at: datetime | None
    reminded_at: datetime | None


class DocumentRecord(Protocol):
    name: str
    status: str
    file_key: str | None


class Applications(Protocol):
    """Applications made in the chat (integrations/storage/repos_applications.py)."""

    async def create_draft(self, line_user_id: str, service_id: str, service_title: str,
                           knowledge_version: str | None) -> ApplicationRecord: ...

    async def get(self, application_id: int, line_user_id: str | None = None) -> ApplicationRecord | None: ...

    async def drafts_of(self, line_user_id: str) -> Sequence[ApplicationRecord]: ...

    async def submitted_of(self, line_user_id: str, limit: int = 5) -> Sequence[ApplicationRecord]: ...

    async def draft_for(self, line_user_id: str, service_id: str) -> ApplicationRecord | None: ...

    async def save_progress(self, application_id: int, step: str, progress: dict[str, Any]) -> None: ...

    async def set_form_answer(self, app: ApplicationRecord, field_id: str, value: Any) -> None: ...

    async def set_condition_answers(self, app: ApplicationRecord, answers: dict[str, bool]) -> None: ...

    def applicant(self, app: ApplicationRecord) -> Applicant: ...

    async def set_applicant(self, app: ApplicationRecord, *, full_name: str | None = None,
                            national_id: str | None = None, phone: str | None = None,
                            address: str | None = None) -> None: ...

    async def saved_identity(self, line_user_id: str) -> Applicant | None: ...

    async def remember_identity(self, app: ApplicationRecord) -> None: ...

    async def record_consent(self, line_user_id: str, service_id: str, notice_version: str, accepted: bool,
                             application_id: int | None = None) -> object: ...

    async def documents(self, application_id: int) -> Mapping[str, DocumentRecord]: ...

    async def set_document(self, application_id: int, name: str, status: DocumentStatus, *,
                           file_key: str | None = None, content_type: str | None = None,
                           size_bytes: int | None = None) -> str | None: ...

    async def submit(self, app: ApplicationRecord, prefix: str, year_be: int) -> str: ...

    async def withdraw(self, app: ApplicationRecord, status: ApplicationStatus, *, actor: str, note: str) -> None:
        """End a draft (deleted or expired): what was typed and the uploaded files are deleted."""
        ...

    async def drafts_older_than(self, cutoff: datetime) -> Sequence[ApplicationRecord]: ...

    async def mark_reminded(self, app: ApplicationRecord) -> None: ...


# --- one-time codes -----------------------------------------------------------------------------


class OneTimeCodes(Protocol):
    """SMS OTP for a submission (integrations/storage/otp.py; rules in core/otp.py)."""

    async def send(self, application_id: int, phone: str, text_for: Callable[[str], str]) -> SendResult: ...

    async def verify(self, application_id: int, typed: str) -> VerifyResult: ...


# --- complaints, reminders, questions we could not answer ---------------------------------------


class Complaints(Protocol):
    async def file(self, complaint: NewComplaint, prefix: str, year_be: int) -> str:
        """Store the complaint and give it its number (`<prefix>-<year>-000123`); returns the number."""
        ...

    async def complaints_of(self, line_user_id: str, limit: int = 5) -> list[ComplaintView]:
        """The newest complaints of this LINE user, never anyone else's (status answers)."""
        ...


class SubscriptionRecord(Protocol):
    id: int | None
    line_user_id: str
    service_id: str
    deadline_id: str
    opted_out: bool


@dataclass(frozen=True)
class Subscribed:
    subscription_id: int
    already: bool  # the citizen had subscribed before (and not opted out)


class Reminders(Protocol):
    """Subscriptions to yearly deadline reminders and the record of what was pushed."""

    async def subscribe(self, chat_id: str, service_id: str, deadline_id: str, now: datetime,
                        sent_now: Callable[[int], Mapping[str, str]], year: int) -> Subscribed:
        """Subscribe (again); `sent_now(subscription_id)` gives the kinds this answer already
        told the citizen (kind -> retry key), recorded as sent for `year`."""
        ...

    async def active(self, chat_id: str) -> Sequence[SubscriptionRecord]: ...

    async def opt_out(self, chat_id: str, subscription_id: int, now: datetime) -> SubscriptionRecord | None: ...

    async def all_active(self) -> Sequence[SubscriptionRecord]: ...

    async def sent_in(self, year: int) -> set[tuple[int, str]]:
        """(subscription id, kind) of every reminder pushed for `year`."""
        ...

    async def record_sent(self, subscription_id: int, year: int, kinds: Sequence[str], key: str,
                          when: datetime) -> None: ...


class UnknownQuestions(Protocol):
    async def record(self, normalized: str, text: str, when: datetime) -> None:
        """Count one more question the bot could not answer (text already masked)."""
        ...


# --- what citizens send -------------------------------------------------------------------------


class MediaInbox(Protocol):
    async def fetch(self, message: object) -> Media:
        """The photo or PDF of an image/file message, checked; raises core.media.MediaRejected."""
        ...

    async def keep(self, folder: str, name: str, media: Media) -> str:
        """Store it; returns the key to find it again."""
        ...

    async def discard(self, key: str) -> None: ...


@dataclass
class Ports:
    """Everything a dialog step may reach outside the conversation, built once at start-up."""

    applications: Applications
    otp: OneTimeCodes
    complaints: Complaints
    reminders: Reminders
    unknown_questions: UnknownQuestions
    media: MediaInbox
