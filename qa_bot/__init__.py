"""Answer questions about news coverage with quoted, attributed passages."""

__version__ = "0.1.0"
