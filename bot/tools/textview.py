"""LINE messages as plain text: what the simulator prints and conversation tests read.

Works on the LINE JSON itself (after rendering), so staff see exactly what LINE
would get, Flex included; every tappable action becomes a numbered choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Action:
    label: str
    text: str | None  # a message action: what the user "types"
    data: str | None  # a postback action
    uri: str | None = None
    kind: str = "message"


def _action(raw: dict[str, Any]) -> Action:
    return Action(
        label=str(raw.get("label") or raw.get("text") or raw.get("uri") or "?"),
        text=raw.get("text") or raw.get("displayText"),
        data=raw.get("data"),
        uri=raw.get("uri"),
        kind=str(raw.get("type", "message")),
    )


def _walk_flex(node: Any, lines: list[str], actions: list[Action]) -> None:
    if isinstance(node, list):
        for child in node:
            _walk_flex(child, lines, actions)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "text" and node.get("text", "").strip():
        prefix = "## " if node.get("weight") == "bold" else ""
        lines.append(prefix + node["text"])
    elif kind == "button" and isinstance(node.get("action"), dict):
        actions.append(_action(node["action"]))
        lines.append(f"[{len(actions)}] {actions[-1].label}")
        return
    for key in ("header", "hero", "body", "footer"):
        _walk_flex(node.get(key), lines, actions)
    _walk_flex(node.get("contents"), lines, actions)


def message_text(message: dict[str, Any], actions: list[Action]) -> str:
    """One LINE message as text; buttons found inside are appended to `actions`."""
    kind = message.get("type")
    if kind == "text":
        return str(message.get("text", ""))
    if kind == "flex":
        lines: list[str] = []
        contents = message.get("contents", {})
        if contents.get("type") == "carousel":
            for index, bubble in enumerate(contents.get("contents", []), start=1):
                lines.append(f"--- {index} ---")
                _walk_flex(bubble, lines, actions)
        else:
            _walk_flex(contents, lines, actions)
        return "\n".join(lines)
    if kind == "location":
        where = f"({message.get('latitude')}, {message.get('longitude')})"
        return f"📍 {message.get('title')}\n{message.get('address')} {where}"
    if kind in {"image", "video"}:
        return f"[{kind}] {message.get('originalContentUrl')}"
    if kind == "sticker":
        return "[sticker]"
    return f"[{kind}]"


@dataclass
class Screen:
    """What the citizen sees after one turn."""

    text: str
    actions: list[Action]  # card buttons and quick replies, numbered from 1


def screen_of(messages: list[dict[str, Any]]) -> Screen:
    actions: list[Action] = []
    parts = [message_text(m, actions) for m in messages]
    quick = messages[-1].get("quickReply", {}).get("items", []) if messages else []
    if quick:
        start = len(actions)
        actions.extend(_action(item["action"]) for item in quick)
        parts.append("  ".join(f"({start + i}) {a.label}" for i, a in enumerate(actions[start:], start=1)))
    return Screen(text="\n\n".join(p for p in parts if p), actions=actions)
