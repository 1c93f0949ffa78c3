"""Which message keys the code uses: string literals and f-string prefixes that look like a key
of knowledge/national/messages/*.yaml, read from the source with `ast`."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.architecture.rules import ROOT

MESSAGES_DIR = ROOT / "knowledge" / "national" / "messages"
CODE_FOLDERS = ("bot", "core", "dialogs", "integrations", "knowledge")
KEY_SHAPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
FILE_SUFFIXES = (".yaml", ".yml", ".py", ".json", ".png", ".pdf", ".mmd", ".txt", ".tsv", ".csv", ".html")


@dataclass(frozen=True)
class KeyUse:
    path: str
    line: int
    key: str  # a whole key, or the constant start of a formatted one
    formatted: bool

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.key}{'{…}' if self.formatted else ''}"


def message_keys(folder: Path = MESSAGES_DIR) -> set[str]:
    keys: set[str] = set()
    for file in sorted(folder.glob("*.yaml")):
        keys |= set((yaml.safe_load(file.read_text(encoding="utf-8")) or {}).keys())
    return keys


def namespaces(keys: Iterable[str]) -> set[str]:
    return {key.split(".")[0] for key in keys}


def key_uses(path: str, source: str, spaces: set[str]) -> Iterator[KeyUse]:
    """Literals shaped like a key in one of the message namespaces, and f-strings starting with one."""
    tree = ast.parse(source)
    in_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            in_fstring.update(id(part) for part in node.values)
            first = node.values[0] if node.values else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and len(node.values) > 1:
                prefix = first.value
                if prefix.endswith(".") and KEY_SHAPE.match(prefix + "x") and prefix.split(".")[0] in spaces:
                    yield KeyUse(path, node.lineno, prefix, formatted=True)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstring:
            value = node.value
            if KEY_SHAPE.match(value) and value.split(".")[0] in spaces and not value.endswith(FILE_SUFFIXES):
                yield KeyUse(path, node.lineno, value, formatted=False)


def all_key_uses(spaces: set[str], root: Path = ROOT) -> list[KeyUse]:
    uses: list[KeyUse] = []
    for folder in CODE_FOLDERS:
        for file in sorted((root / folder).rglob("*.py")):
            if "migrations" in file.parts:
                continue
            uses += key_uses(str(file.relative_to(root)), file.read_text(encoding="utf-8"), spaces)
    return uses
