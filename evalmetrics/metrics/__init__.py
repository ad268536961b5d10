"""Metrics: comparison of (extracted, normalized) predictions with references, and aggregation."""
from .base import Metric
from .match import F1, ExactMatch

__all__ = ["Metric", "ExactMatch", "F1"]
