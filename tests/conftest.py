"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest

from toolkit.instruments import default_registry
from toolkit.instruments import Registry


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The shipped instruments."""
    return default_registry()
