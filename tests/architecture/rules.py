"""The import rules of the layout (docs/architecture.md), read from the source with `ast`."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUR_PACKAGES = ("app", "bench", "bot", "console", "core", "dialogs", "integrations", "knowledge", "tests")

# folder -> packages it must never import (also not lazily inside a function)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": tuple(p for p in OUR_PACKAGES if p != "core"),
    "dialogs": ("integrations", "app", "bench", "tests"),
    "integrations": ("bot", "dialogs", "app", "bench", "tests"),
    "bot/jobs": ("dialogs",),
    "knowledge": ("bot", "dialogs", "integrations", "app", "bench", "tests"),
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    imported: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.imported}"


def imported_modules(source: str) -> Iterator[tuple[int, str]]:
    """(line, module) for every import statement, wherever it stands."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def violations_in(path: str, source: str, forbidden: tuple[str, ...]) -> list[Violation]:
    return [
        Violation(path, line, module)
        for line, module in imported_modules(source)
        if module.split(".")[0] in forbidden
    ]


def all_violations(root: Path = ROOT) -> list[Violation]:
    found: list[Violation] = []
    for folder, forbidden in FORBIDDEN.items():
        for file in sorted((root / folder).rglob("*.py")):
            if "migrations" in file.parts and folder == "knowledge":
                continue
            rel = str(file.relative_to(root))
            found += violations_in(rel, file.read_text(encoding="utf-8"), forbidden)
    return found
