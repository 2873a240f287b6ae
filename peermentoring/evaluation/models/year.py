"""Evaluation tables of the year area."""

__all__: list[str] = []
