"""The funder report: context from an analysis result, SVG charts, HTML, PDF.

Modules: ``options`` (what the user chooses), ``context`` with ``outcomes``,
``supporting``, ``wording`` and ``formatting`` (what the report says, as plain
data), ``charts`` (matplotlib SVG), ``render`` (Jinja2 HTML from
``reports/``), ``pdf`` (WeasyPrint), ``build`` (from a result to a PDF).
Loading responses (from a file or the store), scoring and analysing are the
job of :mod:`toolkit.pipeline`, above this package: the report never queries
the database. Nothing heavy is imported here.
"""
