"""The README's start command runs as root on a machine without sudo, and with sudo elsewhere."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Start", 1)[1]
    match = re.search(r"```sh\n(.+?)\n```", section, re.S)
    assert match, "no sh block under ## Start"
    return match.group(1).strip()


def _prefix_as_run(command: str, path: str, tmp_path: Path) -> str:
    """What the shell runs in place of `apt-get`, with a stand-in apt-get that prints its argv."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "apt-get"
    fake.write_text("#!/bin/sh\necho apt-get \"$@\"\n")
    fake.chmod(0o755)
    # the package steps: everything before the virtual environment is made
    first = command.split("&& python3 -m venv", 1)[0].strip()
    result = subprocess.run(["/bin/sh", "-c", first], capture_output=True, text=True,
                            env={"PATH": f"{bin_dir}:{path}"}, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_start_command_uses_sudo_when_it_is_installed(tmp_path: Path) -> None:
    command = _start_command()
    sudo_dir = tmp_path / "sudo-bin"
    sudo_dir.mkdir()
    sudo = sudo_dir / "sudo"
    sudo.write_text("#!/bin/sh\necho sudo \"$@\"\n")
    sudo.chmod(0o755)
    assert _prefix_as_run(command, f"{sudo_dir}:/usr/bin:/bin", tmp_path) == \
        "sudo apt-get update\nsudo apt-get install -y python3-venv"


def test_start_command_works_with_no_sudo_anywhere(tmp_path: Path) -> None:
    assert not _start_command().startswith("sudo ")
    empty = tmp_path / "empty"
    empty.mkdir()
    # only the stand-in apt-get and a shell's builtins: no sudo on the PATH
    assert _prefix_as_run(_start_command(), str(empty), tmp_path) == "apt-get update\napt-get install -y python3-venv"
