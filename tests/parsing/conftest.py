from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reviewer.settings import load_settings


@pytest.fixture
def settings(tmp_path):
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    return s
