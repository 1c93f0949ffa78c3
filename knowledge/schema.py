"""Pydantic schema of the knowledge files staff edit.

Every model forbids unknown keys, so a misspelt field in a YAML file is reported
instead of being silently ignored. See knowledge/FORMAT.md for the staff guide.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
MINUTES_PER_UNIT = {"minute": 1, "hour": 60, "day": 1440}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(StrEnum):
    tax = "tax"
    building = "building"
    health = "health"
    commerce = "commerce"
    welfare = "welfare"


class Duration(Strict):
    value: float = Field(ge=0)
    unit: Literal["minute", "hour", "day"]

    @property
    def minutes(self) -> int:
        return round(self.value * MINUTES_PER_UNIT[self.unit])


class Channel(Strict):
    """Where and when to apply (manual section 11)."""

    place: str
    hours: str | None = None
    remark: str | None = None


class Step(Strict):
    """One row of the manual's steps table (section 13)."""

    kind: str
    description: str
    duration: Duration
    unit: str | None = None
    remark: str | None = None


class Condition(Strict):
    """A yes/no question that decides whether conditional documents are needed."""

    id: str = Field(pattern=ID_PATTERN)
    label: str  # the manual's wording, e.g. "กรณีนิติบุคคล"
    question: str  # asked to the citizen, e.g. "ผู้ยื่นเป็นนิติบุคคลใช่ไหมคะ"
    label_no: str | None = None  # wording of the opposite case, e.g. "กรณีบุคคลธรรมดา"
    # Answered by an earlier form field instead of asked: yes when that field's answer is in `yes_when`.
    from_field: str | None = None
    yes_when: list[str] = []

    def implied(self, form_answers: Mapping[str, Any]) -> bool | None:
        """The answer the form already gave (None: not implied, ask the question)."""
        if self.from_field is None or self.from_field not in form_answers:
            return None
        return form_answers[self.from_field] in self.yes_when


class Document(Strict):
    name: str
    group: Literal["identity", "other"]
    issuer: str | None = None
    originals: int = Field(ge=0)
    copies: int = Field(ge=0)
    unit: str
    condition: str | None = None  # a Condition.id of the same service; None = always required
    required_when: bool = True  # the answer to `condition` that makes this document required
    remark: str | None = None


class Fee(Strict):
    description: str
    amount_baht: float | None = None  # fixed amount; None when the fee follows a rule
    rule: str | None = None  # formula or range in the manual's words
    remark: str | None = None

    @model_validator(mode="after")
    def _amount_or_rule(self) -> Fee:
        if self.amount_baht is None and not self.rule:
            raise ValueError("a fee needs amount_baht or rule / ค่าธรรมเนียมต้องมีจำนวนเงินหรือหลักเกณฑ์")
        return self


class PaymentKind(StrEnum):
    counter = "counter"  # in person at the office
    bank_transfer = "bank_transfer"
    promptpay = "promptpay"  # Thai QR / PromptPay
    online = "online"  # a portal or app
    other = "other"


class PaymentChannel(Strict):
    """One way to pay for a service; `confirmed: false` until staff have checked it with the office."""

    kind: PaymentKind
    name: str  # as shown to citizens, e.g. "ชำระด้วยตนเองที่ {office_name}"
    detail: str | None = None
    confirmed: bool = False


class ComplaintChannel(Strict):
    name: str
    detail: str | None = None


class Deadline(Strict):
    """A yearly date citizens must not miss; drives reminders."""

    id: str = Field(pattern=ID_PATTERN)
    description: str
    month: int = Field(ge=1, le=12)
    day_from: int = Field(default=1, ge=1, le=31)
    day_to: int | None = Field(default=None, ge=1, le=31)  # None = end of month


class FieldType(StrEnum):
    text = "text"
    number = "number"
    choice = "choice"
    date = "date"
    location = "location"
    yes_no = "yes_no"


