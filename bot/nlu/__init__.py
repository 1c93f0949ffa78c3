"""Thai NLU for the office's LINE chatbot: intent, service, entities and FAQ match of a message.

    pipeline = pipeline_from_snapshot(snapshot)      # or NluPipeline.train(examples, services, faq)
    result = pipeline.parse("ต่อใบอนุญาตร้านเสริมสวยต้องใช้อะไรบ้าง")
    result.intent, result.service, result.confidence, result.alternatives

Command line: `python -m bot nlu` (see bot/nlu/cli.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.nlu.data import load_training_data
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


def load_pipeline(path: str | Path | None = None, *, use_loader: bool = False) -> tuple[NluPipeline, str]:
    """Train from the knowledge folder `path` (default $KNOWLEDGE_DIR, else tha_cha_lung,
    else knowledge/national). Returns the pipeline and the data source used.

    By default the NLU's own lenient reader is used (bot/nlu/data.py): it reads the same
    files but only the parts the NLU needs, which keeps `python -m bot nlu` within its
    2-second start-up, and it survives a colleague's half-edited file. With
    `use_loader=True` the validated KnowledgeSnapshot is used, falling back to the
    reader if the loader refuses the files.
    """
    if use_loader:
        try:
            from knowledge.loader import load_knowledge

            return pipeline_from_snapshot(load_knowledge(path)), "loader"
        except Exception as exc:
            first_line = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
            logging.getLogger(__name__).warning(
                "NLU: knowledge loader failed (%s); using the NLU reader", first_line
            )
    data = load_training_data(path)
    return NluPipeline.train(data.examples, data.services, data.faq), "reader"
