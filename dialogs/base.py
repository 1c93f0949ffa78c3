"""The shape every dialog shares: explicit steps, typed data, a transition per turn.

A dialog module declares `class Step(StrEnum)`, `class Data(BaseModel)` when it keeps
data between turns (else `data_type` is left out and its handlers get a `NoData`), and one
`DIALOG = Dialog(...)` literal. Step handlers are small async functions
`(ctx, data) -> Transition | None`; returning None means "this input is not
for me", which lets the dispatcher try other dialogs' entry points before the
dialog's own fallback re-asks its question.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from bot.runtime.context import TurnContext
from bot.runtime.replies import Reply

D = TypeVar("D", bound=BaseModel)
S = TypeVar("S")  # what a form's slots are filled in (a dialog's data, the session's answers)


class NoData(BaseModel):
    """The data of a dialog that keeps nothing between turns."""


@dataclass
class Transition:
    replies: list[Reply] = field(default_factory=list)
    next: str | None = None  # the dialog's next step; None ends the dialog
    data: BaseModel | None = None  # the new state data (defaults to the data passed in)
    handoff: bool = False  # put the chat in the officers' hands after these replies


END: None = None


# --- forms: ordered questions, each filled once ------------------------------------------------


@dataclass(frozen=True)
class Slot(Generic[S]):
    """One question of a form: the step that asks it, the value it fills, how to read and show it."""

    step: str  # the dialog step that asks this slot
    filled: Callable[[S], bool]  # the answer is in already
    question_key: str | None = None  # the message asking it, when one message does
    parse: Callable[[str], Any] | None = None  # typed text -> bot.validators.Parsed (value or error key)
    attribute: str = ""  # where the value goes (a data field, a record attribute)
    shown: Callable[[Any], str] = str  # how the value is shown back to the citizen
    ack_key: str | None = None  # acknowledgement repeating the value, when there is one


@dataclass(frozen=True)
class Form(Generic[S]):
    """Ordered slots: the next question is the first slot not filled yet (Rasa-style forms)."""

    slots: tuple[Slot[S], ...]

    def __getitem__(self, step: str) -> Slot[S]:
        return next(slot for slot in self.slots if slot.step == step)

    @property
    def steps(self) -> tuple[str, ...]:
        return tuple(slot.step for slot in self.slots)

    def missing(self, filled_in: S) -> list[Slot[S]]:
        return [slot for slot in self.slots if not slot.filled(filled_in)]

    def next_missing(self, filled_in: S) -> Slot[S] | None:
        missing = self.missing(filled_in)
        return missing[0] if missing else None

    def after(self, step: str) -> Slot[S] | None:
        """The slot after `step` in order (walking every slot, e.g. when editing), or None after the last."""
        index = self.steps.index(step) + 1
        return self.slots[index] if index < len(self.slots) else None

StepHandler = Callable[[TurnContext, Any], Awaitable[Transition | None]]
StartHandler = Callable[[TurnContext, Any], Awaitable[Transition]]
EntryMatcher = Callable[[TurnContext], bool]


@dataclass(frozen=True)
class Dialog(Generic[D]):
    name: str
    start: StartHandler
    data_type: type[BaseModel] = NoData  # the dialog's typed data (a pydantic model), kept in the session
    steps: Mapping[str, StepHandler] = field(default_factory=dict)
    intents: frozenset[str] = frozenset()  # NLU intents that start this dialog
    postbacks: frozenset[str] = frozenset()  # postback actions that start this dialog
    matcher: EntryMatcher | None = None  # any other entry rule
    fallback: StepHandler | None = None  # active dialog, input nobody else wanted
    allow_reentry: bool = True  # may another dialog's entry interrupt this one?

    def __post_init__(self) -> None:
        for step in self.steps:
            if not isinstance(step, str) or not step:
                raise ValueError(f"dialog {self.name}: step names must be non-empty strings")

    def wants(self, ctx: TurnContext) -> bool:
        if ctx.postback is not None:
            # menu buttons send the intent id as their action, so they reach the same dialog as words
            return ctx.postback.action in self.postbacks or ctx.postback.action in self.intents
        if self.matcher is not None and self.matcher(ctx):
            return True
        return ctx.intent in self.intents

    def load(self, raw: dict[str, Any]) -> BaseModel:
        return self.data_type.model_validate(raw)

    def fresh(self) -> BaseModel:
        return self.data_type()
