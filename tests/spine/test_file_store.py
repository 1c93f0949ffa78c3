"""Uploaded documents: local folder by default, S3-compatible storage by configuration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from integrations.storage.files import LocalFileStore, S3FileStore, build_file_store

PDF = b"%PDF-1.4 a scanned house registration"


async def test_local_store_round_trip_and_refuses_escaping_keys(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    key = await store.save("TJL-2569-000001", "../../etc/passwd", PDF, "application/pdf")
    assert ".." not in key and (tmp_path / key).read_bytes() == PDF
    assert await store.read(key) == PDF
    with pytest.raises(ValueError):
        await store.read("../outside.pdf")
    await store.delete(key)
    assert not (tmp_path / key).exists()


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
                        ("AWS_DEFAULT_REGION", "ap-southeast-1")):
        monkeypatch.setenv(name, value)
    yield f"http://{host}:{port}"
    server.stop()


async def test_s3_store_round_trip(s3_endpoint: str, tmp_path: Path) -> None:
    store = build_file_store(tmp_path, "office-uploads", s3_endpoint)
    assert isinstance(store, S3FileStore)
    async with store._client() as s3:
        await s3.create_bucket(Bucket="office-uploads",
                               CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    key = await store.save("TJL-2569-000002", "id card.jpg", PDF, "application/pdf")
    assert await store.read(key) == PDF
    await store.delete(key)
    assert not list(tmp_path.iterdir())  # nothing went to the local folder
