"""`python -m bot richmenu deploy [--dry-run] [--save-image FILE] [--keep-old]`: the rich menu.

The menu is defined in knowledge/national/richmenu.yaml (an office folder may have its own
richmenu.yaml). Deploy validates it, draws the image, creates the menu through the LINE
Messaging API (line-bot-sdk v3: create_rich_menu, set_rich_menu_image on the data host,
set_default_rich_menu), removes older menus of the same name (unless --keep-old) and
prints the new rich menu id. LINE_API_BASE_URL / LINE_DATA_API_BASE_URL are honoured.

The image (Pillow): one rounded tile per area, a drawn icon and the Thai label. Font, first
found: $RICHMENU_FONT; Noto Sans Thai from the pip package fontpkg-noto-sans-thai (extra
"richmenu" in pyproject); Debian fonts-thai-tlwg or fonts-noto-core. Without a Thai font
the shipped image (`image:` in the YAML, drawn earlier by this command) is used if it was
drawn from the same labels; otherwise the tiles carry icons only, and a warning says so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import io
import json
import os
import sys
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.config import Settings
from core.intents import INTENTS
from knowledge.loader import locate

FILE_NAME = "richmenu.yaml"
WIDTH = 2500
HEIGHTS = (1686, 843)
MAX_IMAGE_BYTES = 1024 * 1024
HASH_KEY = "richmenu-hash"  # PNG text chunk: which labels the shipped image was drawn from
ACTIONS = INTENTS | {"menu"}
Icon = Literal["list", "document", "form", "search", "megaphone", "person"]


class RichMenuError(Exception):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Size(_Strict):
    width: int
    height: int


class Bounds(_Strict):
    x: int = Field(ge=0)
    y: int = Field(ge=0)
    width: int = Field(gt=0)
    height: int = Field(gt=0)

    def overlaps(self, other: Bounds) -> bool:
        return (self.x < other.x + other.width and other.x < self.x + self.width
                and self.y < other.y + other.height and other.y < self.y + self.height)


class Area(_Strict):
    label: str = Field(min_length=1, max_length=20)  # also the action label (LINE: ≤ 20)
    icon: Icon
    bounds: Bounds
    data: str = Field(min_length=3, max_length=300)
    display_text: str = Field(min_length=1, max_length=300)

    @model_validator(mode="after")
    def _known_action(self) -> Area:
        action = dict(parse_qsl(self.data)).get("a")
        if action not in ACTIONS:
            raise ValueError(f"data '{self.data}' must start with a=<intent id>, one of {sorted(ACTIONS)} "
                             f"/ data ต้องเป็น a=<รหัสเจตนา>")
        return self


class Colors(_Strict):
    background: str = "#FFFFFF"
    tile: str = "#0B6E4F"
    text: str = "#FFFFFF"


class RichMenuSpec(_Strict):
    name: str = Field(min_length=1, max_length=300)
    chat_bar_text: str = Field(min_length=1, max_length=14)
    selected: bool = True
    size: Size
    image: str | None = None  # shipped image, next to the YAML file
    colors: Colors = Colors()
    areas: list[Area] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _layout(self) -> RichMenuSpec:
        if self.size.width != WIDTH or self.size.height not in HEIGHTS:
            raise ValueError(f"size must be {WIDTH}x{HEIGHTS[0]} or {WIDTH}x{HEIGHTS[1]} "
                             f"/ ขนาดภาพต้องเป็น 2500x1686 หรือ 2500x843")
        for i, area in enumerate(self.areas):
            b = area.bounds
            if b.x + b.width > self.size.width or b.y + b.height > self.size.height:
                raise ValueError(f"area {i + 1} ({area.label}) is outside the image / ปุ่มที่ {i + 1} เกินขอบภาพ")
            for j, other in enumerate(self.areas[:i]):
                if b.overlaps(other.bounds):
                    raise ValueError(f"areas {j + 1} and {i + 1} overlap / ปุ่มที่ {j + 1} กับ {i + 1} ทับกัน")
        return self

    def fingerprint(self) -> str:
        """What the image depends on: a shipped image drawn from other labels is stale."""
        drawn = {"size": self.size.model_dump(), "colors": self.colors.model_dump(),
                 "areas": [a.model_dump(include={"label", "icon", "bounds"}) for a in self.areas]}
        return hashlib.sha256(json.dumps(drawn, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]

    def request(self) -> dict[str, Any]:
        """The body of POST /v2/bot/richmenu."""
        return {
            "size": self.size.model_dump(),
            "selected": self.selected,
            "name": self.name,
            "chatBarText": self.chat_bar_text,
            "areas": [
                {"bounds": a.bounds.model_dump(),
                 "action": {"type": "postback", "label": a.label, "data": a.data, "displayText": a.display_text}}
                for a in self.areas
            ],
        }


def spec_path(knowledge_dir: Path | str) -> Path:
    """The office's own richmenu.yaml if it has one, else the national one."""
    where = locate(knowledge_dir)
    office = where.office_dir / FILE_NAME
    return office if office.exists() else where.national_dir / FILE_NAME


