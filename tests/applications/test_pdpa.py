"""PDPA (issue 15): `python -m bot pdpa export|forget` on real tables."""

from __future__ import annotations

from sqlalchemy import text

from bot.pdpa import PrivacyOffice
from bot.runtime.services import Services, pii_cipher
from integrations.storage.repos_applications import ApplicationRepo
from tests.applications.helpers import FakeClock

CITIZEN, OTHER = "U" + "d" * 32, "U" + "e" * 32
NATIONAL_ID = "1101700203450"


async def _applications(services: Services, clock: FakeClock) -> tuple[int, int, int]:
    cipher = pii_cipher(services.settings)
    repo = ApplicationRepo(services.db, cipher, clock)
    ids = []
    for user in (CITIZEN, CITIZEN, OTHER):
        app = await repo.create_draft(user, "elderly_allowance", "เบี้ยยังชีพผู้สูงอายุ", None)
        assert app.id is not None
        ids.append(app.id)
    async with services.db.engine.begin() as conn:
        await conn.execute(text("UPDATE applications SET national_id_enc = :enc"), {"enc": cipher.encrypt(NATIONAL_ID)})
        await conn.execute(text("UPDATE applications SET status = 'submitted' WHERE id = :id"), {"id": ids[1]})
    return ids[0], ids[1], ids[2]


async def test_export_gives_the_officer_everything_about_one_citizen_with_ids_decrypted(
    services: Services, clock: FakeClock
) -> None:
    draft, submitted, _others = await _applications(services, clock)
    office = PrivacyOffice(services.db, pii_cipher(services.settings))
    data = await office.export(CITIZEN, "officer-somchai")
    assert sorted(a["id"] for a in data["applications"]) == [draft, submitted]  # not the other citizen's
    assert {a["national_id"] for a in data["applications"]} == {NATIONAL_ID}
    async with services.db.engine.connect() as conn:
        audit = (await conn.execute(text("SELECT action, officer, subject_index FROM pdpa_audit"))).all()
    assert [(a, o) for a, o, _ in audit] == [("export", "officer-somchai")]
    assert CITIZEN not in audit[0][2]


async def test_forget_erases_drafts_keeps_submitted_records_unlinked_and_is_audited(
    services: Services, clock: FakeClock
) -> None:
    draft, submitted, others = await _applications(services, clock)
    office = PrivacyOffice(services.db, pii_cipher(services.settings))
    await office.forget(CITIZEN, "officer-somchai")
    async with services.db.engine.connect() as conn:
        rows = dict((await conn.execute(text("SELECT id, line_user_id FROM applications"))).all())
        audit = (await conn.execute(text("SELECT action FROM pdpa_audit"))).scalars().all()
    assert draft not in rows  # erased
    assert rows[submitted].startswith("forgotten:") and CITIZEN not in rows[submitted]  # kept for the law
    assert rows[others] == OTHER  # nobody else is touched
    assert audit == ["forget"]
    assert (await office.export(CITIZEN, "officer-somchai")) == {}  # nothing is linked to the account any more
