"""Shared by the migration tests: which table an Alembic autogenerate diff is about."""

from __future__ import annotations

from typing import Any


def table_of(diff: Any) -> str | None:
    if isinstance(diff, list):  # modify_* diffs come as a list of tuples
        return table_of(diff[0]) if diff else None
    kind, *rest = diff
    if kind in {"add_table", "remove_table"}:
        return str(rest[0].name)
    if kind in {"add_index", "remove_index", "add_constraint", "remove_constraint", "add_fk", "remove_fk"}:
        return str(rest[0].table.name)
    return str(rest[1]) if len(rest) > 1 else None