def load_spec(path: Path) -> RichMenuSpec:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RichMenuError(f"{path}: cannot read ({exc}) / อ่านไฟล์ไม่ได้") from exc
    try:
        return RichMenuSpec.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '-'}: {e['msg']}" for e in exc.errors())
        raise RichMenuError(f"{path}: {problems}") from exc


# --- the image ------------------------------------------------------------------------------

FONT_FILES = (  # Debian fonts-noto-core, fonts-thai-tlwg (ttf and otf flavours)
    "truetype/noto/NotoSansThai-Bold.ttf", "truetype/noto/NotoSansThai-Regular.ttf",
    "truetype/tlwg/Loma-Bold.ttf", "opentype/tlwg/Loma-Bold.otf",
    "truetype/tlwg/Garuda-Bold.ttf", "opentype/tlwg/Garuda-Bold.otf",
    "truetype/tlwg/Waree-Bold.ttf", "opentype/tlwg/Waree-Bold.otf",
)
FONT_DIR = Path("/usr/share/fonts")
GAP, RADIUS = 20, 56


def find_font() -> Path | None:
    """A font with Thai letters, or None (see the module docstring for the order)."""
    env = os.environ.get("RICHMENU_FONT")
    if env and Path(env).is_file():
        return Path(env)
    try:
        import fontpkg_noto_sans_thai as noto  # type: ignore[import-not-found]

        packaged = sorted(Path(noto.ROOT, "files").glob("*.[ot]tf"))
        if packaged:
            return packaged[0]
    except ImportError:
        pass
    for name in FONT_FILES:
        if (FONT_DIR / name).is_file():
            return FONT_DIR / name
    return None


