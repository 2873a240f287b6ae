"""Evaluation tables of the outcomes area."""

__all__: list[str] = []
