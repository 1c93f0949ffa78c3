"""Thai NLU for the office's LINE chatbot: intent, service, entities and FAQ match of a message.

    pipeline = pipeline_from_snapshot(snapshot)      # or NluPipeline.train(examples, services, faq)
    result = pipeline.parse("ต่อใบอนุญาตร้านเสริมสวยต้องใช้อะไรบ้าง")
    result.intent, result.service, result.confidence, result.alternatives

Command line: `python -m bot nlu` (see bot/nlu/cli.py).
"""

from __future__ import annotations

from pathlib import Path

from bot.nlu.entities import (
    Amount,
    DateMention,
    Entities,
    NationalId,
    PhoneNumber,
    TrackingNumber,
    extract_entities,
)
from bot.nlu.pipeline import INTENTS, Alternatives, NluPipeline, NluResult, Scored, Thresholds
from knowledge.snapshot import KnowledgeSnapshot

__all__ = [
    "INTENTS",
    "Alternatives",
    "Amount",
    "DateMention",
    "Entities",
    "NationalId",
    "NluPipeline",
    "NluResult",
    "PhoneNumber",
    "Scored",
    "Thresholds",
    "TrackingNumber",
    "extract_entities",
    "load_pipeline",
    "pipeline_from_snapshot",
]


def pipeline_from_snapshot(snapshot: KnowledgeSnapshot) -> NluPipeline:
    """Train on a loaded knowledge snapshot (examples, services incl. office overrides, FAQ)."""
    return NluPipeline.train(snapshot.nlu_examples, list(snapshot.services.values()), snapshot.faq)


def load_pipeline(path: str | Path | None = None) -> tuple[NluPipeline, str]:
    """Train from the knowledge folder `path` (default $KNOWLEDGE_DIR / tha_cha_lung).

    Prefers the knowledge loader's validated snapshot; when the loader is unavailable or
    refuses the files (someone is mid-edit), falls back to the NLU's lenient reader so
    the NLU can still be evaluated. Returns the pipeline and which source was used.
    """
    import logging

    from bot.nlu.data import load_training_data, resolve_dirs

    log = logging.getLogger(__name__)
    try:
        from knowledge.loader import load_knowledge

        return pipeline_from_snapshot(load_knowledge(_loader_path(path))), "loader"
    except Exception as exc:  # noqa: BLE001 - any loader problem: fall back, say why
        log.warning("NLU: knowledge loader unavailable (%s); using the NLU reader", str(exc).splitlines()[0][:200])
    data = load_training_data(path if path is not None else None)
    _ = resolve_dirs  # documented fallback order lives in data.resolve_dirs
    return NluPipeline.train(data.examples, data.services, data.faq), "nlu-reader"


def _loader_path(path: str | Path | None) -> str | Path | None:
    """The loader wants an office folder; a national-only folder makes it fail fast (→ fallback)."""
    return path
