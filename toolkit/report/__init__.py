"""The funder report: context from an analysis result, SVG charts, HTML, PDF.

Modules: ``options`` (what the user chooses), ``context`` with ``outcomes``,
``supporting``, ``wording`` and ``formatting`` (what the report says, as plain
data), ``charts`` (matplotlib SVG), ``render`` (Jinja2 HTML from
``reports/``), ``pdf`` (WeasyPrint), ``build`` and ``jobs`` (the pipeline from
responses to a PDF). Nothing heavy is imported here.
"""
