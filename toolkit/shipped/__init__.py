"""The data shipped with the toolkit: instrument definitions and the report's files.

In the project they stay in the top-level ``instruments/`` and ``reports/``
folders. The build maps them into the package as ``toolkit.shipped.instruments``
and ``toolkit.shipped.reports`` (``[tool.setuptools.package-dir]`` in
``pyproject.toml``), so a wheel holds them in ``toolkit/shipped/instruments/``
and ``toolkit/shipped/reports/``, next to this module, where
:mod:`importlib.resources` finds them.

An editable install (``pip install -e .``) does not copy them, and its import
finder cannot map folders that have no ``__init__.py``; there, and in a plain
source checkout, they are read from the checkout's own folders.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from toolkit.errors import SetupError

INSTRUMENTS = "instruments"
"""The instrument definitions (``*.yaml``)."""

REPORTS = "reports"
"""The report's Jinja2 templates, stylesheet and fonts."""

_CHECKOUT = Path(__file__).resolve().parents[2]


def shipped_dir(name: str) -> Path:
    """The folder of shipped data ``name`` (:data:`INSTRUMENTS` or :data:`REPORTS`), resolved.

    The folder inside the installed package comes first; the source checkout's
    folder is used only where the package has none (an editable install).
    Raises :class:`~toolkit.errors.SetupError` when neither is there.

    >>> (shipped_dir(REPORTS) / "report.html").is_file()
    True
    >>> sorted(shipped_dir(INSTRUMENTS).glob("phq9.yaml"))[0].name
    'phq9.yaml'
    """
    if name not in (INSTRUMENTS, REPORTS):
        raise ValueError(f"name: {name!r} is not shipped; use {INSTRUMENTS!r} or {REPORTS!r}")
    packaged = resources.files(__name__) / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged.resolve()
    checkout = _CHECKOUT / name
    if (_CHECKOUT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    raise SetupError(
        f"{packaged}: the toolkit's {name} folder is missing (or not a folder on disk);"
        " reinstall peer-outcomes from its wheel with pip"
    )
