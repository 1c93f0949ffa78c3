"""The rich menu: definition checks, the image, deployment against the fake LINE server."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from PIL import Image

import bot.tools.richmenu as richmenu
from bot.config import Settings
from bot.tools.richmenu import RichMenuError, build_image, deploy, load_spec, spec_path
from bot.tools.simulator import Simulator
from integrations.line.fake import FakeLineServer

NATIONAL = Path(__file__).resolve().parent.parent / "knowledge" / "national"
SPEC_FILE = NATIONAL / "richmenu.yaml"


def _raw() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))


def _write(tmp_path: Path, raw: dict) -> Path:  # type: ignore[type-arg]
    path = tmp_path / "richmenu.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_definition_is_valid_and_uses_intent_ids() -> None:
    spec = load_spec(spec_path(Settings(_env_file=None).knowledge_dir))  # type: ignore[call-arg]
    assert (spec.size.width, spec.size.height) == (2500, 1686)
    assert [a.data for a in spec.areas] == ["a=list_services", "a=documents", "a=apply", "a=status",
                                            "a=complaint", "a=handoff"]
    assert [a.display_text for a in spec.areas][4] == "แจ้งเรื่องร้องเรียน"
    request = spec.request()
    assert request["chatBarText"] == "เมนู" and len(request["areas"]) == 6
    assert request["areas"][0]["action"] == {"type": "postback", "label": "บริการทั้งหมด",
                                             "data": "a=list_services", "displayText": "บริการทั้งหมด"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["size"].update(height=1000), "size"),
        (lambda r: r["areas"][1]["bounds"].update(x=500), "overlap"),
        (lambda r: r["areas"][0].update(data="a=launch_rockets"), "intent"),
        (lambda r: r["areas"][5]["bounds"].update(width=900), "outside"),
        (lambda r: r.update(chat_bar_text="เมนูหลักของสำนักงาน"), "chat_bar_text"),
        (lambda r: r["areas"][0].update(colour="red"), "colour"),
    ],
)
def test_mistakes_in_the_definition_are_reported(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    raw = _raw()
    change(raw)
    with pytest.raises(RichMenuError, match=message):
        load_spec(_write(tmp_path, raw))


def test_the_image_has_the_right_size_and_the_shipped_one_is_current() -> None:
    spec = load_spec(SPEC_FILE)
    data, how = build_image(spec, NATIONAL)
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "PNG" and img.size == (2500, 1686)
        assert img.info[richmenu.HASH_KEY] == spec.fingerprint()
    assert len(data) < 1024 * 1024
    assert "font" in how or "shipped" in how
    # staff changed the labels without redrawing? this test says so
    assert richmenu._shipped(spec, NATIONAL) is not None, "run: python -m bot richmenu deploy --dry-run " \
        "--save-image knowledge/national/richmenu.png"


def test_without_a_thai_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(richmenu, "find_font", lambda: None)
    spec = load_spec(SPEC_FILE)
    shipped, how = build_image(spec, NATIONAL)
    assert how.startswith("shipped") and shipped == (NATIONAL / "richmenu.png").read_bytes()
    raw = _raw()
    raw["areas"][0]["label"] = "บริการ"  # the shipped image no longer matches
    changed = load_spec(_write(tmp_path, raw))
    data, how = build_image(changed, NATIONAL)
    assert "icons only" in how
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (2500, 1686)


async def test_deploy_creates_uploads_and_sets_default(settings: Settings, fake_line: FakeLineServer) -> None:
    spec = load_spec(SPEC_FILE)
    image, _ = build_image(spec, NATIONAL)
    first = await deploy(settings, spec, image)
    assert fake_line.default_richmenu == first
    assert fake_line.richmenu_images[first] == (image, "image/png")
    created = fake_line.richmenus[first]
    assert created["name"] == spec.name and created["areas"][4]["action"]["data"] == "a=complaint"
    upload = next(c for c in fake_line.calls if c.path.endswith("/content") and c.method == "POST")
    assert upload.headers["Authorization"] == "Bearer test-access-token"

    second = await deploy(settings, spec, image)  # a redeploy replaces the old menu
    assert second != first and fake_line.default_richmenu == second
    assert set(fake_line.richmenus) == {second}
    third = await deploy(settings, spec, image, keep_old=True)
    assert set(fake_line.richmenus) == {second, third}


async def test_deploy_reports_line_errors_and_cleans_up(settings: Settings, fake_line: FakeLineServer) -> None:
    from integrations.line.fake import Fault

    spec = load_spec(SPEC_FILE)
    fake_line.fail_next("/v2/bot/richmenu/richmenu-00000000000000000000000000000001/content", Fault(status=400))
    with pytest.raises(RichMenuError, match="400"):
        await deploy(settings, spec, b"\x89PNG\r\n\x1a\nnot really")
    assert fake_line.richmenus == {} and fake_line.default_richmenu is None
    no_token = settings.model_copy(update={"line_channel_access_token": None})
    with pytest.raises(RichMenuError, match="LINE_CHANNEL_ACCESS_TOKEN"):
        await deploy(no_token, spec, b"")


def test_command_line_dry_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "menu.png"
    assert richmenu.main(["deploy", "--dry-run", "--save-image", str(out)]) == 0
    request = json.loads(capsys.readouterr().out)
    assert request["size"] == {"width": 2500, "height": 1686}
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    broken = _raw()
    broken["areas"][0]["data"] = "a=nothing"
    assert richmenu.main(["deploy", "--dry-run", "--file", str(_write(tmp_path, broken))]) == 1
    assert "a=<intent id>" in capsys.readouterr().err


async def test_menu_buttons_reach_their_dialogs(sim: Simulator) -> None:
    spec = load_spec(SPEC_FILE)
    complaint = next(a for a in spec.areas if a.data == "a=complaint")
    screen = await sim.postback(complaint.data)
    assert "แจ้งเรื่องร้องเรียน" in screen.text and "หมวด" in screen.text
    handoff = next(a for a in spec.areas if a.data == "a=handoff")
    assert "เจ้าหน้าที่" in (await sim.postback(handoff.data)).text
