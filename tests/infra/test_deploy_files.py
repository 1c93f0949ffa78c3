"""compose.yaml and the Dockerfile describe the production-like start the README promises."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.__main__ import COMMANDS

REPO = Path(__file__).resolve().parents[2]


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((REPO / "compose.yaml").read_text())


def test_compose_has_app_worker_redis_postgres_and_a_one_shot_migration_that_runs_first() -> None:
    services = compose()["services"]
    assert {"web", "worker", "redis", "postgres", "migrate"} <= services.keys()
    migrate = services["migrate"]
    assert migrate["command"][-3:] == ["bot", "db", "upgrade"] and "db" in COMMANDS
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        service = services[name]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert services["web"]["environment"]["RUN_WORKERS"] == "false"  # web only enqueues
    assert services["worker"]["command"][-2:] == ["bot", "worker"] and "worker" in COMMANDS
    assert "--appendonly" in services["redis"]["command"]  # queued events survive a Redis restart
    assert all("healthcheck" in services[s] for s in ("redis", "postgres"))


def test_the_image_is_multi_stage_non_root_and_checks_readiness() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\w+)", dockerfile, flags=re.M | re.I)
    assert len(stages) >= 2
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.M)
    assert users and users[-1] not in {"root", "0"}
    health = re.search(r"^HEALTHCHECK.*?(?=^\S)", dockerfile, flags=re.M | re.S)
    assert health and "/readyz" in health.group(0)
    assert "PYTHAINLP_OFFLINE=1" in dockerfile  # the NLU's data is in the image, never downloaded at start
    for copied in re.findall(r"^COPY (?!--from)(.+?) \S+$", dockerfile, flags=re.M):
        for source in copied.split():
            assert (REPO / source.rstrip("*")).exists() or source.endswith("*"), source


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client on this machine")
def test_docker_compose_accepts_the_file() -> None:
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip("the docker client has no compose plugin")
    result = subprocess.run(["docker", "compose", "-f", str(REPO / "compose.yaml"), "config", "-q"],
                            capture_output=True, text=True, check=False, cwd=REPO)
    assert result.returncode == 0, result.stderr
