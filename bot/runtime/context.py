"""Everything a dialog step may look at during one turn, typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.runtime.postback import Postback
from bot.runtime.sessions import Session
from bot.transport.events import EventKind, InboundEvent
from core.ports import ApplicationRecord, Ports, Understanding
from knowledge.snapshot import KnowledgeSnapshot

if TYPE_CHECKING:
    from bot.runtime.services import Services


@dataclass
class TurnNotes:
    """What one step leaves for the next within the same turn, so a record is read once per turn."""

    application: ApplicationRecord | None = None  # the application this conversation is filling in
    draft: ApplicationRecord | None = None  # an unfinished draft found for the service asked about
    dialog: str | None = None  # the dialog that answered: the turn's metrics label (bot/metrics.py)


@dataclass
class TurnContext:
    event: InboundEvent
    session: Session
    knowledge: KnowledgeSnapshot
    services: Services
    now: datetime
    nlu: Understanding | None = None
    postback: Postback | None = None
    notes: TurnNotes = field(default_factory=TurnNotes)

    @property
    def ports(self) -> Ports:
        """Storage, OTP, media… as the small protocols of core/ports.py (built once at start-up)."""
        return self.services.ports

    @property
    def text(self) -> str:
        return (self.event.text or "").strip() if self.event.kind is EventKind.text else ""

    @property
    def intent(self) -> str | None:
        return self.nlu.intent if self.nlu else None

    @property
    def service_id(self) -> str | None:
        """The service this turn is about: said now, in a postback, or still in focus."""
        if self.postback and self.postback.get("s") in self.knowledge.services:
            return self.postback.get("s")
        if self.nlu and self.nlu.service in self.knowledge.services:
            return self.nlu.service
        focus = self.session.focus_service
        return focus if focus in self.knowledge.services else None

    def msg(self, key: str, /, **values: object) -> str:
        """A message from knowledge/…/messages, with office details always available."""
        return self.knowledge.office_message(key, **values)
