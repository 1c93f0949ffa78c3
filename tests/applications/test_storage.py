"""Tables, migrations, the status state machine, tracking numbers and personal data at rest."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import sys
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import integrations.storage.models as models
from bot.config import Settings
from bot.runtime.services import Services, pii_cipher
from integrations.storage.db import Database
from integrations.storage.models.applications import (
    ALLOWED_TRANSITIONS,
    TERMINAL,
    Application,
    ApplicationStatus,
    InvalidTransition,
)
from integrations.storage.pii import PiiCipher
from integrations.storage.repos_applications import ApplicationRepo
from tests.alembic_diffs import table_of
from tests.applications.helpers import PHONE, VALID_ID, FakeClock

pytestmark = pytest.mark.both_databases  # every test here runs on SQLite and on PostgreSQL

MY_TABLES = {"citizens", "applications", "application_documents", "consents", "otp_challenges",
             "application_status_changes", "tracking_counters"}


def repo_for(services: Services, clock: FakeClock) -> ApplicationRepo:
    return ApplicationRepo(services.db, pii_cipher(services.settings), clock)


async def test_every_module_of_the_models_package_is_imported() -> None:
    names = [m.name for m in pkgutil.iter_modules(models.__path__) if not m.name.startswith("_")]
    assert "applications" in names
    importlib.reload(models)
    assert all(f"integrations.storage.models.{name}" in sys.modules for name in names)
    assert set(models.metadata.tables) >= MY_TABLES


async def test_migrations_create_the_tables_the_models_describe(services: Services) -> None:
    async with services.db.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        diffs = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), models.metadata))
    assert tables >= MY_TABLES and version
    assert [d for d in diffs if table_of(d) in MY_TABLES] == []



async def test_migrate_is_idempotent_and_works_in_memory(services: Services) -> None:
    await services.db.migrate()
    memory = Database("sqlite+aiosqlite:///:memory:")
    await memory.migrate()
    async with memory.engine.connect() as conn:
        assert await conn.run_sync(lambda sync: set(inspect(sync).get_table_names())) >= MY_TABLES
    await memory.close()


def test_the_status_machine_has_an_entry_for_every_status_and_terminal_states_are_final() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(ApplicationStatus)
    assert {ApplicationStatus.returned, ApplicationStatus.rejected, ApplicationStatus.completed,
                        ApplicationStatus.withdrawn, ApplicationStatus.expired} == TERMINAL
    for targets in ALLOWED_TRANSITIONS.values():
        assert ApplicationStatus.draft not in targets  # nothing goes back to a draft


async def test_illegal_moves_are_refused_and_legal_ones_are_recorded(services: Services, clock: FakeClock) -> None:
    repo = repo_for(services, clock)
    app = await repo.create_draft("Uowner", "elderly_allowance", "เบี้ย", None)
    with pytest.raises(InvalidTransition):
        await repo.transition(app, ApplicationStatus.completed, actor="officer-1")
    await repo.submit(app, "TJL", 2569)
    await repo.transition(app, ApplicationStatus.checking, actor="officer-1", note="รับเรื่อง")
    with pytest.raises(InvalidTransition):
        await repo.transition(app, ApplicationStatus.submitted, actor="officer-1")
    async with services.db.session() as session:
        rows = (await session.exec(text(
            "SELECT from_status, to_status, actor FROM application_status_changes ORDER BY id"))).all()
    assert [tuple(r) for r in rows] == [(None, "draft", "citizen"), ("draft", "submitted", "citizen"),
                                        ("submitted", "checking", "officer-1")]


async def test_tracking_numbers_count_per_buddhist_year_and_never_repeat(
    services: Services, clock: FakeClock
) -> None:
    repo = repo_for(services, clock)
    drafts = [await repo.create_draft(f"U{i}", "elderly_allowance", "เบี้ย", None) for i in range(7)]
    numbers = await asyncio.gather(*(repo.submit(app, "TJL", 2569) for app in drafts[:5]))
    assert sorted(numbers) == [f"TJL-2569-{n:06d}" for n in range(1, 6)]
    assert await repo.submit(drafts[5], "TJL", 2570) == "TJL-2570-000001"
    assert await repo.submit(drafts[6], "TJL", 2569) == "TJL-2569-000006"


async def test_national_ids_and_phones_are_encrypted_at_rest(services: Services, clock: FakeClock,
                                                             settings: Settings) -> None:
    repo = repo_for(services, clock)
    app = await repo.create_draft("Uowner", "elderly_allowance", "เบี้ย", None)
    await repo.set_applicant(app, full_name="นายสมชาย ใจดี", national_id=VALID_ID, phone=PHONE, address="12 หมู่ 5")
    await repo.remember_identity(app)
    stored = await repo.get(app.id or 0)
    assert stored is not None and stored.national_id_enc and VALID_ID not in stored.national_id_enc
    assert repo.applicant(stored).national_id == VALID_ID
    saved = await repo.saved_identity("Uowner")
    assert saved is not None and (saved.national_id, saved.phone) == (VALID_ID, PHONE)
    async with services.db.session() as session:
        dump = " ".join(str(v) for row in (await session.exec(text(
            "SELECT * FROM citizens UNION ALL SELECT id, line_user_id, applicant_name, national_id_enc, phone_index,"
            " phone_enc, phone_index, address, created_at, updated_at FROM applications"))).all() for v in row)
    assert VALID_ID not in dump and PHONE not in dump


def test_the_cipher_authenticates_and_separates_keys() -> None:
    cipher = PiiCipher(b"k" * 32)
    token = cipher.encrypt(VALID_ID)
    assert token != cipher.encrypt(VALID_ID)  # random nonce
    assert cipher.decrypt(token) == VALID_ID
    with pytest.raises(Exception):  # noqa: B017 - any tampering is refused
        PiiCipher(b"x" * 32).decrypt(token)
    assert cipher.index(PHONE) == cipher.index(PHONE) != PiiCipher(b"x" * 32).index(PHONE)


def test_the_dev_key_file_is_created_once_and_secret_key_wins(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    settings = Settings(_env_file=None, storage_dir=folder / "uploads")  # type: ignore[call-arg]
    first = pii_cipher(settings).encrypt("x")
    assert (folder / "secret.key").exists()
    assert pii_cipher(settings.model_copy()).decrypt(first) == "x"
    configured = Settings(_env_file=None, storage_dir=folder / "uploads", secret_key="s" * 32)  # type: ignore[call-arg]
    with pytest.raises(Exception):  # noqa: B017
        pii_cipher(configured).decrypt(first)


async def test_datetimes_come_back_aware_in_utc(services: Services, clock: FakeClock) -> None:
    repo = repo_for(services, clock)
    app = await repo.create_draft("Uowner", "elderly_allowance", "เบี้ย", None)
    stored = await repo.get(app.id or 0)
    assert stored is not None and stored.updated_at == clock.now and stored.updated_at.tzinfo is not None
    with pytest.raises(Exception):  # noqa: B017 - a naive datetime is a bug, refused before it is stored
        await _naive(services, app)


async def _naive(services: Services, app: Application) -> None:
    from sqlalchemy import update

    async with services.db.session() as session:
        await session.exec(update(Application).where(Application.id == app.id)  # type: ignore[arg-type]
                           .values(updated_at=datetime(2026, 1, 1)))
