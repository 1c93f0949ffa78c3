"""Signboard tax estimate in the chat: width and height → type of sign → moving or not → estimate.

Entry: `a=sign_calc` (offered with the signboard tax fees), or words such as "คำนวณภาษีป้าย".
The rates come from knowledge/national/signboard_rates.yaml (the current ministerial regulation,
cited there); the arithmetic is core/signboard_tax.py. The answer is labelled an estimate and
names the law; the office's assessment is what counts. An answer that does not fit the question
asked (a size that is not two numbers, a type that is not one of the buttons) is asked again in
context, never sent on as a new topic.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Choice, Text, pick
from core.signboard_tax import RateTable, SignboardInputError, estimate
from core.thai_dates import number
from core.words import yes_or_no
from dialogs.answers import plain
from dialogs.base import Dialog, Transition
from dialogs.cards import understood
from dialogs.menu import menu_choices
from knowledge.legal import SignboardRates

NAME = "sign_calc"
SERVICE_ID = "signboard_tax"
TYPES = ("thai", "mixed", "foreign")
LEAVE_CONFIDENCE = 0.9
CALC_WORDS = ("คำนวณภาษีป้าย", "คิดภาษีป้าย", "ภาษีป้ายกี่บาท", "ป้ายขนาด")
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_SIZE = re.compile(_NUMBER + r"\s*(?:ซม\.?|เซนติเมตร|เซน|cm|ม\.|เมตร|m)?\s*(?:x|X|×|\*|คูณ|ยาว|กว้าง|,|\s)\s*"
                   + _NUMBER)
_METRES = re.compile(r"(?<!ซ)(?:เมตร|ม\.|\bm\b)(?!.*(?:ซม|เซน|cm))")


class Step(StrEnum):
    size = "size"
    kind = "kind"
    moving = "moving"


class Data(BaseModel):
    width_cm: float | None = None
    height_cm: float | None = None
    kind: str | None = None


def rates_of(ctx: TurnContext) -> SignboardRates | None:
    rates = ctx.knowledge.extra.get("signboard_rates")
    return rates if isinstance(rates, SignboardRates) else None


def parse_size(text: str) -> tuple[float, float] | None:
    """Width and height in centimetres from "100 x 300", "1 x 3 เมตร", "กว้าง 100 ยาว 300"."""
    match = _SIZE.search(text)
    if match is None:
        return None
    width, height = (float(g.replace(",", ".")) for g in match.groups())
    if _METRES.search(text):
        width, height = width * 100, height * 100
    return width, height


def _ask_size(ctx: TurnContext, first: bool = True) -> Transition:
    return Transition([Text(text=ctx.msg("sign.ask_size" if first else "sign.bad_size"),
                            choices=menu_choices(ctx)[:1])], next=Step.size)


def _ask_kind(ctx: TurnContext, again: bool = False) -> Transition:
    choices = [pick(ctx.msg(f"sign.type.{kind}"), postback(NAME, k=kind)) for kind in TYPES]
    text = ctx.msg("sign.bad_type") if again else ctx.msg("sign.ask_type")
    return Transition([Text(text=text, choices=choices)], next=Step.kind)


def _ask_moving(ctx: TurnContext) -> Transition:
    choices = [pick(ctx.msg("sign.moving_yes"), postback(NAME, m="1")),
               pick(ctx.msg("sign.moving_no"), postback(NAME, m="0"))]
    return Transition([Text(text=ctx.msg("sign.ask_moving"), choices=choices)], next=Step.moving)


def wants(ctx: TurnContext) -> bool:
    """"คำนวณภาษีป้าย", or a signboard tax question that gives the size ("ป้ายขนาด 1 x 2 เมตร กี่บาท")."""
    text = ctx.text or ""
    if ctx.postback is not None or not any(word in text for word in CALC_WORDS):
        return False
    return "คำนวณ" in text or "คิด" in text or parse_size(text) is not None


def _new_topic(ctx: TurnContext) -> bool:
    """A confident, different question: the citizen left the calculator (anything else is re-asked)."""
    nlu = ctx.nlu
    return nlu is not None and nlu.intent not in {"unknown", "fees"} and nlu.confidence >= LEAVE_CONFIDENCE


async def start(ctx: TurnContext, data: Data) -> Transition:
    understood(ctx, ctx.knowledge.services.get(SERVICE_ID))
    size = parse_size(ctx.text or "") if ctx.postback is None else None
    if size is not None:
        data.width_cm, data.height_cm = size
        return _ask_kind(ctx)
    return _ask_size(ctx)


async def on_size(ctx: TurnContext, data: Data) -> Transition | None:
    if ctx.postback is not None:
        return None
    size = parse_size(ctx.text or "")
    if size is None:
        return None if _new_topic(ctx) else _ask_size(ctx, first=False)  # re-asked in context
    data.width_cm, data.height_cm = size
    return _ask_kind(ctx)


def _kind_from_text(text: str) -> str | None:
    words = plain(text)
    labels = {"ไทยล้วน": "thai", "ไทย": "thai", "ปน": "mixed", "ภาพ": "mixed", "อังกฤษ": "foreign",
              "ต่างประเทศ": "foreign", "ไม่มีอักษรไทย": "foreign"}
    for word in ("ไม่มีอักษรไทย", "ปน", "ภาพ", "อังกฤษ", "ต่างประเทศ", "ไทยล้วน", "ไทย"):
        if word in words:
            return labels[word]
    return None


async def on_kind(ctx: TurnContext, data: Data) -> Transition | None:
    kind = ctx.postback.get("k") if ctx.postback is not None and ctx.postback.action == NAME else None
    kind = kind or (_kind_from_text(ctx.text or "") if ctx.postback is None else None)
    if kind not in TYPES:
        return None if ctx.postback is not None or _new_topic(ctx) else _ask_kind(ctx, again=True)
    data.kind = kind
    return _ask_moving(ctx)


async def on_moving(ctx: TurnContext, data: Data) -> Transition | None:
    if ctx.postback is not None and ctx.postback.action == NAME and ctx.postback.get("m") in {"0", "1"}:
        moving: bool | None = ctx.postback.get("m") == "1"
    elif ctx.postback is None:
        moving = yes_or_no(plain(ctx.text or ""))
    else:
        return None
    if moving is None:
        return None if _new_topic(ctx) else _ask_moving(ctx)
    return _result(ctx, data, moving)


def _result(ctx: TurnContext, data: Data, moving: bool) -> Transition:
    rates = rates_of(ctx)
    if rates is None or data.width_cm is None or data.height_cm is None or data.kind is None:
        return _ask_size(ctx)
    table = RateTable({r.id: r.baht_per_unit for r in rates.rates}, rates.unit_cm2, rates.minimum_baht)
    try:
        found = estimate(data.width_cm, data.height_cm, f"{data.kind}_moving" if moving else data.kind, table)
    except SignboardInputError as err:
        key = "sign.too_large" if err.reason == "size_too_large" else "sign.bad_size"
        return Transition([Text(text=ctx.msg(key))], next=Step.size)
    key = "sign.result_minimum" if found.minimum_applied else "sign.result"
    text = "\n".join([
        ctx.msg(key, tax=number(found.tax_baht), minimum=number(table.minimum_baht), width=number(found.width_cm),
                height=number(found.height_cm), units=number(found.units), rate=number(found.rate_baht),
                computed=number(found.computed_baht)),
        ctx.msg("sign.basis", regulation=rates.regulation, act=rates.act),
    ])
    choices: list[Choice] = [pick(ctx.msg("sign.again"), postback(NAME)),
                             pick(ctx.msg("cards.next.documents"), postback("documents", s=SERVICE_ID)),
                             *menu_choices(ctx)[:1]]
    return Transition([Text(text=text, choices=choices)])


def offer(ctx: TurnContext) -> Choice | None:
    """The calculator's button, for answers about the signboard tax's fees."""
    return pick(ctx.msg("sign.offer"), postback(NAME)) if rates_of(ctx) is not None else None


DIALOG: Dialog[Data] = Dialog(
    name=NAME,
    data_type=Data,
    start=start,
    steps={Step.size: on_size, Step.kind: on_kind, Step.moving: on_moving},
    postbacks=frozenset({NAME}),
    matcher=wants,
)