def _icon(draw: Any, icon: str, cx: float, cy: float, s: float, fg: str, bg: str) -> None:
    """Simple line icons drawn with Pillow primitives (no icon files needed)."""
    w = max(8, round(s / 13))
    if icon == "list":
        for i in range(3):
            y = cy - 0.3 * s + i * 0.3 * s
            draw.ellipse((cx - 0.45 * s, y - 0.07 * s, cx - 0.31 * s, y + 0.07 * s), fill=fg)
            draw.line((cx - 0.18 * s, y, cx + 0.45 * s, y), fill=fg, width=w)
    elif icon in {"document", "form"}:
        draw.rounded_rectangle((cx - 0.33 * s, cy - 0.45 * s, cx + 0.33 * s, cy + 0.45 * s), radius=w, outline=fg,
                               width=w)
        for i in range(3):
            y = cy - 0.2 * s + i * 0.2 * s
            draw.line((cx - 0.18 * s, y, cx + (0.18 if icon == "document" else 0.02) * s, y), fill=fg, width=w)
        if icon == "form":  # a pencil across the page
            draw.line((cx + 0.05 * s, cy + 0.4 * s, cx + 0.5 * s, cy - 0.1 * s), fill=bg, width=w * 4)
            draw.line((cx + 0.08 * s, cy + 0.37 * s, cx + 0.47 * s, cy - 0.07 * s), fill=fg, width=w * 2)
    elif icon == "search":
        draw.ellipse((cx - 0.42 * s, cy - 0.42 * s, cx + 0.18 * s, cy + 0.18 * s), outline=fg, width=w)
        draw.line((cx + 0.1 * s, cy + 0.1 * s, cx + 0.42 * s, cy + 0.42 * s), fill=fg, width=round(w * 1.8))
    elif icon == "megaphone":
        draw.polygon([(cx - 0.42 * s, cy - 0.13 * s), (cx + 0.15 * s, cy - 0.4 * s),
                      (cx + 0.15 * s, cy + 0.4 * s), (cx - 0.42 * s, cy + 0.13 * s)], fill=fg)
        draw.rectangle((cx - 0.3 * s, cy + 0.1 * s, cx - 0.16 * s, cy + 0.38 * s), fill=fg)
        for r in (0.25, 0.4):
            draw.arc((cx + 0.15 * s - r * s, cy - r * s, cx + 0.15 * s + r * s, cy + r * s), -40, 40,
                     fill=fg, width=w)
    else:  # person
        draw.ellipse((cx - 0.19 * s, cy - 0.45 * s, cx + 0.19 * s, cy - 0.07 * s), fill=fg)
        draw.pieslice((cx - 0.4 * s, cy, cx + 0.4 * s, cy + 0.8 * s), 180, 360, fill=fg)


def _label_font(font: Path, text: str, max_width: float, size: int) -> Any:
    from PIL import ImageFont

    while True:
        face = ImageFont.truetype(str(font), size)
        with contextlib.suppress(OSError, ValueError, AttributeError):
            face.set_variation_by_name("Bold")  # variable fonts (Noto Sans Thai)
        if face.getlength(text) <= max_width or size <= 24:
            return face
        size -= 4


def render(spec: RichMenuSpec, font: Path | None, meta: dict[str, str]) -> bytes:
    """Draw the menu as PNG; `meta` goes into PNG text chunks."""
    from PIL import Image, ImageDraw, PngImagePlugin

    colors = spec.colors
    img = Image.new("RGB", (spec.size.width, spec.size.height), colors.background)
    draw = ImageDraw.Draw(img)
    for area in spec.areas:
        b = area.bounds
        left, top, right, bottom = b.x + GAP, b.y + GAP, b.x + b.width - GAP, b.y + b.height - GAP
        draw.rounded_rectangle((left, top, right, bottom), radius=RADIUS, fill=colors.tile)
        width, height = right - left, bottom - top
        cx = (left + right) / 2
        if font is None:
            _icon(draw, area.icon, cx, top + height / 2, min(width, height) * 0.55, colors.text, colors.tile)
            continue
        _icon(draw, area.icon, cx, top + height * 0.4, min(width, height) * 0.42, colors.text, colors.tile)
        face = _label_font(font, area.label, width * 0.9, round(height * 0.13))
        draw.text((cx, top + height * 0.8), area.label, font=face, fill=colors.text, anchor="mm")
    info = PngImagePlugin.PngInfo()
    for key, value in meta.items():
        info.add_text(key, value)
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True, pnginfo=info)
    return out.getvalue()



def _shipped(spec: RichMenuSpec, folder: Path) -> bytes | None:
    if not spec.image:
        return None
    path = folder / spec.image
    if not path.is_file():
        return None
    from PIL import Image

    data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as img:
        fresh = img.info.get(HASH_KEY) == spec.fingerprint() and img.size == (spec.size.width, spec.size.height)
    return data if fresh else None


def build_image(spec: RichMenuSpec, folder: Path, font: Path | None = None) -> tuple[bytes, str]:
    """The PNG to upload and how it was made."""
    font = font or find_font()
    if font is None:
        shipped = _shipped(spec, folder)
        if shipped is not None:
            return shipped, f"shipped image {spec.image} (no Thai font found to redraw it)"
    data = render(spec, font, {HASH_KEY: spec.fingerprint()})
    if len(data) > MAX_IMAGE_BYTES:
        raise RichMenuError(f"image is {len(data)} bytes, LINE accepts at most 1 MB")
    if font is None:
        return data, "drawn with icons only: no Thai font found (set RICHMENU_FONT or install fonts-thai-tlwg)"
    return data, f"drawn with font {font.name}"


