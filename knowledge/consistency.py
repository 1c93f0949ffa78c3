"""Checks across files that staff must settle, and the office overlay that decides meanwhile.

- A service whose `legal_basis` names a law that laws.yaml marks repealed is an error: the bot
  would tell citizens to follow a law that no longer applies (the old text belongs in history/).
- Where the manuals disagree with the office card (a service's hours at the office say "มีพักเที่ยง"
  while the office card says "ไม่มีพักเที่ยง"; an office in Bangkok listed as a channel of a local
  service), `knowledge check` warns, and citizens see the office card's version
  (`citizen_channels`) until staff settle it.
- A YAML syntax error hides a file, which makes other files look wrong (a message "missing", a
  service "unknown"): those knock-on errors are dropped while a syntax error stands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.errors import KnowledgeError, SourceFile
from knowledge.legal import Law
from knowledge.schema import Channel, Office, Service
from knowledge.snapshot import KnowledgeSnapshot

ROOT_CAUSE_CODES = frozenset({"yaml_syntax", "duplicate_key", "encoding", "not_mapping"})
# errors that a file hidden by a syntax error causes elsewhere
KNOCK_ON_CODES = frozenset({"missing_message", "unknown_service", "unknown_message"})
_LUNCH_BREAK = re.compile(r"\((ไม่)?มีพักเที่ยง\)")
_BANGKOK = ("กรุงเทพ", "กทม")


def _law_key(text: str) -> str:
    text = text.replace("พ.ร.บ.", "พระราชบัญญัติ")
    return re.sub(r"\s+", "", text)


def check_repealed(services: Iterable[tuple[Service, SourceFile]], laws: Sequence[Law]) -> list[KnowledgeError]:
    repealed = {_law_key(law.name): law for law in laws if law.status == "repealed"}
    errors: list[KnowledgeError] = []
    for service, sf in services:
        for i, basis in enumerate(service.legal_basis):
            key = _law_key(basis)
            law = next((law for name, law in repealed.items() if name in key), None)
            if law is None:
                continue
            instead = f" ใช้ {law.replaced_by} แทน" if law.replaced_by else ""
            errors.append(
                sf.error(
                    ("legal_basis", i),
                    f"บริการนี้อ้าง {law.name} ซึ่งถูกยกเลิกแล้ว{instead} "
                    "(ย้ายข้อความเดิมไปไว้ใน history/ แล้วเขียนบริการตามกฎหมายปัจจุบัน)",
                    f"legal basis '{law.name}' is marked repealed in laws.yaml",
                    code="repealed_law",
                )
            )
    return errors


def resolve_root_causes(errors: list[KnowledgeError]) -> list[KnowledgeError]:
    """Syntax errors first; while one stands, the errors it causes elsewhere are left out."""
    roots = [e for e in errors if e.code in ROOT_CAUSE_CODES]
    if not roots:
        return errors
    rest = [e for e in errors if e.code not in ROOT_CAUSE_CODES and e.code not in KNOCK_ON_CODES]
    return roots + rest


# --- the office overlay ------------------------------------------------------------------------


def at_the_office(office: Office, channel: Channel) -> bool:
    return office.name in channel.place or office.short_name in channel.place


def outside_the_area(office: Office, channel: Channel) -> bool:
    """A channel in Bangkok for an office elsewhere: a page copied from a Bangkok manual."""
    if any(word in office.province for word in _BANGKOK):
        return False
    return not at_the_office(office, channel) and any(word in channel.place for word in _BANGKOK)


def citizen_channels(office: Office, service: Service) -> list[Channel]:
    """The channels citizens are shown: hours at the office come from the office card, and a
    channel outside the office's area is left out (unless it is the only one)."""
    shown: list[Channel] = []
    for channel in service.channels:
        if outside_the_area(office, channel):
            continue
        if at_the_office(office, channel) and channel.hours and _conflicts(office, channel.hours):
            channel = channel.model_copy(update={"hours": office.hours.text})
        shown.append(channel)
    return shown or list(service.channels)


def _conflicts(office: Office, hours: str) -> bool:
    """The service page and the office card disagree about the lunch break."""
    says = _LUNCH_BREAK.search(hours)
    card = _LUNCH_BREAK.search(office.hours.text)
    return bool(says and card and bool(says.group(1)) != bool(card.group(1)))


def _other_times(office: Office, hours: str) -> bool:
    """Different opening times: may be a shorter intake for this service, so only a warning."""
    times = [t.replace(".", ":").zfill(5) for t in re.findall(r"\d{1,2}[:.]\d{2}", hours)]
    return len(times) >= 2 and (times[0], times[-1]) != (office.hours.open, office.hours.close)


@dataclass(frozen=True, slots=True)
class KnowledgeWarning:
    service_id: str
    th: str
    en: str

    def __str__(self) -> str:
        return f"คำเตือน / warning: services/{self.service_id}.yaml: {self.th} / {self.en}"


def warnings(snapshot: KnowledgeSnapshot) -> list[KnowledgeWarning]:
    """Contradictions staff should settle; the bot already shows the office card's version."""
    office = snapshot.office
    found: list[KnowledgeWarning] = []
    for service in snapshot.services.values():
        for channel in service.channels:
            if outside_the_area(office, channel):
                found.append(KnowledgeWarning(
                    service.id,
                    f"ช่องทาง '{channel.place}' อยู่กรุงเทพฯ แต่สำนักงานอยู่ จ.{office.province} "
                    "บอตไม่แสดงช่องทางนี้ โปรดตรวจสอบกับคู่มือ",
                    f"channel '{channel.place}' is in Bangkok, the office is not; hidden from citizens",
                ))
            elif at_the_office(office, channel) and channel.hours and _conflicts(office, channel.hours):
                found.append(KnowledgeWarning(
                    service.id,
                    f"เวลาทำการ '{channel.hours}' ไม่ตรงกับ office.yaml '{office.hours.text}' "
                    "บอตแสดงเวลาตาม office.yaml",
                    "service hours at the office disagree with office.yaml; citizens see office.yaml",
                ))
            elif at_the_office(office, channel) and channel.hours and _other_times(office, channel.hours):
                found.append(KnowledgeWarning(
                    service.id,
                    f"เวลาทำการ '{channel.hours}' ต่างจาก office.yaml '{office.hours.text}' "
                    "ถ้าเป็นเวลารับเรื่องของบริการนี้จริง ไม่ต้องแก้",
                    "service hours differ from office.yaml (a shorter intake?); shown as written",
                ))
    return found
