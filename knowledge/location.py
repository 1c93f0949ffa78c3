"""Where the knowledge lives: the office folder to load and the national folder it extends."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from knowledge.errors import KnowledgeError, KnowledgeLoadError, parse_yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = "knowledge/offices/tha_cha_lung"
ENV_VAR = "KNOWLEDGE_DIR"


@dataclass(frozen=True, slots=True)
class KnowledgeLocation:
    office_dir: Path
    national_dir: Path

    @property
    def watch_dirs(self) -> tuple[Path, ...]:
        return (self.office_dir, self.national_dir)


def resolve_office_dir(path: str | Path | None = None) -> Path:
    """The office folder to load: `path`, else $KNOWLEDGE_DIR, else tha_cha_lung.

    A relative path that does not exist from the working directory is taken from
    the repository root, so the bot finds its knowledge wherever it is started.
    The `knowledge/` root itself is accepted too: then the office named in
    `knowledge/default_office`, or the only office under `offices/`.
    """
    raw = path if path is not None else (os.environ.get(ENV_VAR) or DEFAULT_KNOWLEDGE_DIR)
    candidate = Path(raw).expanduser()
    if not candidate.is_absolute() and not candidate.exists():
        candidate = REPO_ROOT / candidate
    candidate = candidate.resolve()
    if (candidate / "office.yaml").is_file():
        return candidate
    offices = candidate / "offices"
    if offices.is_dir():
        marker = candidate / "default_office"
        if marker.is_file():
            lines = [ln.strip() for ln in marker.read_text(encoding="utf-8").splitlines()]
            name = next((ln for ln in lines if ln and not ln.startswith("#")), "")
            chosen = offices / name
            if name and (chosen / "office.yaml").is_file():
                return chosen
            raise KnowledgeLoadError(
                [
                    KnowledgeError(
                        marker,
                        1,
                        f"ไม่พบสำนักงาน '{name}' ในโฟลเดอร์ offices/",
                        f"default_office names '{name}', which has no offices/{name}/office.yaml",
                        "missing_office",
                    )
                ]
            )
        found = sorted(d for d in offices.iterdir() if (d / "office.yaml").is_file())
        if len(found) == 1:
            return found[0]
        raise KnowledgeLoadError(
            [
                KnowledgeError(
                    candidate,
                    None,
                    f"มีสำนักงาน {len(found)} แห่งใน offices/ ให้เลือกโดยเขียนชื่อไว้ในไฟล์ default_office",
                    f"{len(found)} offices under offices/: name one in a default_office file",
                    "ambiguous_office",
                )
            ]
        )
    raise KnowledgeLoadError(
        [
            KnowledgeError(
                candidate,
                None,
                "ไม่พบ office.yaml ในโฟลเดอร์นี้ (ตั้งค่า KNOWLEDGE_DIR ให้ชี้ไปที่โฟลเดอร์ของสำนักงาน)",
                f"no office.yaml here; point {ENV_VAR} at an office folder",
                "missing_office",
            )
        ]
    )


def locate(path: str | Path | None = None) -> KnowledgeLocation:
    """Office and national folders, reading only `extends` (works even when files are broken)."""
    office_dir = resolve_office_dir(path)
    extends = "../../national"
    sf, _ = parse_yaml(office_dir / "office.yaml")
    if sf is not None and isinstance(sf.data, dict) and isinstance(sf.data.get("extends"), str):
        extends = sf.data["extends"]
    return KnowledgeLocation(office_dir, (office_dir / extends).resolve())
