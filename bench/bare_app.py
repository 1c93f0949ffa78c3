"""The baseline: a bare FastAPI endpoint that only checks the LINE signature and answers 200."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

SECRET = os.environ.get("LINE_CHANNEL_SECRET", "bench-secret").encode()
app = FastAPI()


@app.post("/callback")
async def callback(request: Request) -> Response:
    body = await request.body()
    expected = base64.b64encode(hmac.new(SECRET, body, hashlib.sha256).digest())
    if not hmac.compare_digest(request.headers.get("x-line-signature", "").encode(), expected):
        return JSONResponse({"message": "invalid signature"}, status_code=400)
    return JSONResponse({})
