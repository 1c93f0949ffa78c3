"""Turn channel-neutral replies into LINE message JSON, within LINE's limits.

Limits (Messaging API reference): 5 messages per request, 5,000 characters per
text, 13 quick-reply items, 20-character action labels, a bubble ≤ 30 KB, a
carousel ≤ 12 bubbles and ≤ 50 KB, alt text ≤ 400 characters.
"""

from __future__ import annotations

import json
from typing import Any

from bot.runtime.replies import (
    MAX_QUICK_REPLIES,
    Button,
    Card,
    Carousel,
    Choice,
    Flex,
    ImageReply,
    LocationReply,
    Reply,
    Text,
    split_text,
)

MAX_MESSAGES_PER_REQUEST = 5
MAX_BUBBLE_BYTES = 30_000
MAX_CAROUSEL_BYTES = 50_000
MAX_CAROUSEL_BUBBLES = 12
MAX_ALT_TEXT = 400
MAX_ACTION_LABEL = 20
MAX_POSTBACK_DATA = 300
BRAND_COLOUR = "#0B6E4F"

LineMessage = dict[str, Any]


class FlexTooLarge(ValueError):
    pass


def _label(text: str) -> str:
    return text if len(text) <= MAX_ACTION_LABEL else text[: MAX_ACTION_LABEL - 1] + "…"


def _action(label: str, text: str | None, data: str | None, uri: str | None, kind: str) -> dict[str, Any]:
    if kind == "postback" or (data is not None and kind == "message"):
        if data is None or len(data) > MAX_POSTBACK_DATA:
            raise ValueError(f"postback data missing or over {MAX_POSTBACK_DATA} characters")
        action: dict[str, Any] = {"type": "postback", "label": _label(label), "data": data}
        if text:
            action["displayText"] = text
        return action
    if kind == "uri" or uri:
        return {"type": "uri", "label": _label(label), "uri": uri}
    if kind in {"location", "camera", "camera_roll"}:
        return {"type": {"camera_roll": "cameraRoll"}.get(kind, kind), "label": _label(label)}
    return {"type": "message", "label": _label(label), "text": text or label}


def quick_reply(choices: list[Choice]) -> dict[str, Any] | None:
    if not choices:
        return None
    items = [
        {"type": "action", "action": _action(c.label, c.text, c.data, c.uri, c.action)}
        for c in choices[:MAX_QUICK_REPLIES]
    ]
    return {"items": items}


def _button(button: Button) -> dict[str, Any]:
    kind = "uri" if button.uri else ("postback" if button.data else "message")
    return {
        "type": "button",
        "style": button.style,
        "height": "md",  # tall buttons: easier for older citizens to tap
        "color": BRAND_COLOUR if button.style == "primary" else None,
        "action": _action(button.label, button.text, button.data, button.uri, kind),
    }


def _drop_none(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _drop_none(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [_drop_none(v) for v in obj]
    return obj


def card_bubble(card: Card) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if card.subtitle:
        body.append({"type": "text", "text": card.subtitle, "size": "sm", "color": "#555555", "wrap": True})
    for line in card.lines:
        body.append({"type": "text", "text": line, "wrap": True, "size": "md", "margin": "md"})
    for label, value in card.fields:
        body.append(
            {
                "type": "box",
                "layout": "vertical",
                "margin": "md",
                "contents": [
                    {"type": "text", "text": label, "size": "sm", "color": "#777777", "wrap": True},
                    {"type": "text", "text": value, "size": "md", "wrap": True},
                ],
            }
        )
    bubble: dict[str, Any] = {
        "type": "bubble",
        "header": {
            "type": "box",
            "layout": "vertical",
            "backgroundColor": BRAND_COLOUR,
            "contents": [{"type": "text", "text": card.title, "weight": "bold", "size": "lg",
                          "color": "#FFFFFF", "wrap": True}],
        },
        "body": {"type": "box", "layout": "vertical", "spacing": "sm",
                 "contents": body or [{"type": "text", "text": " "}]},
    }
    if card.buttons:
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [_button(b) for b in card.buttons],
        }
    bubble = _drop_none(bubble)
    if len(json.dumps(bubble, ensure_ascii=False).encode()) > MAX_BUBBLE_BYTES:
        raise FlexTooLarge(f"bubble '{card.title}' is over {MAX_BUBBLE_BYTES} bytes")
    return bubble


def _alt(text: str) -> str:
    return text if len(text) <= MAX_ALT_TEXT else text[: MAX_ALT_TEXT - 1] + "…"


def _card_alt_text(card: Card) -> str:
    return card.alt_text or " ".join([card.title, *card.lines[:2]])


def render(reply: Reply) -> list[LineMessage]:
    """One reply may become several LINE messages (a long text is split)."""
    messages: list[LineMessage]
    if isinstance(reply, Text):
        messages = [{"type": "text", "text": part} for part in split_text(reply.text)]
    elif isinstance(reply, Card):
        messages = [{"type": "flex", "altText": _alt(_card_alt_text(reply)), "contents": card_bubble(reply)}]
    elif isinstance(reply, Carousel):
        messages = []
        for start in range(0, len(reply.cards), MAX_CAROUSEL_BUBBLES):
            bubbles = [card_bubble(c) for c in reply.cards[start : start + MAX_CAROUSEL_BUBBLES]]
            contents = {"type": "carousel", "contents": bubbles}
            if len(json.dumps(contents, ensure_ascii=False).encode()) > MAX_CAROUSEL_BYTES:
                raise FlexTooLarge(f"carousel '{reply.alt_text}' is over {MAX_CAROUSEL_BYTES} bytes")
            messages.append({"type": "flex", "altText": _alt(reply.alt_text), "contents": contents})
    elif isinstance(reply, Flex):
        messages = [{"type": "flex", "altText": _alt(reply.alt_text), "contents": reply.contents}]
    elif isinstance(reply, LocationReply):
        messages = [{"type": "location", "title": reply.title[:100], "address": reply.address[:100],
                     "latitude": reply.latitude, "longitude": reply.longitude}]
    elif isinstance(reply, ImageReply):
        messages = [{"type": "image", "originalContentUrl": reply.url, "previewImageUrl": reply.preview_url}]
    else:  # pragma: no cover - the Reply union is closed
        raise TypeError(f"cannot render {type(reply).__name__}")
    qr = quick_reply(reply.choices)
    if qr:
        messages[-1]["quickReply"] = qr  # LINE shows only the last message's quick replies
    return messages


def render_all(replies: list[Reply]) -> list[LineMessage]:
    messages: list[LineMessage] = []
    for reply in replies:
        messages.extend(render(reply))
    return messages


def batches(messages: list[LineMessage]) -> list[list[LineMessage]]:
    """Split into requests of at most five messages, keeping order."""
    return [messages[i : i + MAX_MESSAGES_PER_REQUEST] for i in range(0, len(messages), MAX_MESSAGES_PER_REQUEST)]
