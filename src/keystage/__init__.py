"""Keystage: collect, check and report primary schools' assessment results."""

__version__ = "0.1.0"
