"""The loaded, validated knowledge: one immutable object swapped whole on reload."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from knowledge.schema import FaqEntry, NluExample, Office, Service


@dataclass(frozen=True, slots=True)
class KnowledgeSnapshot:
    office: Office
    services: MappingProxyType[str, Service]  # in display order (category, then file order)
    messages: MappingProxyType[str, str]  # key "<dialog>.<step>" -> template with {vars}
    faq: tuple[FaqEntry, ...]
    nlu_examples: tuple[NluExample, ...]
    extra: MappingProxyType[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # portal_help, holidays, rich menu... parsed by the loader, keyed by file stem
    source_dirs: tuple[Path, ...] = ()
    version: str = ""  # content hash, changes whenever any file changes

    def service(self, service_id: str) -> Service:
        return self.services[service_id]

    def message(self, key: str, /, **values: object) -> str:
        """Render a citizen-facing message; a missing key or variable raises KeyError."""
        return self.messages[key].format(**values)

    def office_message(self, key: str, /, **values: object) -> str:
        """`message` with the office's name, short name and phone always available as fields."""
        office = self.office
        base = {"office_name": office.name, "office_short_name": office.short_name, "office_phone": office.phone}
        return self.message(key, **{**base, **values})
