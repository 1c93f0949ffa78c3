"""A throwaway PostgreSQL cluster for tests and benchmarks.

PostgreSQL refuses to run as root, so when we are root the cluster is created and run as the
unprivileged `postgres` user (Debian's package creates it) in a temporary directory that user
owns; it listens on a random local port and on a unix socket inside that directory.
`POSTGRES_TEST_URL` (a server someone else runs) takes precedence over all of this.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers import free_port

PG_BIN_CANDIDATES = [Path(f"/usr/lib/postgresql/{v}/bin") for v in (17, 16, 15, 14, 13)]


def _pg_bin() -> Path | None:
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class PostgresCluster:
    """A running cluster; `url(database)` names a database on it for SQLAlchemy (asyncpg)."""

    host: str
    port: int
    user: str
    password: str = ""
    _proc: subprocess.Popen[bytes] | None = None
    _dir: Path | None = None
    _run_as: list[str] = field(default_factory=list)

    def url(self, database: str = "postgres") -> str:
        auth = f"{self.user}:{self.password}@" if self.password else f"{self.user}@"
        return f"postgresql+asyncpg://{auth}{self.host}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A fresh empty database (each test gets its own); returns its URL."""
        import asyncio

        import asyncpg

        async def create() -> None:
            conn = await asyncpg.connect(host=self.host, port=self.port, user=self.user,
                                         password=self.password or None, database="postgres")
            try:
                await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
            finally:
                await conn.close()

        # tests call this from inside a running loop: run it on a loop of its own in a thread
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, create()).result()
        return self.url(name)

    def stop(self) -> None:
        if self._proc is not None and self._dir is not None:
            # pg_ctl as the server's own user: signalling the Popen would reach `runuser`, not the postmaster,
            # and a "smart" shutdown would wait for pooled connections; "fast" ends them
            bin_dir = _pg_bin()
            subprocess.run([*self._run_as, str(bin_dir / "pg_ctl") if bin_dir else "pg_ctl", "-D",
                            str(self._dir / "data"), "-m", "fast", "-w", "-t", "20", "stop"],
                           check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                self._proc.wait(20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
            self._proc = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None


def cluster_from_env() -> PostgresCluster | None:
    url = os.environ.get("POSTGRES_TEST_URL")
    if not url:
        return None
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return PostgresCluster(host=parsed.host or "127.0.0.1", port=parsed.port or 5432,
                           user=parsed.username or "postgres", password=parsed.password or "")


def why_unavailable() -> str | None:
    """None when `start_cluster` can work here, else the reason (for a clear skip)."""
    if os.environ.get("POSTGRES_TEST_URL"):
        return None
    if _pg_bin() is None:
        return "PostgreSQL is not installed (apt-get install postgresql) and POSTGRES_TEST_URL is unset"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no unprivileged 'postgres' user to run the server"
    return None


def start_cluster() -> PostgresCluster:
    """initdb + postgres in a temp dir, as `postgres` when we are root; waits until it accepts."""
    from_env = cluster_from_env()
    if from_env is not None:
        return from_env
    reason = why_unavailable()
    if reason:
        raise RuntimeError(reason)
    bin_dir = _pg_bin()
    assert bin_dir is not None
    base = Path(tempfile.mkdtemp(prefix="pgtest-"))
    run_as: list[str] = []
    user = pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(base, account.pw_uid, account.pw_gid)
        run_as, user = ["runuser", "-u", "postgres", "--"], "postgres"
    data = base / "data"
    subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", user, "-A", "trust",
                    "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port = free_port()
    # fsync off and a small footprint: a test cluster is thrown away, durability buys nothing here
    proc = subprocess.Popen(
        [*run_as, str(bin_dir / "postgres"), "-D", str(data), "-p", str(port), "-c", "listen_addresses=127.0.0.1",
         "-c", f"unix_socket_directories={base}", "-c", "fsync=off", "-c", "synchronous_commit=off",
         "-c", "full_page_writes=off", "-c", "shared_buffers=32MB", "-c", "max_connections=200"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    cluster = PostgresCluster(host="127.0.0.1", port=port, user=user, _proc=proc, _dir=base, _run_as=run_as)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            cluster.stop()
            raise RuntimeError(f"postgres exited with code {proc.returncode}")
        ready = subprocess.run([str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-q"], check=False)
        if ready.returncode == 0:
            return cluster
        time.sleep(0.1)
    cluster.stop()
    raise RuntimeError("postgres did not start within 30 s")
