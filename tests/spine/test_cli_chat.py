"""`python -m bot chat` as staff use it: typed Thai in, readable answers out, numbers pick buttons."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_chat_simulator_answers_in_thai_and_numbers_pick_choices(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'chat.sqlite3'}", "STORAGE_DIR": str(tmp_path)}
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "REDIS_URL"):
        env.pop(name, None)
    script = "/follow\nสวัสดีค่ะ\n8\nยกเลิก\n/quit\n"
    result = subprocess.run([sys.executable, "-m", "bot", "chat"], input=script, capture_output=True,
                            text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "ยินดีต้อนรับ" in out  # greeting on follow
    assert "(1) บริการทั้งหมด" in out and "(8) คุยกับเจ้าหน้าที่" in out  # quick replies as numbered choices
    assert "เจ้าหน้าที่" in out.split("คุณ> 8", 1)[1]  # choice 8 reached the officer hand-off answer
    assert "Traceback" not in result.stderr
