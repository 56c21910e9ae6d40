"""peer-outcomes: outcome measurement for peer-support programs."""

__version__ = "0.1.0"
