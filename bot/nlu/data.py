"""The NLU's own, lenient reader of the knowledge files it trains on.

The bot normally trains from the loader's `KnowledgeSnapshot` (see `pipeline_from_snapshot`).
This reader exists for the NLU command line, the benchmark and the tests: it reads only
what the NLU needs (example sentences, service names, FAQ questions) and skips a broken
file or item with a warning instead of refusing everything, so one colleague's half-saved
service file does not stop an accuracy run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic import ValidationError

from knowledge.schema import FaqEntry, NluExample

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OFFICE_DIR = REPO_ROOT / "knowledge" / "offices" / "tha_cha_lung"
NATIONAL_DIR = REPO_ROOT / "knowledge" / "national"
ENV_VAR = "KNOWLEDGE_DIR"

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster


class ServiceLike(Protocol):
    """The part of `knowledge.schema.Service` the NLU uses."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def short_name(self) -> str: ...
    @property
    def aliases(self) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class ServiceNames:
    id: str
    title: str
    short_name: str
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TrainingData:
    examples: list[NluExample]
    services: list[ServiceNames]
    faq: list[FaqEntry]
    dirs: tuple[Path, ...]


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        log.warning("NLU: cannot read %s: %s", path, exc)
        return None


def resolve_dirs(path: str | Path | None = None) -> tuple[Path, ...]:
    """(national, office) folders to read, most general first.

    `path` (else $KNOWLEDGE_DIR, else knowledge/offices/tha_cha_lung) may be an office
    folder (its office.yaml names the national folder with `extends:`), the knowledge/
    root (its default_office file names the office), a folder holding nlu/ directly, or
    missing, in which case knowledge/national is used alone.
    """
    raw = path if path is not None else os.environ.get(ENV_VAR)
    candidate = Path(raw).expanduser() if raw else DEFAULT_OFFICE_DIR
    if not candidate.is_absolute() and not candidate.exists():
        candidate = REPO_ROOT / candidate
    marker = candidate / "default_office"
    if marker.is_file():  # the knowledge/ root: the office it names
        names = [ln.strip() for ln in marker.read_text(encoding="utf-8").splitlines()]
        name = next((n for n in names if n and not n.startswith("#")), "")
        if name and (candidate / "offices" / name).is_dir():
            candidate = candidate / "offices" / name
    if (candidate / "office.yaml").is_file():
        office = _read_yaml(candidate / "office.yaml")
        extends = office.get("extends") if isinstance(office, dict) else None
        national = (candidate / (extends if isinstance(extends, str) else "../../national")).resolve()
        return (national, candidate.resolve())
    if (candidate / "nlu").is_dir() or (candidate / "services").is_dir():
        return (candidate.resolve(),)
    log.warning("NLU: no knowledge at %s, using %s", candidate, NATIONAL_DIR)
    return (NATIONAL_DIR,)


def read_examples(nlu_dirs: Iterable[Path]) -> list[NluExample]:
    """Examples of every nlu/<intent>.yaml: `intent` + `examples` (text or {text, service})."""
    examples: list[NluExample] = []
    for nlu_dir in nlu_dirs:
        for path in sorted(nlu_dir.glob("*.yaml")):
            data = _read_yaml(path)
            if not isinstance(data, dict) or not isinstance(data.get("intent"), str):
                log.warning("NLU: %s has no `intent:`; skipped", path)
                continue
            intent = data["intent"]
            for i, item in enumerate(data.get("examples") or []):
                text, service = (
                    (item, None) if not isinstance(item, dict) else (item.get("text"), item.get("service"))
                )
                if text is None or isinstance(text, dict | list) or not str(text).strip():
                    log.warning("NLU: %s example %d is not a sentence; skipped", path, i + 1)
                    continue
                examples.append(NluExample(text=str(text), intent=intent, service=service or None))
    return examples


def read_services(services_dirs: Iterable[Path], office: dict[str, Any] | None = None) -> list[ServiceNames]:
    """Names of each service: id, title, short_name, aliases (office overrides applied)."""
    office = office or {}
    disabled = set(office.get("disabled_services") or [])
    overrides: dict[str, dict[str, Any]] = office.get("service_overrides") or {}
    found: dict[str, ServiceNames] = {}
    for services_dir in services_dirs:
        for path in sorted(services_dir.glob("*.yaml")):
            data = _read_yaml(path)
            if not isinstance(data, dict):
                continue
            sid = data.get("id") or path.stem
            data = {**data, **overrides.get(sid, {})}
            title, short = data.get("title"), data.get("short_name")
            aliases = [str(a) for a in data.get("aliases") or [] if str(a).strip()]
            if sid in disabled or not isinstance(title, str):
                continue
            found[sid] = ServiceNames(sid, title, short if isinstance(short, str) else title, aliases)
    return list(found.values())


def read_faq(dirs: Iterable[Path], placeholders: dict[str, str] | None = None) -> list[FaqEntry]:
    """FAQ entries of each folder's faq.yaml (`faq:` list); a later folder overrides an id.

    `{office_name}`-style placeholders in questions are filled from `placeholders`, as
    the knowledge loader does, so the matcher sees the words citizens type.
    """
    entries: dict[str, FaqEntry] = {}
    values = placeholders or {}
    for folder in dirs:
        path = folder / "faq.yaml"
        if not path.is_file():
            continue
        data = _read_yaml(path)
        items = data.get("faq") if isinstance(data, dict) else data
        for item in items or []:
            if isinstance(item, dict) and isinstance(item.get("questions"), list):
                item = {**item, "questions": [_fill(str(q), values) for q in item["questions"]]}
            try:
                entry = FaqEntry.model_validate(item)
            except ValidationError as exc:
                log.warning("NLU: %s has an invalid FAQ entry: %s", path, exc.errors()[0].get("msg"))
                continue
            entries[entry.id] = entry
    return list(entries.values())


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def load_training_data(path: str | Path | None = None) -> TrainingData:
    dirs = resolve_dirs(path)
    office_yaml = dirs[-1] / "office.yaml"
    raw_office = _read_yaml(office_yaml) if office_yaml.is_file() else None
    office: dict[str, Any] = raw_office if isinstance(raw_office, dict) else {}
    services = read_services((d / "services" for d in dirs), office)
    disabled = set(office.get("disabled_services") or [])
    examples = [e for e in read_examples(d / "nlu" for d in dirs) if e.service not in disabled]
    placeholders = {
        key: str(office[field_name])
        for key, field_name in (
            ("office_name", "name"),
            ("office_short_name", "short_name"),
            ("office_phone", "phone"),
        )
        if office.get(field_name)
    }
    return TrainingData(examples=examples, services=services, faq=read_faq(dirs, placeholders), dirs=dirs)
