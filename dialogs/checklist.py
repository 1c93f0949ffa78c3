"""The document checklist for THIS citizen: ask the service's yes/no conditions not answered
yet, send the documents `Service.documents_for(answers)` keeps, then let the citizen tick
off what they have and ask later what is still missing.

Steps: choose_service (no service known yet) -> ask (one condition per turn) -> tracking
(the list was sent; ticks and "ยังขาดอะไร" work from here). Condition answers live in
`session.answers` (shared with the application flow and across services); "ไม่แน่ใจ" and
"ข้าม" keep the documents with a note. Ticks are indexes into `service.documents`, kept
per service in this dialog's data, so changing an answer ("ตอบใหม่") never mixes them up.

Postbacks: a=documents&s=<id>, a=cl_ans&s=&c=<condition>&v=y|n|u, a=cl_skip&s=, a=cl_redo&s=,
a=have&s=&d=<index>|all, a=missing&s=.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import MAX_TEXT_CHARS, Choice, Reply, Text, pick
from core.words import NO_WORDS, UNSURE_WORDS, YES_WORDS
from dialogs.answers import plain
from dialogs.base import Dialog, Form, Slot, Transition
from dialogs.cards import understood, which_service
from knowledge.schema import Condition, Document, Service

NAME = "checklist"
MAX_TICK_CHOICES = 10  # + 3 fixed quick replies = LINE's 13
MAX_NAME_IN_REPLY = 70
ANSWERS = {"y": True, "n": False, "u": None}
SKIP_WORDS = frozenset({"ข้าม", "ข้ามไปดูรายการเลย", "ดูรายการเลย", "ข้ามทั้งหมด"})
REDO_WORDS = frozenset({"ตอบใหม่", "แก้คำตอบ", "เปลี่ยนคำตอบ", "ตอบคำถามใหม่"})
HAVE_ALL_WORDS = frozenset({"มีครบแล้ว", "ครบแล้ว", "มีครบ", "เตรียมครบแล้ว", "ครบทุกอย่างแล้ว"})
MISSING_MARKS = ("ยังขาดอะไร", "ขาดอะไรบ้าง", "ขาดเอกสารอะไร", "ยังขาดเอกสาร", "ยังขาดอยู่")
TICK = re.compile(r"^(?:มี|ได้)?(?:เอกสาร)?(?:ข้อ|ที่)?(\d{1,2})(?:มีแล้ว|แล้ว|ได้แล้ว)?$")


class Step(StrEnum):
    choose_service = "choose_service"
    ask = "ask"
    tracking = "tracking"


class Data(BaseModel):
    service_id: str | None = None
    condition_id: str | None = None  # the question waiting for an answer
    asked: int = 0  # questions answered in this round
    total: int = 0  # questions in this round


def carried(ctx: TurnContext) -> Data:
    """This dialog's data from earlier turns (ticks and "ไม่แน่ใจ" answers live in the session)."""
    return Data.model_validate(ctx.session.data) if ctx.session.dialog == NAME else Data()


# --- the list -------------------------------------------------------------------------------------


def personal(ctx: TurnContext, service: Service) -> list[tuple[int, Document]]:
    """(index in service.documents, document) of the documents this citizen needs, in order."""
    kept = {id(d) for d in service.documents_for(ctx.session.answers)}
    return [(i, d) for i, d in enumerate(service.documents) if id(d) in kept]


def _case(ctx: TurnContext, condition: Condition, doc: Document) -> str:
    if doc.required_when:
        return condition.label
    return condition.label_no or ctx.msg("checklist.case_not", label=condition.label)


def doc_block(ctx: TurnContext, data: Data, service: Service, number: int, index: int, doc: Document) -> str:
    mark = ctx.msg("checklist.have_mark") if index in ctx.session.have.get(service.id, []) else ""
    lines = [ctx.msg("checklist.doc", n=number, name=doc.name, mark=mark)]
    amounts = []
    if doc.originals:
        amounts.append(ctx.msg("checklist.originals", n=doc.originals, unit=doc.unit))
    if doc.copies:
        amounts.append(ctx.msg("checklist.copies", n=doc.copies, unit=doc.unit))
    if amounts:
        lines.append(ctx.msg("checklist.amounts", amounts=", ".join(amounts)))
    if doc.issuer:
        lines.append(ctx.msg("checklist.issuer", issuer=doc.issuer))
    if doc.remark:
        lines.append(ctx.msg("checklist.remark", remark=doc.remark))
    if doc.condition is not None and doc.condition in ctx.session.unsure.get(service.id, []):
        lines.append(ctx.msg("checklist.unsure_note", case=_case(ctx, service.condition(doc.condition), doc)))
    return "\n".join(lines)


