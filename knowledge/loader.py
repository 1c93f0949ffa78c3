"""Build one KnowledgeSnapshot from an office folder and the national folder it extends.

    snapshot = load_knowledge()                 # KNOWLEDGE_DIR, default tha_cha_lung
    snapshot, errors = try_load_knowledge(path)  # never raises; errors carry file:line

Loading is all-or-nothing: every file is parsed and checked, every problem is
collected, and a snapshot is returned only when there are none. Nothing is cached
between loads, so a reload sees exactly what is on disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from knowledge.consistency import check_repealed, resolve_root_causes
from knowledge.errors import KnowledgeError, KnowledgeLoadError, Loc, SourceFile
from knowledge.legal import LawsFile, SignboardRates
from knowledge.location import (  # noqa: F401 (where the knowledge lives; re-exported for callers)
    DEFAULT_KNOWLEDGE_DIR,
    ENV_VAR,
    REPO_ROOT,
    KnowledgeLocation,
    locate,
    resolve_office_dir,
)
from knowledge.pydantic_errors import pydantic_errors
from knowledge.reading import ExtrasReader
from knowledge.schema import (
    PLACEHOLDERS,
    Category,
    HolidayCalendar,
    OfficeConfig,
    PortalHelp,
    Service,
)
from knowledge.snapshot import KnowledgeSnapshot
from knowledge.validator import (
    LoadedService,
    check_aliases,
    check_service,
    locate_condition_errors,
)

_CATEGORY_ORDER = {c: i for i, c in enumerate(Category)}


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
class _Loader(ExtrasReader):
    # -- the whole tree

    def run(self) -> tuple[KnowledgeSnapshot | None, list[KnowledgeError]]:
        snapshot = self._build()
        # file by file, top to bottom, each problem once: the order staff fix them in
        unique = dict.fromkeys(self.errors)
        ordered = sorted(unique, key=lambda e: (str(e.path), e.line or 0))
        return snapshot, resolve_root_causes(ordered)  # a YAML syntax error first, without its knock-ons

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
        laws_found = self.read_optional(national_dir / "laws.yaml", LawsFile, substitute=False)
        laws = laws_found[1] if laws_found else None
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
        rates = self.read_optional(national_dir / "signboard_rates.yaml", SignboardRates, substitute=False)
        if rates is not None:
            extra["signboard_rates"] = rates[1]

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
            raw_id = raw.get("id")
            service_id: str = raw_id if isinstance(raw_id, str) else path.stem
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