class FormField(Strict):
    """One question of the in-chat application form."""

    id: str = Field(pattern=ID_PATTERN)
    label: str
    question: str
    type: FieldType
    choices: list[str] = []
    required: bool = True
    unit: str | None = None  # shown after numbers, e.g. "ตารางเมตร"
    help: str | None = None
    # Asked only when every named earlier field's answer is one of the listed values (else skipped).
    ask_if: dict[str, list[str]] = {}

    def applies(self, form_answers: Mapping[str, Any]) -> bool:
        return all(form_answers.get(field) in accepted for field, accepted in self.ask_if.items())

    @model_validator(mode="after")
    def _choices_for_choice(self) -> FormField:
        if self.type is FieldType.choice and len(self.choices) < 2:
            raise ValueError("a choice field needs at least two choices / ช่องแบบตัวเลือกต้องมีอย่างน้อย 2 ตัวเลือก")
        return self


class Service(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str  # official process name
    short_name: str  # what citizens call it
    category: Category
    aliases: list[str] = Field(min_length=1)
    summary: str
    agency: str  # หน่วยงานเจ้าของกระบวนงาน
    service_type: str
    service_category: str  # หมวดหมู่ของงานบริการ
    legal_basis: list[str] = Field(min_length=1)
    legal_duration: Duration | None = None
    manual_reference: str
    channels: list[Channel] = Field(min_length=1)
    criteria: list[str] = []
    eligibility: list[str] = []
    steps: list[Step] = Field(min_length=1)
    total_duration: Duration
    conditions: list[Condition] = []
    documents: list[Document] = Field(min_length=1)
    fees: list[Fee] = []
    fees_note: str | None = None
    fees_free: bool = False  # the service itself costs nothing (say "ไม่มีค่าธรรมเนียม", not "no data")
    payment_channels: list[PaymentChannel] = []
    payment_days: int | None = Field(default=None, ge=1)  # days to pay a fee once billed, where the manual says
    forms: list[str] = []
    complaint_channels: list[ComplaintChannel] = []
    deadlines: list[Deadline] = []
    remarks: list[str] = []
    form_fields: list[FormField] = []

    @field_validator("aliases")
    @classmethod
    def _aliases_non_blank(cls, aliases: list[str]) -> list[str]:
        if any(not a.strip() for a in aliases):
            raise ValueError("empty alias / มีชื่อเรียกที่ว่างเปล่า")
        return aliases

    @model_validator(mode="after")
    def _skip_rules_name_earlier_fields(self) -> Service:
        """ask_if and from_field must name a field asked before (a typo would silently skip or ask)."""
        fields = {f.id: f for f in self.form_fields}
        for index, form_field in enumerate(self.form_fields):
            earlier = {f.id for f in self.form_fields[:index]}
            for ref in form_field.ask_if:
                if ref not in earlier:
                    raise ValueError(f"field '{form_field.id}': ask_if names '{ref}', not an earlier field / "
                                     f"ช่อง '{form_field.id}' อ้างถึง '{ref}' ซึ่งไม่ใช่ช่องก่อนหน้า")
        for cond in self.conditions:
            if cond.from_field is not None and cond.from_field not in fields:
                raise ValueError(f"condition '{cond.id}': from_field '{cond.from_field}' is not a form field / "
                                 f"เงื่อนไข '{cond.id}' อ้างถึงช่อง '{cond.from_field}' ที่ไม่มีในแบบฟอร์ม")
        return self

    @model_validator(mode="after")
    def _documents_use_known_conditions(self) -> Service:
        known = {c.id for c in self.conditions}
        for doc in self.documents:
            if doc.condition is not None and doc.condition not in known:
                raise ValueError(
                    f"document '{doc.name}' uses unknown condition '{doc.condition}' / "
                    f"เอกสาร '{doc.name}' อ้างถึงเงื่อนไข '{doc.condition}' ที่ไม่มีในบริการนี้"
                )
        used = {d.condition for d in self.documents}
        for cond in self.conditions:
            if cond.id not in used:
                raise ValueError(
                    f"condition '{cond.id}' is not used by any document / "
                    f"เงื่อนไข '{cond.id}' ไม่ได้ใช้กับเอกสารใดเลย"
                )
        return self

    @property
    def total_duration_minutes(self) -> int:
        return self.total_duration.minutes

    def condition(self, condition_id: str) -> Condition:
        return next(c for c in self.conditions if c.id == condition_id)

    def documents_for(self, answers: dict[str, bool]) -> list[Document]:
        """Documents required for a citizen whose condition answers are `answers`.

        An unanswered condition keeps its document in the list, so nobody arrives
        at the office missing a paper because a question was skipped.
        """
        return [
            d
            for d in self.documents
            if d.condition is None or answers.get(d.condition, d.required_when) == d.required_when
        ]


class OfficeHours(Strict):
    days: list[int] = [0, 1, 2, 3, 4]  # Monday = 0
    open: str = "08:30"
    close: str = "16:30"
    text: str  # as shown to citizens

    @field_validator("open", "close")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("time must be HH:MM / เวลาต้องเป็นรูปแบบ ชม:นาที เช่น 08:30")
        return value


class OfficePayment(Strict):
    """Fee payment by Thai QR bill (payment area): what the office's bank assigned, and what payers see."""

    biller_id: str  # 13-digit tax ID of the office + 2-digit suffix from the bank
    account_name: str  # the account name the payer's bank app shows
    bank: str | None = None
    placeholder: bool = False  # true until staff confirm biller_id with the bank; `knowledge check` warns

    @field_validator("biller_id")
    @classmethod
    def _biller_id(cls, value: str) -> str:
        if not re.fullmatch(r"[0-9]{15}", value):
            raise ValueError(
                "biller_id must be 15 digits (13-digit tax ID + 2-digit suffix) / "
                "biller_id ต้องเป็นตัวเลข 15 หลัก (เลขประจำตัวผู้เสียภาษี 13 หลัก + รหัสต่อท้าย 2 หลักจากธนาคาร)"
            )
        return value


class Office(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    short_name: str
    kind: Literal["อบต.", "เทศบาล"] | str
    address: str
    district: str
    province: str
    phone: str
    email: str | None = None
    website: str | None = None
    line_oa_name: str
    hours: OfficeHours
    latitude: float | None = None
    longitude: float | None = None
    tracking_prefix: str = Field(pattern=r"^[A-Z]{2,5}$")
    complaint_channels: list[ComplaintChannel] = []
    payment: OfficePayment | None = None  # Thai QR bill payment; None = fees are paid at the counter only


class FaqEntry(Strict):
    id: str = Field(pattern=ID_PATTERN)
    questions: list[str] = Field(min_length=1)  # example phrasings, used by the NLU
    answer: str
    service: str | None = None


class NluExample(Strict):
    text: str
    intent: str
    service: str | None = None


# --- Files around the services (added with the loader) --------------------------------

PLACEHOLDERS: tuple[str, ...] = ("office_name", "office_short_name", "office_phone")


class OfficeConfig(Office):
    """offices/<id>/office.yaml: the office profile plus how it builds on the national layer."""

    extends: str = "../../national"  # the national folder, relative to this office folder
    service_overrides: dict[str, dict[str, Any]] = {}  # service id -> {top-level field: new value}
    disabled_services: list[str] = []  # national services this office does not offer

    def profile(self) -> Office:
        """The plain office profile, without the layering settings."""
        return Office.model_validate(self.model_dump(include=set(Office.model_fields)))


class FaqFile(Strict):
    faq: list[FaqEntry] = []


class NluExampleItem(Strict):
    text: str
    service: str | None = None


class NluFile(Strict):
    """nlu/<intent>.yaml: `intent` plus example sentences (text, or {text, service})."""

    intent: str
    examples: list[str | NluExampleItem] = Field(min_length=1)


class Holiday(Strict):
    date: dt.date
    name: str


class HolidayCalendar(Strict):
    """Official government holidays: the office is closed on these dates."""

    holidays: list[Holiday] = []

    def name_of(self, day: dt.date) -> str | None:
        return next((h.name for h in self.holidays if h.date == day), None)

    def is_holiday(self, day: dt.date) -> bool:
        return self.name_of(day) is not None

    def years(self) -> set[int]:
        return {h.date.year for h in self.holidays}


class PortalHelpTopic(Strict):
    """One how-to of the BizPortal / DGA Connect guide, or one case state and what to do."""

    id: str = Field(pattern=ID_PATTERN)
    title: str
    section: str | None = None  # numbering in the source guide, e.g. "7.1.2"
    url: str | None = None
    summary: str | None = None
    steps: list[str] = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)  # words citizens type, for matching


class PortalHelp(Strict):
    topics: list[PortalHelpTopic] = Field(min_length=1)

    def topic(self, topic_id: str) -> PortalHelpTopic:
        return next(t for t in self.topics if t.id == topic_id)
