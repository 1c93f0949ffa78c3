"""NLU fixtures: the pipeline is trained once per test session (≈1 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu import NluPipeline
from bot.nlu.data import TrainingData, load_training_data
from bot.nlu.evalsets import BLIND, DEV_SPLIT, HELDOUT, shared_dev_path

REPO = Path(__file__).resolve().parents[2]
DEV = shared_dev_path()  # shared/nlu/dev.tsv beside the repo (further up from a worktree)
__all__ = ["BLIND", "DEV", "DEV_SPLIT", "HELDOUT", "NATIONAL", "REPO"]
NATIONAL = REPO / "knowledge" / "national"


@pytest.fixture(scope="session")
def training_data() -> TrainingData:
    return load_training_data(REPO / "knowledge" / "offices" / "tha_cha_lung")


@pytest.fixture(scope="session")
def pipeline(training_data: TrainingData) -> NluPipeline:
    return NluPipeline.train(training_data.examples, training_data.services, training_data.faq)