# --- LINE -----------------------------------------------------------------------------------


async def deploy(settings: Settings, spec: RichMenuSpec, image: bytes, *, keep_old: bool = False) -> str:
    """Create the menu, upload its image, make it the default; returns the new rich menu id."""
    from linebot.v3.messaging import (
        AsyncApiClient,
        AsyncMessagingApi,
        AsyncMessagingApiBlob,
        Configuration,
        RichMenuRequest,
    )
    from linebot.v3.messaging.exceptions import ApiException

    if settings.line_channel_access_token is None:
        raise RichMenuError("LINE_CHANNEL_ACCESS_TOKEN is not set / ยังไม่ได้ตั้งค่า LINE_CHANNEL_ACCESS_TOKEN")
    token = settings.line_channel_access_token.get_secret_value()
    api_client = AsyncApiClient(Configuration(host=settings.line_api_base_url.rstrip("/"), access_token=token))
    data_client = AsyncApiClient(Configuration(host=settings.line_data_api_base_url.rstrip("/"), access_token=token))
    api, blob = AsyncMessagingApi(api_client), AsyncMessagingApiBlob(data_client)
    menu_id: str | None = None
    try:
        request = RichMenuRequest.from_dict(spec.request())
        await api.validate_rich_menu_object(request)
        menu_id = (await api.create_rich_menu(request)).rich_menu_id
        await blob.set_rich_menu_image(menu_id, body=image, _headers={"Content-Type": "image/png"})
        await api.set_default_rich_menu(menu_id)
        if not keep_old:
            listing = await api.get_rich_menu_list()
            for menu in listing.richmenus or []:
                if menu.rich_menu_id != menu_id and menu.name == spec.name:
                    await api.delete_rich_menu(menu.rich_menu_id)
        return menu_id
    except ApiException as exc:
        body = exc.body.decode() if isinstance(exc.body, bytes) else str(exc.body or exc.reason)
        if menu_id is not None:  # do not leave a half-made menu behind
            with contextlib.suppress(ApiException):
                await api.delete_rich_menu(menu_id)
        raise RichMenuError(f"LINE API {exc.status}: {body[:300]}") from exc
    finally:
        await api_client.close()
        await data_client.close()


# --- command line ---------------------------------------------------------------------------


def _write(text: str, stream: Any = None) -> None:
    (stream or sys.stdout).write(text + "\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot richmenu", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    dep = sub.add_parser("deploy", help="validate, draw, create and set as default")
    dep.add_argument("--dry-run", action="store_true", help="validate and draw only; no LINE calls")
    dep.add_argument("--save-image", type=Path, help="also write the PNG to this file")
    dep.add_argument("--keep-old", action="store_true", help="keep older menus of the same name")
    dep.add_argument("--file", type=Path, help="menu definition (default: richmenu.yaml of the knowledge)")
    args = parser.parse_args(argv)

    settings = Settings()
    path = args.file or spec_path(os.environ.get("KNOWLEDGE_DIR") or settings.knowledge_dir)
    try:
        spec = load_spec(path)
        image, how = build_image(spec, path.parent)
        if args.save_image:
            args.save_image.write_bytes(image)
        _write(f"OK {path}: '{spec.name}' {spec.size.width}x{spec.size.height}, {len(spec.areas)} areas; "
               f"image {len(image) // 1024} KB, {how}", sys.stderr)
        if args.dry_run:
            _write(json.dumps(spec.request(), ensure_ascii=False, indent=2))
            return 0
        menu_id = asyncio.run(deploy(settings, spec, image, keep_old=args.keep_old))
    except RichMenuError as exc:
        _write(f"error: {exc}", sys.stderr)
        return 1
    _write(menu_id)
    return 0
