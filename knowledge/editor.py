"""Small, safe edits of the knowledge files from the console (issue 13).

`add_faq_question` appends one phrasing to an FAQ entry's `questions`, in the file that
defines the entry (the office's faq.yaml when the office overrides it, else the national
one), keeping comments and layout (ruamel round-trip). The new tree is then validated and
swapped in by the store's own reload; if the store refuses it, the file is put back
byte for byte and the old knowledge stays in force. Files are written atomically
(temporary file + rename), so the watcher never reads half a file.
"""

from __future__ import annotations

import asyncio
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from knowledge.errors import KnowledgeError
from knowledge.store import KnowledgeStore

MAX_QUESTION_CHARS = 200
_edit_lock = asyncio.Lock()  # one console edit at a time in this process


class EditRefused(ValueError):
    """The edit cannot be made; the message says why (Thai, for the officer)."""


@dataclass(frozen=True)
class EditResult:
    path: Path
    errors: tuple[KnowledgeError, ...]  # empty: the change is live

    @property
    def ok(self) -> bool:
        return not self.errors


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long Thai lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _entry(tree: object, faq_id: str) -> CommentedMap | None:
    if not isinstance(tree, CommentedMap) or not isinstance(tree.get("faq"), CommentedSeq):
        return None
    for item in tree["faq"]:
        if isinstance(item, CommentedMap) and item.get("id") == faq_id:
            return item
    return None


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".edit-", suffix=".yaml.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def faq_file_for(store: KnowledgeStore, faq_id: str) -> tuple[Path, str]:
    """The faq.yaml that defines `faq_id` (office first: it overrides), and its text."""
    for folder in store.current.source_dirs:
        path = folder / "faq.yaml"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if _entry(_yaml().load(text), faq_id) is not None:
            return path, text
    raise EditRefused(f"ไม่พบคำถามที่พบบ่อยรหัส {faq_id}")


def _with_question(text: str, faq_id: str, question: str) -> str:
    yaml = _yaml()
    tree = yaml.load(text)
    entry = _entry(tree, faq_id)
    if entry is None:
        raise EditRefused(f"ไม่พบคำถามที่พบบ่อยรหัส {faq_id}")
    questions = entry.get("questions")
    if not isinstance(questions, CommentedSeq):
        raise EditRefused(f"คำถามที่พบบ่อย {faq_id} ไม่มีรายการ questions")
    if any(str(q).strip() == question for q in questions):
        raise EditRefused("คำถามนี้มีอยู่แล้วในรายการ")
    questions.append(question)
    out = io.StringIO()
    yaml.dump(tree, out)
    return out.getvalue()


async def add_faq_question(store: KnowledgeStore, faq_id: str, question: str) -> EditResult:
    question = " ".join(question.split())
    if not question:
        raise EditRefused("คำถามว่างเปล่า")
    if len(question) > MAX_QUESTION_CHARS:
        raise EditRefused(f"คำถามยาวเกิน {MAX_QUESTION_CHARS} ตัวอักษร")
    async with _edit_lock:
        path, before = await asyncio.to_thread(faq_file_for, store, faq_id)
        after = _with_question(before, faq_id, question)
        await asyncio.to_thread(_atomic_write, path, after)
        errors = await store.areload()
        if errors:
            await asyncio.to_thread(_atomic_write, path, before)
            await store.areload()
        return EditResult(path, tuple(errors))
