"""Baseline for bench/e2e.py: an echo bot the way line-bot-sdk v3's FastAPI example builds one.

Signature check and parse with the SDK's WebhookParser, then a reply through AsyncMessagingApi with
the SDK's own pydantic models, inside the request, as the example does. No NLU, no state.
Written for this benchmark after the SDK's documented usage; not a copy of the example.
"""

from __future__ import annotations

import os

from fastapi import FastAPI, HTTPException, Request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration, ReplyMessageRequest, TextMessage
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import MessageEvent, TextMessageContent

configuration = Configuration(host=os.environ.get("LINE_API_BASE_URL", "https://api.line.me"),
                              access_token=os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "token"))
parser = WebhookParser(os.environ.get("LINE_CHANNEL_SECRET", "bench-secret"))
app = FastAPI()
api: AsyncMessagingApi | None = None


@app.post("/callback")
async def callback(request: Request) -> str:
    global api
    if api is None:  # the client session must be made on the running loop
        api = AsyncMessagingApi(AsyncApiClient(configuration))
    body = (await request.body()).decode()
    try:
        events = parser.parse(body, request.headers.get("X-Line-Signature", ""))
    except InvalidSignatureError as exc:
        raise HTTPException(status_code=400, detail="Invalid signature") from exc
    for event in events:
        if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
            await api.reply_message(ReplyMessageRequest(reply_token=event.reply_token,
                                                        messages=[TextMessage(text=event.message.text)]))
    return "OK"