def pack(blocks: list[str], limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Blocks joined by blank lines into as few texts as LINE allows; a block is never cut."""
    texts: list[str] = []
    for block in blocks:
        if texts and len(texts[-1]) + 2 + len(block) <= limit:
            texts[-1] = f"{texts[-1]}\n\n{block}"
        else:
            texts.append(block)
    return texts


def tick_choices(ctx: TurnContext, data: Data, service: Service) -> list[Choice]:
    have = set(ctx.session.have.get(service.id, []))
    choices = [pick(ctx.msg("checklist.button.missing"), postback("missing", s=service.id)),
               pick(ctx.msg("checklist.button.have_all"), postback("have", s=service.id, d="all"))]
    todo = [(n, i) for n, (i, _) in enumerate(personal(ctx, service), start=1) if i not in have]
    choices += [pick(ctx.msg("checklist.button.have", n=n), postback("have", s=service.id, d=str(i)))
                for n, i in todo[:MAX_TICK_CHOICES]]
    if service.conditions:
        choices.append(pick(ctx.msg("checklist.button.redo"), postback("cl_redo", s=service.id)))
    return choices


def with_choices(texts: list[str], choices: list[Choice]) -> list[Reply]:
    replies = [Text(text=t) for t in texts]
    replies[-1].choices = choices
    return list[Reply](replies)  # a list of any reply: callers may add cards


def show_list(ctx: TurnContext, data: Data, service: Service) -> Transition:
    docs = personal(ctx, service)
    header = [ctx.msg("checklist.header", service=service.short_name, count=len(docs))]
    if any(c.id in ctx.session.answers for c in service.conditions):
        header.append(ctx.msg("checklist.header_personal"))
    blocks = ["\n".join(header)]
    groups = {d.group for _, d in docs}
    for group in ("identity", "other"):
        numbered = [(n, i, d) for n, (i, d) in enumerate(docs, start=1) if d.group == group]
        if numbered and len(groups) > 1:
            blocks.append(ctx.msg(f"checklist.group.{group}"))
        blocks += [doc_block(ctx, data, service, n, i, d) for n, i, d in numbered]
    blocks.append(ctx.msg("checklist.footer"))
    data.condition_id = None
    return Transition(with_choices(pack(blocks), tick_choices(ctx, data, service)), next=Step.tracking, data=data)


def show_missing(ctx: TurnContext, data: Data, service: Service) -> Transition:
    have = set(ctx.session.have.get(service.id, []))
    docs = personal(ctx, service)
    todo = [(n, i, d) for n, (i, d) in enumerate(docs, start=1) if i not in have]
    if not todo:
        return all_done(ctx, data, service)
    head = ctx.msg("checklist.missing_head", service=service.short_name, n=len(todo), done=len(docs) - len(todo))
    blocks = [head, *[doc_block(ctx, data, service, n, i, d) for n, i, d in todo]]
    return Transition(with_choices(pack(blocks), tick_choices(ctx, data, service)), next=Step.tracking, data=data)


def all_done(ctx: TurnContext, data: Data, service: Service) -> Transition:
    choices = [pick(ctx.msg("cards.next.apply"), postback("apply", s=service.id)),
               pick(ctx.msg("cards.next.office"), postback("office_hours")),
               pick(ctx.msg("checklist.button.show"), postback("documents", s=service.id)),
               pick(ctx.msg("cards.next.menu"), postback("menu"))]
    text = ctx.msg("checklist.all_done", service=service.short_name)
    return Transition([Text(text=text, choices=choices)], next=Step.tracking, data=data)


def tick(ctx: TurnContext, data: Data, service: Service, index: int | None) -> Transition:
    """`index` into service.documents, or None for "I have them all"."""
    docs = personal(ctx, service)
    have = set(ctx.session.have.get(service.id, []))
    if index is None:
        have |= {i for i, _ in docs}
    elif index in {i for i, _ in docs}:
        have.add(index)
    ctx.session.have[service.id] = sorted(have)
    done = sum(1 for i, _ in docs if i in have)
    if done == len(docs):
        return all_done(ctx, data, service)
    if index is None or index not in have:
        return show_missing(ctx, data, service)
    number = next(n for n, (i, _) in enumerate(docs, start=1) if i == index)
    name = service.documents[index].name
    short = name if len(name) <= MAX_NAME_IN_REPLY else name[: MAX_NAME_IN_REPLY - 1] + "…"
    text = ctx.msg("checklist.ticked", n=number, name=short, done=done, total=len(docs))
    return Transition([Text(text=text, choices=tick_choices(ctx, data, service))], next=Step.tracking, data=data)


# --- the questions --------------------------------------------------------------------------------


def conditions_form(service: Service) -> Form[set[str]]:
    """The service's yes/no conditions as a form; a slot is filled once answered or marked "ไม่แน่ใจ"."""
    return Form(tuple(Slot(c.id, _settled(c.id), attribute=c.id) for c in service.conditions))


def _settled(condition_id: str) -> Callable[[set[str]], bool]:
    return lambda settled: condition_id in settled


def pending(ctx: TurnContext, data: Data, service: Service) -> list[Condition]:
    settled = set(ctx.session.answers) | set(ctx.session.unsure.get(service.id, []))
    conditions = {c.id: c for c in service.conditions}
    return [conditions[slot.step] for slot in conditions_form(service).missing(settled)]


def ask(ctx: TurnContext, data: Data, service: Service, condition: Condition, *, again: bool = False) -> Transition:
    data.condition_id = condition.id
    lines = []
    if again:
        lines.append(ctx.msg("checklist.reask"))
    elif data.asked == 0:
        lines.append(ctx.msg("checklist.intro", service=service.short_name, n=data.total))
    lines.append(ctx.msg("checklist.question", i=data.asked + 1, n=data.total, question=condition.question))

    def answer(key: str, value: str) -> Choice:
        return pick(ctx.msg(key), postback("cl_ans", s=service.id, c=condition.id, v=value))

    choices = [answer("checklist.button.yes", "y"), answer("checklist.button.no", "n"),
               answer("checklist.button.unsure", "u")]
    if data.total - data.asked > 1:
        choices.append(pick(ctx.msg("checklist.button.skip"), postback("cl_skip", s=service.id)))
    if data.asked == 0 and not again:  # the service may be an old one still in focus
        choices.append(pick(ctx.msg("services.change"), postback("documents", pick="1")))
    return Transition([Text(text="\n".join(lines), choices=choices)], next=Step.ask, data=data)


def next_question(ctx: TurnContext, data: Data, service: Service) -> Transition:
    left = pending(ctx, data, service)
    return ask(ctx, data, service, left[0]) if left else show_list(ctx, data, service)


def begin(ctx: TurnContext, data: Data, service: Service, *, redo: bool = False) -> Transition:
    understood(ctx, service)
    data.service_id = service.id
    ctx.session.unsure[service.id] = []  # "ไม่แน่ใจ" last time: ask again, the citizen may know now
    if redo:
        for condition in service.conditions:
            ctx.session.answers.pop(condition.id, None)
    data.asked, data.total = 0, len(pending(ctx, data, service))
    return next_question(ctx, data, service)


def record(ctx: TurnContext, data: Data, service: Service, condition_id: str, value: bool | None) -> Transition:
    if condition_id not in {c.id for c in service.conditions}:
        return next_question(ctx, data, service)
    unsure = [c for c in ctx.session.unsure.get(service.id, []) if c != condition_id]
    if value is None:
        unsure.append(condition_id)
    else:
        ctx.session.answers[condition_id] = value
    ctx.session.unsure[service.id] = unsure
    data.asked += 1
    return next_question(ctx, data, service)


def skip_rest(ctx: TurnContext, data: Data, service: Service) -> Transition:
    skipped = [c.id for c in pending(ctx, data, service)]
    ctx.session.unsure[service.id] = [*ctx.session.unsure.get(service.id, []), *skipped]
    return show_list(ctx, data, service)


# --- turns ----------------------------------------------------------------------------------------


def asks_missing(text: str) -> bool:
    typed = plain(text)
    return any(mark in typed for mark in MISSING_MARKS)


def wants_checklist_words(ctx: TurnContext) -> bool:
    if ctx.postback is not None or not ctx.text:
        return False
    typed = plain(ctx.text)
    return typed in HAVE_ALL_WORDS or typed in REDO_WORDS or asks_missing(ctx.text)


def on_postback(ctx: TurnContext, data: Data) -> Transition:
    pb = ctx.postback
    assert pb is not None
    service_id = None if pb.get("pick") else ctx.service_id
    if service_id is None:
        understood(ctx)
        return Transition(which_service(ctx, "documents", "checklist.which"), next=Step.choose_service, data=data)
    service = ctx.knowledge.service(service_id)
    understood(ctx, service)
    data.service_id = service.id
    if pb.action == "cl_ans":
        return record(ctx, data, service, pb.get("c") or "", ANSWERS.get(pb.get("v") or "u"))
    if pb.action == "cl_skip":
        return skip_rest(ctx, data, service)
    if pb.action == "have":
        d = pb.get("d") or ""
        return tick(ctx, data, service, None if d == "all" else int(d) if d.isdigit() else -1)
    if pb.action == "missing":
        return show_missing(ctx, data, service)
    return begin(ctx, data, service, redo=pb.action == "cl_redo")


def on_words(ctx: TurnContext, data: Data, service: Service) -> Transition | None:
    """Words of the tracking step, also understood as an entry while a service is in focus."""
    typed = plain(ctx.text)
    if typed in HAVE_ALL_WORDS:
        return tick(ctx, data, service, None)
    if typed in REDO_WORDS:
        return begin(ctx, data, service, redo=True)
    if asks_missing(ctx.text):
        return show_missing(ctx, data, service)
    return None


async def start(ctx: TurnContext, fresh: Data) -> Transition:
    data = carried(ctx)
    if ctx.postback is not None:
        return on_postback(ctx, data)
    service_id = ctx.service_id if ctx.intent == "documents" else (data.service_id or ctx.service_id)
    if service_id is None:
        understood(ctx)
        return Transition(which_service(ctx, "documents", "checklist.which"), next=Step.choose_service, data=data)
    service = ctx.knowledge.service(service_id)
    if wants_checklist_words(ctx):
        understood(ctx, service)
        words = on_words(ctx, data, service)
        if words is not None:
            return words
    return begin(ctx, data, service)


async def on_choose_service(ctx: TurnContext, data: Data) -> Transition | None:
    nlu = ctx.nlu
    if nlu is None or nlu.service not in ctx.knowledge.services:
        return None
    if nlu.intent not in {"documents", "service_info", "unknown"}:
        return None
    return begin(ctx, data, ctx.knowledge.service(nlu.service or ""))


async def on_ask(ctx: TurnContext, data: Data) -> Transition | None:
    service = ctx.knowledge.services.get(data.service_id or "")
    if service is None or not ctx.text or data.condition_id is None:
        return None
    typed = plain(ctx.text)
    if typed in REDO_WORDS:
        return begin(ctx, data, service, redo=True)
    if typed in SKIP_WORDS:
        return skip_rest(ctx, data, service)
    for words, value in ((YES_WORDS, True), (NO_WORDS, False), (UNSURE_WORDS, None)):
        if typed in words:
            understood(ctx, service)
            return record(ctx, data, service, data.condition_id, value)
    return None


async def on_tracking(ctx: TurnContext, data: Data) -> Transition | None:
    service = ctx.knowledge.services.get(data.service_id or "")
    if service is None or not ctx.text:
        return None
    found = TICK.match(plain(ctx.text))
    if found:
        docs = personal(ctx, service)
        number = int(found.group(1))
        if 1 <= number <= len(docs):
            understood(ctx, service)
            return tick(ctx, data, service, docs[number - 1][0])
    words = on_words(ctx, data, service)
    if words is not None:
        understood(ctx, service)
    return words


async def fallback(ctx: TurnContext, data: Data) -> Transition | None:
    """Nobody understood the answer to a question: ask it again, with the choices."""
    service = ctx.knowledge.services.get(data.service_id or "")
    if ctx.session.step != Step.ask or service is None or data.condition_id is None or not ctx.text:
        return None
    condition = next((c for c in service.conditions if c.id == data.condition_id), None)
    if condition is None:
        return None
    return ask(ctx, data, service, condition, again=True)


DIALOG: Dialog[Data] = Dialog(
    name=NAME,
    data_type=Data,
    start=start,
    steps={Step.choose_service: on_choose_service, Step.ask: on_ask, Step.tracking: on_tracking},
    intents=frozenset({"documents"}),
    postbacks=frozenset({"documents", "cl_ans", "cl_skip", "cl_redo", "have", "missing"}),
    matcher=wants_checklist_words,
    fallback=fallback,
)
