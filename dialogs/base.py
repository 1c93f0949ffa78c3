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


class NoData(BaseModel):
    """The data of a dialog that keeps nothing between turns."""


@dataclass
class Transition:
    replies: list[Reply] = field(default_factory=list)
    next: str | None = None  # the dialog's next step; None ends the dialog
    data: BaseModel | None = None  # the new state data (defaults to the data passed in)
    handoff: bool = False  # put the chat in the officers' hands after these replies


END: None = None

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
