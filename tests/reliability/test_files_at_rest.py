"""Uploaded ID photos at rest (issue 15): encrypted with the server key, files 0600, folders 0700."""

from __future__ import annotations

import stat
from pathlib import Path

from bot.runtime.services import Services
from integrations.storage.files import LocalFileStore

PHOTO = b"\xff\xd8\xff\xe0JFIF national id 1101700203450 " + bytes(range(256)) * 40


async def test_an_upload_is_stored_encrypted_and_only_the_bot_can_read_it(services: Services) -> None:
    key = await services.files.save("applications/7", "id-card.jpg", PHOTO, "image/jpeg")
    path = services.settings.storage_dir / key
    on_disk = path.read_bytes()
    assert b"JFIF" not in on_disk and b"1101700203450" not in on_disk
    assert await services.files.read(key) == PHOTO
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (path.parent, services.settings.storage_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


async def test_a_file_stored_before_encryption_is_still_read(tmp_path: Path) -> None:
    old = LocalFileStore(tmp_path)
    key = await old.save("complaints", "photo.jpg", PHOTO, "image/jpeg")
    assert await LocalFileStore(tmp_path, encryption_key=b"k" * 32).read(key) == PHOTO


async def test_a_file_cannot_be_swapped_for_another_under_its_key(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path, encryption_key=b"k" * 32)
    first = await store.save("a", "one.jpg", PHOTO, "image/jpeg")
    second = await store.save("a", "two.jpg", PHOTO + b"x", "image/jpeg")
    (tmp_path / first).write_bytes((tmp_path / second).read_bytes())  # sealed for another key
    try:
        await store.read(first)
    except Exception as exc:  # the key is authenticated with the contents
        assert type(exc).__name__ == "InvalidTag"
    else:
        raise AssertionError("a swapped file was accepted")
