"""Documents: one photo or PDF per document on this applicant's checklist.

The file is downloaded from LINE (the media port, bot/runtime/media.py: type by magic bytes, at most
10 MB), stored with `services.files`, and ticked off. "ส่งภายหลัง" marks a document as
coming later: the application can be reviewed but stays a draft until every document is in.
"""

from __future__ import annotations

from bot.runtime.context import TurnContext
from bot.runtime.replies import Choice, Reply, Text, postback_choice
from bot.transport.events import MEDIA_KINDS
from core.applications import DocumentStatus, document_key
from core.media import MediaRejected
from dialogs.application.common import (
    AskFn,
    Data,
    Step,
    advance,
    checklist,
    current_app,
    goto,
    keep_choice,
    other_question,
    plain,
    pressed,
    repo,
    service_of,
)
from dialogs.base import Transition

LATER_WORDS = frozenset({"ส่งภายหลัง", "ภายหลัง", "ส่งทีหลัง", "ทีหลัง", "ไว้ก่อน", "later"})


async def ask_document(ctx: TurnContext, data: Data) -> list[Reply]:
    service, app = service_of(ctx, data), await current_app(ctx, data)
    assert service is not None and app is not None and app.id is not None
    docs = checklist(service, app)
    doc = docs[data.doc_index]
    key = document_key(doc.name)
    stored = (await repo(ctx).documents(app.id)).get(key)
    lines = [ctx.msg("application.document.ask", number=data.doc_index + 1, total=len(docs), name=doc.name)]
    if doc.remark:
        lines.append(doc.remark)
    later = ctx.msg("application.choice.later")
    choices = [
        Choice(label=ctx.msg("application.choice.camera"), action="camera"),
        Choice(label=ctx.msg("application.choice.camera_roll"), action="camera_roll"),
        postback_choice(later, "app_later", d=key),
    ]
    if stored is not None and stored.status == DocumentStatus.received:
        lines.append(ctx.msg("application.document.have"))
        choices.insert(0, keep_choice(ctx, f"d:{key}"))
    return [Text(text="\n".join(lines), choices=choices)]


async def on_document(ctx: TurnContext, data: Data) -> Transition | None:
    service, app = service_of(ctx, data), await current_app(ctx, data)
    if service is None or app is None or app.id is None:
        return None
    docs = checklist(service, app)
    if data.doc_index >= len(docs):
        return await advance(ctx, data, Step.document)
    doc = docs[data.doc_index]
    key = document_key(doc.name)
    if pressed(ctx, "app_keep", k=f"d:{key}"):
        return await advance(ctx, data, Step.document)
    typed = plain(ctx.text) if ctx.postback is None else ""
    if pressed(ctx, "app_later", d=key) or typed in LATER_WORDS or (
        typed and typed == plain(ctx.msg("application.choice.later"))
    ):
        await repo(ctx).set_document(app.id, doc.name, DocumentStatus.later)
        return await advance(ctx, data, Step.document, [Text(text=ctx.msg("application.document.later"))])
    if ctx.event.kind in MEDIA_KINDS:
        try:
            media = await ctx.ports.media.fetch(ctx.event)
        except MediaRejected as rejected:
            return await goto(ctx, data, Step.document, [Text(text=ctx.msg(rejected.reason))])
        file_key = await ctx.ports.media.keep(f"applications-{app.id}", f"{key}{media.extension}", media)
        replaced = await repo(ctx).set_document(app.id, doc.name, DocumentStatus.received, file_key=file_key,
                                                content_type=media.content_type, size_bytes=len(media.data))
        if replaced:
            await ctx.ports.media.discard(replaced)
        received = await repo(ctx).documents(app.id)
        done = sum(1 for d in docs if (r := received.get(document_key(d.name))) and r.status == "received")
        ack = Text(text=ctx.msg("application.document.received", done=done, total=len(docs)))
        return await advance(ctx, data, Step.document, [ack])
    if ctx.text and not other_question(ctx):
        return await goto(ctx, data, Step.document, [Text(text=ctx.msg("application.document.need_file"))])
    return None


HANDLERS = {Step.document: on_document}
QUESTIONS: dict[Step, AskFn] = {Step.document: ask_document}
