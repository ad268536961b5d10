"""The exception hierarchy: every error evalmetrics raises on purpose derives from EvalMetricsError."""
from __future__ import annotations

__all__ = [
    "EvalMetricsError",
    "InvalidInput",
    "InvalidConfig",
    "UnknownMetric",
    "UnknownTask",
    "ParseError",
    "Timeout",
]


class EvalMetricsError(Exception):
    """Base class of every error evalmetrics raises on purpose."""


class InvalidInput(EvalMetricsError, ValueError):
    """Input data is malformed. Names the sample index and the field.

    >>> str(InvalidInput("expected a string, got None", index=3, field="prediction"))
    'sample 3, field prediction: expected a string, got None'
    """

    def __init__(self, message: str, *, index: int | None = None, field: str | None = None):
        self.index = index
        self.field = field
        self.reason = message
        where = []
        if index is not None:
            where.append(f"sample {index}")
        if field is not None:
            where.append(f"field {field}")
        super().__init__((", ".join(where) + ": " if where else "") + message)

    def __reduce__(self):
        return (_rebuild_invalid_input, (self.reason, self.index, self.field))


def _rebuild_invalid_input(reason, index, field):
    return InvalidInput(reason, index=index, field=field)


class InvalidConfig(EvalMetricsError, ValueError):
    """A unit was configured with a value it does not accept. Names the field, the allowed values and the value.

    ``field``: the parameter at fault, where one is (the ID parser points its caret at that parameter's value)."""

    def __init__(self, message: str = "", *, field: str | None = None):
        self.field = field
        super().__init__(message)


class UnknownMetric(EvalMetricsError, KeyError):
    """A name is neither a canonical ID nor a known alias. Suggests the closest known names."""

    def __init__(self, name: str, suggestions: list[str] | tuple[str, ...] = (), hint: str = ""):
        self.name = name
        self.suggestions = list(suggestions)
        self.hint = hint  # what else the name could be, and what reading it as that needs
        msg = f"unknown metric or unit {name!r}"
        if hint:
            msg += f" ({hint})"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]

    def __reduce__(self):
        return (UnknownMetric, (self.name, self.suggestions, self.hint))


class UnknownTask(UnknownMetric):
    """A task name found in no task folder or registry searched (``where`` says which). Suggests the closest names.

    A subclass of UnknownMetric, so a caller that catches unknown names catches both.

    >>> str(UnknownTask("gsm8", ["gsm8k"], where="lm_eval 0.4.13's task folders"))
    "unknown task 'gsm8' in lm_eval 0.4.13's task folders; did you mean 'gsm8k'?"
    """

    def __init__(self, name: str, suggestions: list[str] | tuple[str, ...] = (), where: str = ""):
        self.name = name
        self.suggestions = list(suggestions)
        self.where = where
        self.hint = ""
        msg = f"unknown task {name!r}" + (f" in {where}" if where else "")
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        Exception.__init__(self, msg)

    def __reduce__(self):
        return (UnknownTask, (self.name, self.suggestions, self.where))


class ParseError(EvalMetricsError, ValueError):
    """A canonical ID does not follow the grammar (see docs/ids.md). Carries the character position."""

    def __init__(self, message: str, text: str = "", position: int | None = None):
        self.text = text
        self.position = position
        self.reason = message
        full = message
        if position is not None:
            full = f"{message} at position {position}"
            if text:
                full += f"\n  {text}\n  {' ' * position}^"
        super().__init__(full)

    def __reduce__(self):
        return (ParseError, (self.reason, self.text, self.position))


class Timeout(EvalMetricsError):
    """A time or size bound was hit (regex, math). In Metric.compute such a sample scores 0 and is counted."""
