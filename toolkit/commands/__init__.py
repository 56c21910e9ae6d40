"""Subcommands of ``outcomes``; each module is imported only when its command runs."""
