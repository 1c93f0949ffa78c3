"""Reading the knowledge files: YAML with line numbers, the office's {placeholders}, and the
files beside the services (messages, FAQ, NLU examples, portal guides, holidays).

`knowledge/loader.py` builds the snapshot on top of these readers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from knowledge.errors import KnowledgeError, Loc, SourceFile, parse_yaml
from knowledge.pydantic_errors import pydantic_errors
from knowledge.schema import (
    PLACEHOLDERS,
    FaqEntry,
    FaqFile,
    HolidayCalendar,
    NluExample,
    NluExampleItem,
    NluFile,
    PortalHelp,
)
from knowledge.validator import (
    MESSAGE_KEY,
    REQUIRED_MESSAGES,
    LocatedExample,
    check_faq,
    check_nlu,
    check_pdf_artefacts,
    check_template,
)

M = TypeVar("M", bound=BaseModel)

# {name} but not {{name}} (a literal brace in a str.format template)
_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


@dataclass
class Reader:
    """What every part of loading shares: the files read, the problems found, the office's values."""

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


@dataclass
class ExtrasReader(Reader):
    """The files beside the services."""

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

    def read_optional(self, path: Path, model: type[M], *, substitute: bool) -> tuple[SourceFile, M] | None:
        """An optional file of one model (portal guides, holidays): None when absent or invalid."""
        sf = self.parse(path, optional=True)
        raw = self.mapping(sf, f"{path.name} ", path.name) if sf else None
        if sf is None or raw is None:
            return None
        parsed = self.validate(model, sf, self.substitute(sf, raw) if substitute else raw)
        return (sf, parsed) if parsed is not None else None

    def no_repeats(self, sf: SourceFile, values: list[Any], loc: tuple[str, str], what_th: str, what_en: str,
                   code: str, *, quoted: bool = False) -> None:
        """One error per value seen before in `values` (ids, dates), at its own place in the file."""
        seen: set[Any] = set()
        for i, value in enumerate(values):
            if value in seen:
                shown = f"'{value}'" if quoted else str(value)
                self.errors.append(sf.error((loc[0], i, loc[1]), f"{what_th} {shown} ซ้ำกัน",
                                            f"duplicate {what_en} {shown}", code=code))
            seen.add(value)

    def read_portal_help(self, national_dir: Path) -> PortalHelp | None:
        found = self.read_optional(national_dir / "portal_help.yaml", PortalHelp, substitute=True)
        if found is None:
            return None
        sf, parsed = found
        self.no_repeats(sf, [t.id for t in parsed.topics], ("topics", "id"), "รหัสหัวข้อ", "topic id",
                        "duplicate_topic", quoted=True)
        return parsed

    def read_holidays(self, national_dir: Path) -> HolidayCalendar | None:
        found = self.read_optional(national_dir / "holidays.yaml", HolidayCalendar, substitute=False)
        if found is None:
            return None
        sf, parsed = found
        self.no_repeats(sf, [h.date for h in parsed.holidays], ("holidays", "date"), "วันที่", "holiday date",
                        "duplicate_holiday")
        return parsed
