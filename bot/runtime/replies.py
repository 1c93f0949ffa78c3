"""What a dialog answers with: channel-neutral reply objects.

Dialogs never build LINE SDK objects; `bot/runtime/render.py` turns these
into LINE messages and `bot/tools/cli_chat.py` into terminal text, so the same dialog
serves LINE, the simulator and tests.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.runtime.postback import postback

MAX_TEXT_CHARS = 5000
MAX_QUICK_REPLIES = 13
MAX_QUICK_REPLY_LABEL = 20


class Choice(BaseModel):
    """A quick-reply button: sends `text` as the user's message, or `data` as a postback."""

    model_config = ConfigDict(frozen=True)
    label: str
    text: str | None = None
    data: str | None = None
    action: Literal["message", "postback", "location", "camera", "camera_roll", "uri"] = "message"
    uri: str | None = None

    @property
    def short_label(self) -> str:
        return self.label if len(self.label) <= MAX_QUICK_REPLY_LABEL else self.label[:19] + "…"


def pick(label: str, data: str) -> Choice:
    """A quick reply that sends the postback `data` and shows its label as the citizen's words."""
    return Choice(label=label, text=label, data=data, action="postback")


def postback_choice(label: str, action: str, **params: str) -> Choice:
    """`pick` with the postback built from an action and its parameters (`a=action&k=v…`)."""
    return pick(label, postback(action, **params))


class Button(BaseModel):
    """A button inside a card (Flex)."""

    model_config = ConfigDict(frozen=True)
    label: str
    text: str | None = None
    data: str | None = None
    uri: str | None = None
    style: Literal["primary", "secondary", "link"] = "primary"


class Text(BaseModel):
    kind: Literal["text"] = "text"
    text: str
    choices: list[Choice] = Field(default_factory=list)


class Card(BaseModel):
    """A simple card: title, lines of text, buttons. Rendered as a Flex bubble."""

    kind: Literal["card"] = "card"
    title: str
    subtitle: str | None = None
    lines: list[str] = Field(default_factory=list)
    fields: list[tuple[str, str]] = Field(default_factory=list)  # label, value
    buttons: list[Button] = Field(default_factory=list)
    alt_text: str | None = None
    choices: list[Choice] = Field(default_factory=list)


class Carousel(BaseModel):
    kind: Literal["carousel"] = "carousel"
    alt_text: str
    cards: list[Card]
    choices: list[Choice] = Field(default_factory=list)


class Flex(BaseModel):
    """A hand-built Flex container for layouts a Card cannot express."""

    kind: Literal["flex"] = "flex"
    alt_text: str
    contents: dict[str, Any]
    choices: list[Choice] = Field(default_factory=list)


class LocationReply(BaseModel):
    kind: Literal["location"] = "location"
    title: str
    address: str
    latitude: float
    longitude: float
    choices: list[Choice] = Field(default_factory=list)


class ImageReply(BaseModel):
    kind: Literal["image"] = "image"
    url: str
    preview_url: str
    choices: list[Choice] = Field(default_factory=list)


Reply = Text | Card | Carousel | Flex | LocationReply | ImageReply


def split_text(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Split a long text at line breaks so each part fits LINE's text limit."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single enormous line: cut hard
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
