"""The examples in docstrings are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import toolkit

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(toolkit.__path__, "toolkit.")
    if not m.name.startswith(("toolkit.web", "toolkit.store.migrations"))
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0
