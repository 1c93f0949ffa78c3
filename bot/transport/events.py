"""Our own inbound event: SDK models stop at this boundary.

The webhook converts each LINE event (parsed by line-bot-sdk v3) into an
`InboundEvent`; internal sources (payment callbacks, officer actions) create
them directly, so one dispatcher handles everything.
"""

from __future__ import annotations

import json
import logging
import uuid
from enum import StrEnum
from typing import Any

from linebot.v3.webhooks import (
    Event,
    FileMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
)
from pydantic import BaseModel, ConfigDict, ValidationError

log = logging.getLogger(__name__)


class EventKind(StrEnum):
    text = "text"
    image = "image"
    video = "video"
    audio = "audio"
    file = "file"
    location = "location"
    sticker = "sticker"
    postback = "postback"
    follow = "follow"
    unfollow = "unfollow"
    join = "join"  # type: ignore[assignment]  # LINE's event name; shadows str.join on purpose
    leave = "leave"
    member_joined = "memberJoined"
    member_left = "memberLeft"
    unsend = "unsend"
    video_play_complete = "videoPlayComplete"
    beacon = "beacon"
    account_link = "accountLink"
    things = "things"
    other = "other"  # any type LINE adds later: accepted, logged, ignored
    # internal events, created by our own components
    case_update = "case_update"
    payment_confirmed = "payment_confirmed"


MESSAGE_KINDS = {"text", "image", "video", "audio", "file", "location", "sticker"}
MEDIA_KINDS = {EventKind.image, EventKind.video, EventKind.audio, EventKind.file}


class Location(BaseModel):
    model_config = ConfigDict(frozen=True)
    title: str | None = None
    address: str | None = None
    latitude: float
    longitude: float


class InboundEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: str
    kind: EventKind
    line_type: str  # the type string LINE sent, kept for logs of unknown kinds
    source_type: str = "user"  # user | group | room | internal
    user_id: str | None = None
    chat_id: str | None = None  # group or room id
    reply_token: str | None = None
    timestamp_ms: int = 0
    is_redelivery: bool = False
    text: str | None = None
    postback_data: str | None = None
    postback_params: dict[str, str] | None = None
    message_id: str | None = None
    content_external_url: str | None = None  # image/video sent by URL instead of LINE storage
    file_name: str | None = None
    file_size: int | None = None
    location: Location | None = None
    sticker_keywords: tuple[str, ...] = ()
    payload: dict[str, Any] | None = None  # internal events' data

    @property
    def user_key(self) -> str:
        """The conversation this event belongs to: ordering and sessions are per key."""
        if self.source_type in {"group", "room"}:
            return f"{self.source_type}:{self.chat_id}:{self.user_id or '-'}"
        return f"user:{self.user_id or '-'}"

    @property
    def reply_to(self) -> str | None:
        """The LINE id a push must target (the group for group chats)."""
        return self.chat_id if self.source_type in {"group", "room"} else self.user_id


class MalformedEvent(ValueError):
    """An event in a signed body that is not shaped like a LINE event: skipped, never a 500."""


def _of_type(raw: dict[str, Any], key: str, expected: type) -> Any:
    """raw[key] if it is absent, null or of the expected type (a bool is not an int here)."""
    value = raw.get(key)
    if value is not None and (not isinstance(value, expected) or (isinstance(value, bool) and expected is int)):
        raise MalformedEvent(f"{key} has the wrong type ({type(value).__name__})")
    return value


def _source_fields(source: dict[str, Any] | None) -> dict[str, Any]:
    source = source or {}
    for key in ("type", "userId", "groupId", "roomId"):
        _of_type(source, key, str)
    kind = source.get("type", "user")
    return {
        "source_type": kind,
        "user_id": source.get("userId"),
        "chat_id": source.get("groupId") or source.get("roomId"),
    }


