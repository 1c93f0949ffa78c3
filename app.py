"""The FastAPI app: `python -m uvicorn app:app`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse

from bot.api.routes import router as api_router
from bot.config import Settings, SettingsError, get_settings
from bot.jobs.scheduler import JobScheduler
from bot.logging import setup_logging
from bot.metrics import queue_depth_probe, register_database_probes
from bot.metrics import router as metrics_router
from bot.office.handoff_jobs import HandoffEscalator
from bot.office.reminders import CaseReminderTask
from bot.office.wiring import build_outbox_sender
from bot.runtime.services import Services, build_services
from bot.runtime.worker import EventProcessor, build_queue
from bot.transport.queue import InProcessQueue
from bot.transport.webhook import router as webhook_router
from bot.web.routes import router as web_router  # payment pages, licence downloads (pay area)
from console.routes import install as install_console
from integrations.storage.journal import EventJournal

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or (services.settings if services else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        setup_logging(settings.log_level, settings.log_format)
        built = services or build_services(settings)
        await built.db.migrate()  # Alembic upgrade head before the first event
        processor = EventProcessor(built)
        # issue 15: the in-process queue journals each event before the 200 and replays what a crash left
        journal = EventJournal(built.db)
        queue = build_queue(settings, processor.handle, claims=built.store, journal=journal,
                            resume=processor.sender.resume)
        if isinstance(queue, InProcessQueue) and settings.queue_journal:
            processor.sender.journal = journal
            await queue.recover()
            # answered rows only serve de-duplication: drop those older than its window
            await journal.purge(datetime.now(UTC) - timedelta(seconds=settings.dedupe_ttl_seconds))
        queue.start()
        app.state.services, app.state.queue, app.state.processor = built, queue, processor
        built.metrics.probe("queue_depth", queue_depth_probe(queue))  # infra: /metrics
        register_database_probes(built.metrics, built.db)
        stop = asyncio.Event()
        watcher = asyncio.create_task(built.knowledge.watch(stop)) if settings.watch_knowledge else None
        # jobs outside a turn: deadline reminders, draft sweep (bot/jobs/; REMINDER_* settings)
        reminders = JobScheduler(built)
        reminders.start()
        app.state.reminders = reminders
        # office side: the outbox sender delivers case notifications (bot/office/outbox.py)
        outbox = build_outbox_sender(built)
        case_reminders = CaseReminderTask(built)
        if settings.run_workers:
            outbox.start(settings.outbox_interval_seconds)
            case_reminders.start()
        app.state.outbox = outbox
        app.state.bill_lookup, app.state.link_signer = built.cases, built.cases.links.signer  # bot/web pages
        # handoff escalation (bot/office/handoff_jobs.py; HANDOFF_ESCALATE_MINUTES), where the jobs run
        escalator = HandoffEscalator(built)
        if settings.run_workers:
            escalator.start()
        try:
            yield
        finally:
            stop.set()
            # SIGTERM: uvicorn has stopped accepting and answered what was in flight; queued turns finish
            # first, while the outbox and everything they may use is still running
            await queue.stop(drain_seconds=settings.shutdown_drain_seconds)
            await outbox.stop()
            await case_reminders.stop()
            await escalator.stop()
            await reminders.stop()
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            await built.close()

    # the API description lists every route for anyone who asks: only with API_DOCS=true (issue 15)
    docs = settings.api_docs
    app = FastAPI(title="LINE civic assistant", lifespan=lifespan, docs_url="/docs" if docs else None,
                  redoc_url="/redoc" if docs else None, openapi_url="/openapi.json" if docs else None)
    app.include_router(webhook_router)
    app.include_router(metrics_router)  # infra: GET /metrics (METRICS_TOKEN)
    app.include_router(api_router)  # officers' API, /api/v1 (bot/api)
    # citizens' payment pages and licence links; app.state.bill_lookup / link_signer come from the cases code
    app.include_router(web_router)
    install_console(app)  # officers' console, /console (console/)

    if not docs:
        # the API description only for officers (their bearer token), never for anyone who asks
        from bot.api.auth import current_officer

        @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(current_officer)])
        async def officers_openapi() -> JSONResponse:
            return JSONResponse(app.openapi())

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        # ready / not ready only: what failed is logged here, never shown to whoever asks
        checks: dict[str, str] = {}
        svc: Services = app.state.services
        for name, probe in (("store", svc.store.ping), ("database", svc.db.ping)):
            try:
                await asyncio.wait_for(probe(), timeout=2)
                checks[name] = "ok"
            except Exception as exc:
                log.warning("readyz: %s not ready (%s)", name, type(exc).__name__)
                checks[name] = "not ready"
        # a queue that cannot reach Redis or makes no progress is not ready (issue 15)
        checks["queue"] = "ok" if getattr(app.state.queue, "healthy", True) else "not ready"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)

    return app


def preflight(settings: Settings) -> None:
    """Refuse to start, in one line, when the database server cannot be reached at all (issue 15).

    Without this a closed port shows up as a long traceback from the migrations.
    """
    if settings.database_url.startswith("sqlite"):
        return
    parts = urlsplit(settings.database_url)
    host, port = parts.hostname or "localhost", parts.port or 5432
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as exc:
        sys.stderr.write(f"configuration error: DATABASE_URL: cannot connect to {host}:{port} "
                         f"({exc.strerror or type(exc).__name__})\n")
        raise SettingsError(2) from None


preflight(get_settings())
app = create_app()
