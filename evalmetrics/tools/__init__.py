"""Maintenance tools (docs generation)."""
