"""Where uploaded documents and complaint photos are kept: a local folder by default,
S3-compatible storage by configuration. Callers only see `FileStore`."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_SAFE = re.compile(r"[^A-Za-z0-9._-]")
_SEALED = b"CLBF1"  # marks an encrypted file; files written before encryption have no marker and are read as is


class FileStore(Protocol):
    async def save(self, folder: str, name: str, data: bytes, content_type: str) -> str:
        """Store the bytes; returns a key to read them back."""
        ...

    async def read(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...


def safe_name(name: str) -> str:
    cleaned = _SAFE.sub("_", name).strip("._") or "file"
    return cleaned[:80]


class LocalFileStore:
    """Files under `root`; with `encryption_key` sealed with AES-256-GCM (issue 15: ID photos at rest).

    Folders are created 0700 and files 0600: only the bot's own user can read them.
    """

    def __init__(self, root: Path, encryption_key: bytes | None = None) -> None:
        self.root = root
        self._aead = AESGCM(encryption_key) if encryption_key else None

    def _seal(self, data: bytes, key: str) -> bytes:
        if self._aead is None:
            return data
        nonce = os.urandom(12)
        return _SEALED + nonce + self._aead.encrypt(nonce, data, key.encode())

    def _open(self, stored: bytes, key: str) -> bytes:
        if not stored.startswith(_SEALED):
            return stored
        if self._aead is None:
            raise ValueError("file is encrypted and no key is configured")
        body = stored[len(_SEALED):]
        return self._aead.decrypt(body[:12], body[12:], key.encode())

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("file key escapes the storage folder")
        return path

    async def save(self, folder: str, name: str, data: bytes, content_type: str) -> str:
        digest = hashlib.sha256(data).hexdigest()[:16]
        key = f"{safe_name(folder)}/{digest}-{safe_name(name)}"
        path = self._path(key)

        sealed = self._seal(data, key)

        def write() -> None:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            for folder in (self.root, path.parent):
                folder.chmod(0o700)
            tmp = path.with_suffix(path.suffix + ".part")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(sealed)
            tmp.replace(path)  # atomic: a reader never sees half a file

        await asyncio.to_thread(write)
        return key

    async def read(self, key: str) -> bytes:
        stored = await asyncio.to_thread(self._path(key).read_bytes)
        return self._open(stored, key)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)


class S3FileStore:
    """S3-compatible object storage (AWS S3, MinIO, Ceph…) via aiobotocore.

    Credentials come from the usual AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    AWS_DEFAULT_REGION); S3_ENDPOINT_URL points at a non-AWS service.
    """

    def __init__(self, bucket: str, endpoint_url: str | None = None) -> None:
        from aiobotocore.session import get_session  # optional dependency: pip install '.[s3]'

        self.bucket = bucket
        self._endpoint = endpoint_url
        self._session = get_session()

    def _client(self) -> Any:
        return self._session.create_client("s3", endpoint_url=self._endpoint)

    async def save(self, folder: str, name: str, data: bytes, content_type: str) -> str:
        digest = hashlib.sha256(data).hexdigest()[:16]
        key = f"{safe_name(folder)}/{digest}-{safe_name(name)}"
        async with self._client() as s3:
            await s3.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        return key

    async def read(self, key: str) -> bytes:
        async with self._client() as s3:
            response = await s3.get_object(Bucket=self.bucket, Key=key)
            async with response["Body"] as stream:
                data: bytes = await stream.read()
        return data

    async def delete(self, key: str) -> None:
        async with self._client() as s3:
            await s3.delete_object(Bucket=self.bucket, Key=key)


def build_file_store(storage_dir: Path, s3_bucket: str | None, s3_endpoint_url: str | None,
                     encryption_key: bytes | None = None) -> FileStore:
    if s3_bucket:
        return S3FileStore(s3_bucket, s3_endpoint_url)
    return LocalFileStore(storage_dir, encryption_key)
