# syntax=docker/dockerfile:1
# Production image: `docker compose up` (compose.yaml) runs it as web, worker and a one-shot migration.

# --- build: dependencies into a virtualenv (compilers stay in this stage) -------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml ./
COPY bot ./bot
COPY core ./core
COPY dialogs ./dialogs
COPY integrations ./integrations
COPY knowledge ./knowledge
# install the dependencies through the project, then drop the project itself: the code runs from /app
RUN /opt/venv/bin/pip install . && /opt/venv/bin/pip uninstall -y civic-line-bot

# --- runtime: no build tools, a non-root user, pythainlp's data baked in ---------------------------
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH PYTHONPATH=/app \
    PYTHAINLP_DATA=/opt/pythainlp-data PYTHAINLP_OFFLINE=1 LOG_FORMAT=json \
    DATABASE_URL=sqlite:////app/data/bot.sqlite3 STORAGE_DIR=/app/data/uploads
RUN groupadd --system --gid 10001 bot && useradd --system --uid 10001 --gid bot --home-dir /app bot
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY app.py alembic.ini ./
COPY bot ./bot
COPY core ./core
COPY dialogs ./dialogs
COPY integrations ./integrations
COPY knowledge ./knowledge
# Build the NLU once at image build time: pythainlp writes its data directory and word lists here,
# so a read-only container never downloads or writes them at start.
RUN mkdir -p /app/data "$PYTHAINLP_DATA" \
    && python -c "from knowledge.store import KnowledgeStore; from bot.config import DEFAULT_KNOWLEDGE_DIR; \
from bot.runtime.understanding import NluService; NluService(KnowledgeStore(DEFAULT_KNOWLEDGE_DIR).current).parse('สวัสดีค่ะ')" \
    && chown -R bot:bot /app/data && chmod -R a+rX "$PYTHAINLP_DATA"
USER bot
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"
# uvicorn stops accepting on SIGTERM and the app drains its queue (SHUTDOWN_DRAIN_SECONDS) before exiting
STOPSIGNAL SIGTERM
CMD ["python", "-m", "uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", \
     "--timeout-graceful-shutdown", "25"]
