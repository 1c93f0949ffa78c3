"""Every table of the bot. Importing this package imports each module in it (found with
pkgutil, so a new module is picked up without editing this file), which registers all
tables on `SQLModel.metadata` for Alembic's env.py and for tests."""

from __future__ import annotations

import importlib
import pkgutil

from sqlmodel import SQLModel

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

metadata = SQLModel.metadata

__all__ = ["metadata"]
