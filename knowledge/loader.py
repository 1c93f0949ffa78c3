"""Build one KnowledgeSnapshot from an office folder and the national folder it extends.

    snapshot = load_knowledge()                 # KNOWLEDGE_DIR, default tha_cha_lung
    snapshot, errors = try_load_knowledge(path)  # never raises; errors carry file:line

Loading is all-or-nothing: every file is parsed and checked, every problem is
collected, and a snapshot is returned only when there are none. Nothing is cached
between loads, so a reload sees exactly what is on disk.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from knowledge.consistency import check_repealed, resolve_root_causes
from knowledge.errors import KnowledgeError, KnowledgeLoadError, Loc, SourceFile, parse_yaml
from knowledge.schema import (
    PLACEHOLDERS,
    Category,
    FaqEntry,
    FaqFile,
    HolidayCalendar,
    LawsFile,
    NluExample,
    NluExampleItem,
    NluFile,
    OfficeConfig,
    PortalHelp,
    Service,
    SignboardRates,
)
from knowledge.snapshot import KnowledgeSnapshot
from knowledge.validator import (
    MESSAGE_KEY,
    REQUIRED_MESSAGES,
    LoadedService,
    LocatedExample,
    check_aliases,
    check_faq,
    check_nlu,
    check_pdf_artefacts,
    check_service,
    check_template,
    locate_condition_errors,
    pydantic_errors,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = "knowledge/offices/tha_cha_lung"
ENV_VAR = "KNOWLEDGE_DIR"

M = TypeVar("M", bound=BaseModel)

# {name} but not {{name}} (a literal brace in a str.format template)
_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
_CATEGORY_ORDER = {c: i for i, c in enumerate(Category)}


# --- Where the knowledge lives ---------------------------------------------------------


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


# --- Loading ---------------------------------------------------------------------------


def load_knowledge(path: str | Path | None = None) -> KnowledgeSnapshot:
    """Load and validate; raises KnowledgeLoadError listing every problem."""
    snapshot, errors = try_load_knowledge(path)
    if snapshot is None:
        raise KnowledgeLoadError(errors)
    return snapshot


def try_load_knowledge(
    path: str | Path | None = None,
) -> tuple[KnowledgeSnapshot | None, list[KnowledgeError]]:
    """(snapshot, []) when the tree is valid, else (None, every error). Never raises."""
    try:
        office_dir = resolve_office_dir(path)
    except KnowledgeLoadError as exc:
        return None, list(exc.errors)
    return _Loader(office_dir).run()


def holidays_of(snapshot: KnowledgeSnapshot) -> HolidayCalendar:
    """Typed access to holidays.yaml (an empty calendar when the tree has none)."""
    calendar = snapshot.extra.get("holidays")
    return calendar if isinstance(calendar, HolidayCalendar) else HolidayCalendar()


def portal_help_of(snapshot: KnowledgeSnapshot) -> PortalHelp | None:
    help_ = snapshot.extra.get("portal_help")
    return help_ if isinstance(help_, PortalHelp) else None


@dataclass
class _Loader:
    office_dir: Path
    errors: list[KnowledgeError] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)  # placeholder -> office text

    # -- helpers

    def parse(self, path: Path, *, optional: bool = False) -> SourceFile | None:
        if optional and not path.exists():
            return None
        sf, error = parse_yaml(path)
        if error is not None:
            self.errors.append(error)
            return None
        assert sf is not None
        self.files.append(sf)
        self.errors.extend(check_pdf_artefacts(sf))
        return sf

    def mapping(self, sf: SourceFile, what_th: str, what_en: str) -> dict[str, Any] | None:
        if sf.data is None:
            return {}
        if not isinstance(sf.data, dict):
            self.errors.append(
                sf.error(
                    (),
                    f"{what_th}ต้องเป็นกลุ่มข้อมูลแบบ ชื่อ: ค่า",
                    f"{what_en} must be a YAML mapping (key: value)",
                    code="not_mapping",
                )
            )
            return None
        return sf.data

    def validate(self, model: type[M], sf: SourceFile, data: Any, prefix: Loc = ()) -> M | None:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            self.errors.extend(pydantic_errors(sf, exc, prefix))
            return None

    def substitute(self, sf: SourceFile, data: Any, loc: Loc = (), *, strict: bool = True) -> Any:
        """Fill {office_name}, {office_short_name}, {office_phone} in every string.

        strict: any other {name} is an error (services, FAQ, guides). Message
        templates are not strict: their other fields are filled at run time.
        """
        if isinstance(data, str):
            return _PLACEHOLDER.sub(self._replacer(sf, loc, data, strict), data)
        if isinstance(data, dict):
            return {k: self.substitute(sf, v, (*loc, k), strict=strict) for k, v in data.items()}
        if isinstance(data, list):
            return [self.substitute(sf, v, (*loc, i), strict=strict) for i, v in enumerate(data)]
        return data

    def _replacer(self, sf: SourceFile, loc: Loc, text: str, strict: bool) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in self.values:
                return self.values[name]
            if strict:
                self.errors.append(
                    sf.error(
                        loc,
                        f"ไม่รู้จักตัวแทนข้อความ '{{{name}}}' ใช้ได้เฉพาะ "
                        + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS),
                        f"unknown placeholder '{{{name}}}'",
                        code="unknown_placeholder",
                        line=sf.find_line(match.group(0), sf.line_of(loc)),
                    )
                )
            return match.group(0)

        return replace

    # -- the whole tree

    def run(self) -> tuple[KnowledgeSnapshot | None, list[KnowledgeError]]:
        snapshot = self._build()
        # file by file, top to bottom, each problem once: the order staff fix them in
        unique = dict.fromkeys(self.errors)
        ordered = sorted(unique, key=lambda e: (str(e.path), e.line or 0))
        return snapshot, resolve_root_causes(ordered)

    def _build(self) -> KnowledgeSnapshot | None:
        office_sf = self.parse(self.office_dir / "office.yaml")
        office_raw = self.mapping(office_sf, "office.yaml ", "office.yaml") if office_sf else None
        if office_sf is None or office_raw is None:
            return None
        for placeholder, key in zip(PLACEHOLDERS, ("name", "short_name", "phone"), strict=True):
            value = office_raw.get(key)
            self.values[placeholder] = value if isinstance(value, str) else ""
        # overrides are service content, substituted when merged; the three sources stay as written
        verbatim = {"service_overrides", "name", "short_name", "phone"}
        office_data = {
            k: v if k in verbatim else self.substitute(office_sf, v, (k,)) for k, v in office_raw.items()
        }
        config = self.validate(OfficeConfig, office_sf, office_data)

        extends = office_raw.get("extends", "../../national")
        national_dir = (self.office_dir / str(extends)).resolve()
        if not (national_dir / "services").is_dir():
            self.errors.append(
                office_sf.error(
                    ("extends",),
                    f"ไม่พบโฟลเดอร์ส่วนกลาง '{extends}' (ต้องมีโฟลเดอร์ services อยู่ข้างใน)",
                    f"extends '{extends}' is not a national folder with services/",
                    code="missing_national",
                )
            )
            return None

        raw_services = self.read_services(national_dir)
        disabled = self.read_disabled(office_sf, office_raw, raw_services)
        loaded = self.build_services(office_sf, office_raw, raw_services)
        for item in loaded:
            self.errors.extend(check_service(item))
        self.errors.extend(check_aliases(loaded))
        laws = self.read_optional(national_dir / "laws.yaml", LawsFile)
        self.errors.extend(check_repealed(((s.service, s.file) for s in loaded), laws.laws if laws else []))
        all_ids = list(raw_services)  # invalid services still exist: no cascade of "unknown service"
        enabled_ids = [i for i in all_ids if i not in disabled]

        messages = self.read_messages(national_dir)
        faq = self.read_faq(national_dir, all_ids, enabled_ids, disabled)
        nlu = self.read_nlu(national_dir, all_ids, disabled)
        extra: dict[str, Any] = {}
        portal = self.read_portal_help(national_dir)
        if portal is not None:
            extra["portal_help"] = portal
        holidays = self.read_holidays(national_dir)
        if holidays is not None:
            extra["holidays"] = holidays
        if laws is not None:
            extra["laws"] = laws
        rates = self.read_optional(national_dir / "signboard_rates.yaml", SignboardRates)
        if rates is not None:
            extra["signboard_rates"] = rates

        if self.errors or config is None:
            return None
        ordered = sorted(loaded, key=lambda s: (_CATEGORY_ORDER[s.service.category], s.file.path.name))
        snapshot = KnowledgeSnapshot(
            office=config.profile(),
            services=MappingProxyType(
                {s.service.id: s.service for s in ordered if s.service.id not in disabled}
            ),
            messages=MappingProxyType(messages),
            faq=tuple(faq),
            nlu_examples=tuple(nlu),
            extra=MappingProxyType(extra),
            source_dirs=(self.office_dir, national_dir),
            version=self.version(),
        )
        return snapshot

    def version(self) -> str:
        digest = hashlib.sha256()
        for sf in sorted(self.files, key=lambda f: str(f.path)):
            digest.update(str(sf.path).encode())
            digest.update(b"\0")
            digest.update(sf.text.encode())
            digest.update(b"\0")
        return digest.hexdigest()[:16]

    # -- services and the office's changes to them

    def read_services(self, national_dir: Path) -> dict[str, tuple[SourceFile, dict[str, Any]]]:
        services: dict[str, tuple[SourceFile, dict[str, Any]]] = {}
        paths = sorted((national_dir / "services").glob("*.yaml"))
        if not paths:
            self.errors.append(
                KnowledgeError(
                    national_dir / "services",
                    None,
                    "ยังไม่มีไฟล์บริการในโฟลเดอร์ services",
                    "no service files",
                    "no_services",
                )
            )
        for path in paths:
            sf = self.parse(path)
            raw = self.mapping(sf, "ไฟล์บริการ", "a service file") if sf else None
            if sf is None or raw is None:
                continue
            service_id = raw.get("id") if isinstance(raw.get("id"), str) else path.stem
            if service_id in services:
                self.errors.append(
                    sf.error(
                        ("id",),
                        f"รหัสบริการ '{service_id}' ซ้ำกับไฟล์ {services[service_id][0].path.name}",
                        f"service id '{service_id}' is also used by {services[service_id][0].path.name}",
                        code="duplicate_service",
                    )
                )
                continue
            services[service_id] = (sf, self.substitute(sf, raw))
        return services

    def read_disabled(
        self, office_sf: SourceFile, office_raw: dict[str, Any], services: dict[str, Any]
    ) -> set[str]:
        disabled = office_raw.get("disabled_services") or []
        if not isinstance(disabled, list):
            return set()  # the schema reports the wrong type
        for i, service_id in enumerate(disabled):
            if isinstance(service_id, str) and service_id not in services:
                self.errors.append(
                    office_sf.error(
                        ("disabled_services", i),
                        f"ปิดบริการ '{service_id}' ไม่ได้ เพราะไม่มีบริการนี้ในส่วนกลาง",
                        f"disabled_services names unknown service '{service_id}'",
                        code="unknown_service",
                    )
                )
        return {s for s in disabled if isinstance(s, str)}

    def build_services(
        self,
        office_sf: SourceFile,
        office_raw: dict[str, Any],
        raw_services: dict[str, tuple[SourceFile, dict[str, Any]]],
    ) -> list[LoadedService]:
        overrides = office_raw.get("service_overrides") or {}
        if not isinstance(overrides, dict):
            overrides = {}  # the schema reports the wrong type
        for service_id in overrides:
            if service_id not in raw_services:
                self.errors.append(
                    office_sf.error(
                        ("service_overrides", service_id),
                        f"ปรับบริการ '{service_id}' ไม่ได้ เพราะไม่มีบริการนี้ในส่วนกลาง",
                        f"service_overrides names unknown service '{service_id}'",
                        code="unknown_service",
                    )
                )
        loaded: list[LoadedService] = []
        for service_id, (sf, raw) in raw_services.items():
            merged = dict(raw)
            redirect: dict[str, tuple[SourceFile, Loc]] = {}
            changes = overrides.get(service_id)
            if isinstance(changes, dict):
                for name, value in changes.items():
                    loc: Loc = ("service_overrides", service_id, name)
                    if name not in Service.model_fields or name == "id":
                        self.errors.append(
                            office_sf.error(
                                loc,
                                f"ปรับช่อง '{name}' ของบริการ '{service_id}' ไม่ได้ (ไม่มีช่องนี้ หรือเป็นช่องที่ห้ามเปลี่ยน)",
                                f"cannot override field '{name}' of service '{service_id}'",
                                code="unknown_override_field",
                            )
                        )
                        continue
                    merged[name] = self.substitute(office_sf, value, loc)
                    redirect[name] = (office_sf, ("service_overrides", service_id))
            try:
                service = Service.model_validate(merged)
            except ValidationError as exc:
                precise = (
                    locate_condition_errors(sf, merged) if any(not e["loc"] for e in exc.errors()) else []
                )
                self.errors.extend(pydantic_errors(sf, exc, redirect=redirect, skip_top=bool(precise)))
                self.errors.extend(precise)
                continue
            loaded.append(LoadedService(service, sf))
        return loaded

    # -- wording, questions, guides

    def read_messages(self, national_dir: Path) -> dict[str, str]:
        messages: dict[str, str] = {}
        origin: dict[str, SourceFile] = {}
        folder = national_dir / "messages"
        for path in sorted(folder.glob("*.yaml")):
            sf = self.parse(path)
            raw = self.mapping(sf, "ไฟล์ข้อความ", "a messages file") if sf else None
            if sf is None or raw is None:
                continue
            for key, value in raw.items():
                template = self._message(sf, key, value)
                if template is None:
                    continue
                if key in origin:
                    other = origin[key]
                    self.errors.append(
                        sf.error(
                            (key,),
                            f"ข้อความ '{key}' ถูกกำหนดซ้ำ (มีแล้วที่ {other.path.name}:{other.line_of((key,))})",
                            f"message key '{key}' is already defined in {other.path.name}",
                            code="duplicate_message",
                        )
                    )
                    continue
                origin[key] = sf
                messages[key] = template
        local = self.parse(self.office_dir / "messages.yaml", optional=True)
        local_raw = self.mapping(local, "ไฟล์ข้อความ", "a messages file") if local else None
        if local is not None and local_raw is not None:
            for key, value in local_raw.items():
                template = self._message(local, key, value)
                if template is None:
                    continue
                if key not in messages:
                    self.errors.append(
                        local.error(
                            (key,),
                            f"ไม่มีข้อความ '{key}' ในส่วนกลางให้แทนที่ (สะกดชื่อผิดหรือไม่)",
                            f"office message '{key}' overrides no national message",
                            code="unknown_message",
                        )
                    )
                    continue
                messages[key] = template
        missing = [k for k in REQUIRED_MESSAGES if k not in messages]
        if missing:
            self.errors.append(
                KnowledgeError(
                    folder,
                    None,
                    f"ขาดข้อความที่บอตต้องใช้: {', '.join(missing)}",
                    f"required message keys missing: {', '.join(missing)}",
                    "missing_message",
                )
            )
        return messages

    def _message(self, sf: SourceFile, key: Any, value: Any) -> str | None:
        if not isinstance(key, str) or not MESSAGE_KEY.match(key):
            self.errors.append(
                sf.error(
                    (key,),
                    f"ชื่อข้อความ '{key}' ไม่ถูกรูปแบบ (อักษรอังกฤษตัวเล็กคั่นด้วยจุด เช่น greeting.follow)",
                    f"message key '{key}' must look like 'greeting.follow'",
                    code="message_key",
                )
            )
            return None
        if not isinstance(value, str) or not value.strip():
            self.errors.append(
                sf.error(
                    (key,),
                    f"ข้อความ '{key}' ต้องเป็นข้อความที่ไม่ว่าง",
                    f"message '{key}' must be non-empty text",
                    code="message_value",
                )
            )
            return None
        template: str = self.substitute(sf, value, (key,), strict=False)
        problems = check_template(sf, (key,), template)
        self.errors.extend(problems)
        return None if problems else template

    def read_faq(
        self, national_dir: Path, all_ids: list[str], enabled_ids: list[str], disabled: set[str]
    ) -> list[FaqEntry]:
        entries: dict[str, FaqEntry] = {}
        for sf, service_ids, layer in (
            (self.parse(national_dir / "faq.yaml", optional=True), all_ids, "national"),
            (self.parse(self.office_dir / "faq.yaml", optional=True), enabled_ids, "office"),
        ):
            raw = self.mapping(sf, "faq.yaml ", "faq.yaml") if sf else None
            if sf is None or raw is None:
                continue
            parsed = self.validate(FaqFile, sf, self.substitute(sf, raw))
            if parsed is None:
                continue
            self.errors.extend(check_faq(sf, parsed.faq, service_ids))
            for entry in parsed.faq:
                if layer == "national" and entry.service in disabled:
                    continue  # this office does not offer the service
                entries[entry.id] = entry  # a local entry replaces the national one of the same id
        return list(entries.values())

    def read_nlu(self, national_dir: Path, all_ids: list[str], disabled: set[str]) -> list[NluExample]:
        located: list[LocatedExample] = []
        for path in sorted((national_dir / "nlu").glob("*.yaml")):
            sf = self.parse(path)
            raw = self.mapping(sf, "ไฟล์ตัวอย่างประโยค", "an NLU file") if sf else None
            if sf is None or raw is None:
                continue
            parsed = self.validate(NluFile, sf, raw)
            if parsed is None:
                continue
            for i, item in enumerate(parsed.examples):
                text, service = (item, None) if isinstance(item, str) else (item.text, item.service)
                loc: Loc = ("examples", i) if isinstance(item, str) else ("examples", i, "text")
                assert isinstance(item, str | NluExampleItem)
                example = NluExample(text=text, intent=parsed.intent, service=service)
                located.append(LocatedExample(example, sf, loc))
        self.errors.extend(check_nlu(located, all_ids))
        return [x.example for x in located if x.example.service not in disabled]

    def read_portal_help(self, national_dir: Path) -> PortalHelp | None:
        sf = self.parse(national_dir / "portal_help.yaml", optional=True)
        raw = self.mapping(sf, "portal_help.yaml ", "portal_help.yaml") if sf else None
        if sf is None or raw is None:
            return None
        parsed = self.validate(PortalHelp, sf, self.substitute(sf, raw))
        if parsed is None:
            return None
        seen: set[str] = set()
        for i, topic in enumerate(parsed.topics):
            if topic.id in seen:
                self.errors.append(
                    sf.error(
                        ("topics", i, "id"),
                        f"รหัสหัวข้อ '{topic.id}' ซ้ำกัน",
                        f"duplicate topic id '{topic.id}'",
                        code="duplicate_topic",
                    )
                )
            seen.add(topic.id)
        return parsed

    def read_optional(self, path: Path, model: type[M]) -> M | None:
        """A file with one model and no cross-references (laws, rate tables); absent = None."""
        sf = self.parse(path, optional=True)
        raw = self.mapping(sf, f"{path.name} ", path.name) if sf else None
        if sf is None or raw is None:
            return None
        return self.validate(model, sf, raw)

    def read_holidays(self, national_dir: Path) -> HolidayCalendar | None:
        sf = self.parse(national_dir / "holidays.yaml", optional=True)
        raw = self.mapping(sf, "holidays.yaml ", "holidays.yaml") if sf else None
        if sf is None or raw is None:
            return None
        parsed = self.validate(HolidayCalendar, sf, raw)
        if parsed is None:
            return None
        seen: set[Any] = set()
        for i, holiday in enumerate(parsed.holidays):
            if holiday.date in seen:
                self.errors.append(
                    sf.error(
                        ("holidays", i, "date"),
                        f"วันที่ {holiday.date} ซ้ำกัน",
                        f"duplicate holiday date {holiday.date}",
                        code="duplicate_holiday",
                    )
                )
            seen.add(holiday.date)
        return parsed
