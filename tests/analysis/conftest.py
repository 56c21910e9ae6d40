"""Fixtures for the analysis tests."""

from __future__ import annotations

import pytest
from analysis_data import synthetic_wide


@pytest.fixture
def make_wide():
    return synthetic_wide