def _common_fields(raw: dict[str, Any]) -> dict[str, Any]:
    for key in ("type", "webhookEventId", "replyToken", "mode"):
        _of_type(raw, key, str)
    _of_type(raw, "timestamp", int)
    _of_type(raw, "source", dict)
    delivery = _of_type(raw, "deliveryContext", dict) or {}
    return {
        # LINE always sends webhookEventId; a hand-made body without one still gets a unique id
        "event_id": str(raw.get("webhookEventId") or uuid.uuid4()),
        "line_type": str(raw.get("type", "")),
        "reply_token": raw.get("replyToken"),
        "timestamp_ms": int(raw.get("timestamp") or 0),
        "is_redelivery": bool(delivery.get("isRedelivery", False)),
        **_source_fields(raw.get("source")),
    }


def _kind_of(line_type: str) -> EventKind:
    try:
        return EventKind(line_type)
    except ValueError:
        return EventKind.other


def convert(raw: dict[str, Any]) -> InboundEvent:
    """Parse one raw webhook event with the SDK and convert it.

    Raises MalformedEvent (only) for an event of the wrong shape, so the webhook can skip
    it and still handle the other events of the same body.
    """
    try:
        # a lone surrogate (valid JSON "\\ud800", not valid UTF-8) would fail later in a log, a key or the DB
        json.dumps(raw, ensure_ascii=False).encode("utf-8")
        event = _convert(raw)
        event.user_key.encode("utf-8")
        return event
    except MalformedEvent:
        raise
    except Exception as exc:  # any other failure is still a shape problem of this one event
        # name the fields, never echo the values: they may be a citizen's words
        fields = [".".join(map(str, e["loc"])) for e in exc.errors()] if isinstance(exc, ValidationError) else []
        raise MalformedEvent(f"{type(exc).__name__} {' '.join(fields)}".strip()) from exc


def _convert(raw: dict[str, Any]) -> InboundEvent:
    fields = _common_fields(raw)
    try:
        sdk_event = Event.from_dict(raw)
    except Exception:
        sdk_event = None
    if isinstance(sdk_event, MessageEvent):
        return _from_message(sdk_event.message, raw, fields)
    if isinstance(sdk_event, PostbackEvent):
        return InboundEvent(
            kind=EventKind.postback,
            postback_data=sdk_event.postback.data,
            postback_params=dict(sdk_event.postback.params or {}),
            **fields,
        )
    if sdk_event is None and raw.get("type") == "message":
        # a message type the SDK does not know yet (or a body it rejects): keep what we can
        message = _of_type(raw, "message", dict) or {}
        kind = _kind_of(str(message.get("type", "")))
        kind = kind if kind.value in MESSAGE_KINDS else EventKind.other
        location = None
        if kind is EventKind.location and {"latitude", "longitude"} <= message.keys():
            location = Location(
                title=message.get("title"), address=message.get("address"),
                latitude=float(message["latitude"]), longitude=float(message["longitude"]),
            )
        return InboundEvent(
            kind=kind, message_id=message.get("id"), text=message.get("text"), location=location,
            file_name=message.get("fileName"), file_size=message.get("fileSize"), **fields,
        )
    return InboundEvent(kind=_kind_of(fields["line_type"]), payload=None, **fields)


def _from_message(message: Any, raw: dict[str, Any], fields: dict[str, Any]) -> InboundEvent:
    kind = _kind_of(str(message.type))
    extra: dict[str, Any] = {"message_id": message.id}
    if isinstance(message, TextMessageContent):
        extra["text"] = message.text
    elif isinstance(message, LocationMessageContent):
        extra["location"] = Location(
            title=message.title, address=message.address,
            latitude=float(message.latitude), longitude=float(message.longitude),
        )
    elif isinstance(message, FileMessageContent):
        extra.update(file_name=message.file_name, file_size=message.file_size)
    elif isinstance(message, StickerMessageContent):
        extra["sticker_keywords"] = tuple(message.keywords or ())
        extra["text"] = message.text
    provider = getattr(message, "content_provider", None)
    if provider is not None and provider.type == "external":
        extra["content_external_url"] = provider.original_content_url
    return InboundEvent(kind=kind, **extra, **fields)
