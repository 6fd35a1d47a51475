"""Shared test configuration: Qt runs offscreen; the real sample dump is offered when present."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def seed_dump() -> Path:
    path = SAMPLES / "seed-dump.txt"
    if not path.exists():
        pytest.skip("../shared/samples is not present")
    return path
