"""Metrics: comparison of (extracted, normalized) predictions with references, and aggregation."""
from .base import Metric
from .match import F1, ExactMatch
from .sets import SetMatch
from .drop import DropMatch

__all__ = ["Metric", "ExactMatch", "F1", "SetMatch", "DropMatch"]
