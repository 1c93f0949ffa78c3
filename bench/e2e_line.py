"""A minimal fake LINE for bench/e2e.py: records when each answer arrives, answers at once.

Every reply and push is accepted with 200 and its arrival time (time.time(), same machine as the
load generator) kept under the reply token (replies) or the first message's text tag (pushes).
GET /bench/arrivals returns and clears them. Kept tiny on purpose: the fake must not be what is slow.
"""

from __future__ import annotations

import json
import sys
import time

from aiohttp import web

arrivals: dict[str, float] = {}
pushes: dict[str, float] = {}
SENT = {"sentMessages": [{"id": "1", "quoteToken": "q"}]}  # what LINE answers (the SDK validates it)


async def reply(request: web.Request) -> web.Response:
    body = json.loads(await request.read())
    arrivals.setdefault(body.get("replyToken", ""), time.time())
    return web.json_response(SENT)


async def push(request: web.Request) -> web.Response:
    body = json.loads(await request.read())
    pushes.setdefault(body.get("to", ""), time.time())
    return web.json_response(SENT)


async def ok(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response({})


async def collect(request: web.Request) -> web.Response:
    payload = {"replies": dict(arrivals), "pushes": dict(pushes)}
    arrivals.clear()
    pushes.clear()
    return web.json_response(payload)


def build() -> web.Application:
    app = web.Application()
    app.router.add_post("/v2/bot/message/reply", reply)
    app.router.add_post("/v2/bot/message/push", push)
    app.router.add_get("/bench/arrivals", collect)
    app.router.add_route("*", "/{tail:.*}", ok)
    return app


if __name__ == "__main__":
    web.run_app(build(), host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
