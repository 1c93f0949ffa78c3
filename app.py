"""The FastAPI app: `python -m uvicorn app:app`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from bot.api.routes import router as api_router
from bot.config import Settings, get_settings
from bot.jobs.scheduler import JobScheduler
from bot.logging import setup_logging
from bot.metrics import queue_depth_probe
from bot.metrics import router as metrics_router
from bot.office.handoff_jobs import HandoffEscalator
from bot.office.reminders import CaseReminderTask
from bot.office.wiring import build_outbox_sender
from bot.runtime.services import Services, build_services
from bot.runtime.worker import EventProcessor, build_queue
from bot.transport.webhook import router as webhook_router
from bot.web.routes import router as web_router  # payment pages, licence downloads (pay area)
from console.routes import install as install_console


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or (services.settings if services else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        setup_logging(settings.log_level, settings.log_format)
        built = services or build_services(settings)
        await built.db.migrate()  # Alembic upgrade head before the first event
        processor = EventProcessor(built)
        queue = build_queue(settings, processor.handle, claims=built.store)
        queue.start()
        app.state.services, app.state.queue, app.state.processor = built, queue, processor
        built.metrics.probe("queue_depth", queue_depth_probe(queue))  # infra: /metrics
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

    app = FastAPI(title="LINE civic assistant", lifespan=lifespan)
    app.include_router(webhook_router)
    app.include_router(metrics_router)  # infra: GET /metrics (METRICS_TOKEN)
    app.include_router(api_router)  # officers' API, /api/v1 (bot/api)
    # citizens' payment pages and licence links; app.state.bill_lookup / link_signer come from the cases code
    app.include_router(web_router)
    install_console(app)  # officers' console, /console (console/)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        checks: dict[str, str] = {}
        svc: Services = app.state.services
        for name, probe in (("store", svc.store.ping), ("database", svc.db.ping)):
            try:
                await asyncio.wait_for(probe(), timeout=2)
                checks[name] = "ok"
            except Exception as exc:
                checks[name] = f"error: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)

    return app


app = create_app()
