"""Knowledge errors, and the parsed YAML files that let every error name its line.

Staff fix YAML in a text editor, so an error is only useful if it says which file,
which line, and what is wrong in Thai (for staff) and English (for developers):

    knowledge/national/services/signboard_tax.yaml:87: เอกสารรายการที่ 3: ไม่ได้กรอกจำนวนฉบับจริง … / …

`SourceFile` keeps the ruamel.yaml round-trip tree next to the plain data handed to
pydantic, so a pydantic error location such as ("documents", 2, "originals") can be
walked back to a line number.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class KnowledgeError:
    """One problem in the knowledge files; `line` is 1-based, None when unknown."""

    path: Path
    line: int | None
    th: str
    en: str
    code: str = "invalid"

    @property
    def location(self) -> str:
        shown = display_path(self.path)
        return f"{shown}:{self.line}" if self.line else shown

    def __str__(self) -> str:
        return f"{self.location}: {self.th} / {self.en}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the officers' console."""
        return {
            "path": display_path(self.path),
            "line": self.line,
            "th": self.th,
            "en": self.en,
            "code": self.code,
        }


class KnowledgeLoadError(Exception):
    """Raised when the knowledge tree has errors; nothing of it may be used."""

    def __init__(self, errors: Sequence[KnowledgeError]) -> None:
        self.errors: tuple[KnowledgeError, ...] = tuple(errors)
        first = str(self.errors[0]) if self.errors else "unknown error"
        more = f" (+{len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"{first}{more}")


def display_path(path: Path) -> str:
    """Path relative to the working directory when possible: short and clickable."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def plain(node: Any) -> Any:
    """ruamel round-trip types -> plain Python, so pydantic sees ordinary values."""
    if isinstance(node, dict):
        return {plain(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime | dt.date):
        return node
    return node


@dataclass(slots=True)
class SourceFile:
    """A YAML file: its text, the plain data, and the tree that knows line numbers."""

    path: Path
    text: str
    data: Any
    tree: Any = field(repr=False)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def line_of(self, loc: Loc) -> int:
        """1-based line of the deepest part of `loc` that exists in the file.

        Parts that are not in the data (a missing field, or a pydantic union tag such
        as 'str') are skipped, so a missing `originals` points at its document.
        """
        node = self.tree
        line = _own_line(node)
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
        return line

    def data_loc(self, loc: Loc) -> Loc:
        """`loc` without parts that are not data keys (pydantic union tags)."""
        node = self.data
        kept: list[str | int] = []
        for i, part in enumerate(loc):
            found, child = _child(node, part)
            if found:
                kept.append(part)
                node = child
            elif i == len(loc) - 1 or not _looks_like_tag(part):
                kept.append(part)  # the missing field itself: worth naming
                node = None
        return tuple(kept)

    def union_branch(self, loc: Loc) -> Loc | None:
        """Where a pydantic union error sits, or None when `loc` names no union member.

        pydantic reports one error per member of `str | Item`; the loader merges them
        into one message at this location.
        """
        node = self.data
        for i, part in enumerate(loc):
            found, child = _child(node, part)
            if found:
                node = child
            elif _looks_like_tag(part):
                return tuple(loc[:i])
            else:
                return None
        return None

    def find_line(self, fragment: str, start: int) -> int:
        """Line (from `start` on) whose text contains `fragment`; `start` if none.

        Folded YAML scalars (>-) join several file lines into one string, so a
        problem inside the string is searched for in the text to name its own line.
        """
        lines = self.lines
        for number in range(max(start, 1), len(lines) + 1):
            if fragment in lines[number - 1]:
                return number
        return start

    def error(
        self, loc: Loc, th: str, en: str, code: str = "invalid", line: int | None = None
    ) -> KnowledgeError:
        return KnowledgeError(self.path, line if line is not None else self.line_of(loc), th, en, code)

    def strings(self) -> Iterator[tuple[Loc, str]]:
        """Every string value in the file with its location (keys excluded)."""
        yield from _walk_strings(self.data, ())


def _walk_strings(node: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(node, str):
        yield loc, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk_strings(value, (*loc, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk_strings(value, (*loc, index))


def _child(node: Any, part: str | int) -> tuple[bool, Any]:
    if isinstance(node, dict) and part in node:
        return True, node[part]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return True, node[part]
    return False, None


def _own_line(node: Any) -> int:
    lc = getattr(node, "lc", None)
    return (lc.line + 1) if lc is not None and lc.line is not None else 1


def _looks_like_tag(part: str | int) -> bool:
    # pydantic names union members in locations: 'str', 'NluExampleItem', 'function-after[...]'
    return isinstance(part, str) and (part[:1].isupper() or "[" in part or part in {"str", "int", "none"})


_DUPLICATE_KEY = re.compile(r'found duplicate key "([^"]*)"')


def parse_yaml(path: Path) -> tuple[SourceFile | None, KnowledgeError | None]:
    """Read and parse one YAML file; a syntax error becomes a KnowledgeError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, KnowledgeError(path, None, "ไม่พบไฟล์", "file not found", "missing_file")
    except UnicodeDecodeError:
        return None, KnowledgeError(
            path, None, "ไฟล์ต้องบันทึกเป็น UTF-8", "file is not UTF-8 encoded", "encoding"
        )
    yaml = YAML(typ="rt")  # a fresh parser per file: ruamel parsers are not thread-safe
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        return None, _syntax_error(path, exc)
    return SourceFile(path, text, plain(tree), tree), None


def _syntax_error(path: Path, exc: MarkedYAMLError) -> KnowledgeError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = str(exc.problem or exc.context or exc).strip()
    duplicate = _DUPLICATE_KEY.search(problem)
    if duplicate:
        key = duplicate.group(1)
        return KnowledgeError(
            path, line, f"ช่อง '{key}' ซ้ำกันในไฟล์เดียวกัน", f"duplicate key '{key}'", "duplicate_key"
        )
    if "\\t" in problem or "\t" in problem:
        return KnowledgeError(
            path,
            line,
            "ห้ามใช้ปุ่ม Tab ย่อหน้า ให้ใช้การเว้นวรรคแทน",
            f"tab characters cannot indent YAML ({problem})",
            "yaml_syntax",
        )
    return KnowledgeError(
        path,
        line,
        f"รูปแบบ YAML ไม่ถูกต้อง (ตรวจการย่อหน้า เครื่องหมาย : และเครื่องหมายคำพูด): {problem}",
        f"YAML syntax error: {problem}",
        "yaml_syntax",
    )
