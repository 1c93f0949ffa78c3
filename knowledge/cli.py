"""`python -m bot knowledge check|export [--dir DIR]`.

check   validate the whole tree; one line per problem, `path:line: ไทย / English`;
        exit status 1 when there is any problem, 0 with a short summary otherwise.
export  print everything loaded as one JSON object (for other tools and reviews).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from knowledge.consistency import warnings
from knowledge.errors import display_path
from knowledge.loader import holidays_of, portal_help_of, try_load_knowledge
from knowledge.payment_check import payment_warnings
from knowledge.schema import Document, Service
from knowledge.snapshot import KnowledgeSnapshot


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot knowledge", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("check", "validate the knowledge files"),
        ("export", "print the loaded knowledge as one JSON object"),
    ):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument(
            "--dir",
            default=None,
            help="office folder or knowledge/ root "
            "(default: $KNOWLEDGE_DIR, else knowledge/offices/tha_cha_lung)",
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and usage errors
        return int(exc.code) if isinstance(exc.code, int) else 2
    out = _utf8(sys.stdout)
    snapshot, errors = try_load_knowledge(args.dir)
    if snapshot is None:
        for error in errors:
            out.write(f"{error}\n")
        out.write(f"พบข้อผิดพลาด {len(errors)} รายการ / {len(errors)} error(s) found\n")
        return 1
    if args.command == "check":
        out.write(summary(snapshot) + "\n")
        for warning in payment_warnings(snapshot):  # Thai QR settings (payment area): warn, do not fail
            out.write(f"{warning}\n")
        for conflict in warnings(snapshot):  # contradictions staff should settle; not errors
            out.write(f"{conflict}\n")
    else:
        json.dump(export_data(snapshot), out, ensure_ascii=False, indent=2)
        out.write("\n")
    return 0


def _utf8(stream: TextIO) -> TextIO:
    # Thai must print even under a C locale or a Windows console
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and (stream.encoding or "").lower().replace("-", "") != "utf8":
        reconfigure(encoding="utf-8")
    return stream


def summary(snapshot: KnowledgeSnapshot) -> str:
    calendar = holidays_of(snapshot)
    portal = portal_help_of(snapshot)
    dirs = " + ".join(display_path(d) for d in snapshot.source_dirs)
    return (
        f"OK {snapshot.office.short_name}: "
        f"{len(snapshot.services)} services, {len(snapshot.messages)} messages, "
        f"{len(snapshot.faq)} FAQ, {len(snapshot.nlu_examples)} NLU examples, "
        f"{len(portal.topics) if portal else 0} portal topics, "
        f"{len(calendar.holidays)} holidays ({', '.join(str(y) for y in sorted(calendar.years()))}) "
        f"[{dirs}] version {snapshot.version}"
    )


# --- export ----------------------------------------------------------------------------


def export_data(snapshot: KnowledgeSnapshot) -> dict[str, Any]:
    """The whole snapshot as JSON-ready data; services flattened for readers outside Python."""
    portal = portal_help_of(snapshot)
    return {
        "version": snapshot.version,
        "office": snapshot.office.model_dump(mode="json"),
        "services": [export_service(s) for s in snapshot.services.values()],
        "messages": dict(snapshot.messages),
        "faq": [entry.model_dump(mode="json") for entry in snapshot.faq],
        "nlu_examples": [ex.model_dump(mode="json") for ex in snapshot.nlu_examples],
        "portal_help": portal.model_dump(mode="json")["topics"] if portal else [],
        "holidays": holidays_of(snapshot).model_dump(mode="json")["holidays"],
    }


def export_service(service: Service) -> dict[str, Any]:
    data = service.model_dump(mode="json")
    data["total_duration_minutes"] = service.total_duration_minutes
    data["documents"] = [_export_document(service, doc) for doc in service.documents]
    for fee in data["fees"]:
        fee["amount_baht"] = _number(fee["amount_baht"])
    return data


def _export_document(service: Service, doc: Document) -> dict[str, Any]:
    data = doc.model_dump(mode="json")
    data["condition_id"] = doc.condition
    data["condition"] = condition_text(service, doc)
    return data


def condition_text(service: Service, doc: Document) -> str | None:
    """When the document is needed, in words: None = always; else the condition's label."""
    if doc.condition is None:
        return None
    cond = service.condition(doc.condition)
    if doc.required_when:
        return cond.label
    return cond.label_no or f"ไม่ใช่{cond.label}"


def _number(value: float | None) -> int | float | None:
    # 50.0 -> 50: amounts read as whole baht in JSON, as in the manuals
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
