"""Evaluation tables of the evidence area."""

__all__: list[str] = []
