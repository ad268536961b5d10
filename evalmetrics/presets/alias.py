"""The record type of the preset tables: one harness name and the function that builds its pipeline."""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import InvalidConfig
from ..suggest import close_names

__all__ = ["Alias"]


@dataclass(frozen=True)
class Alias:
    """One harness name. ``build(**config)`` returns the metric; ``also`` lists other spellings of the name."""

    harness: str
    version: str
    name: str
    build: Callable[..., Any]
    summary: str
    also: tuple[str, ...] = ()
    config_doc: dict = field(default_factory=dict)
    # Multiple choice only: what the harness's built-in tasks put before each choice text in the texts the
    # metric divides by (lighteval stores " Paris"; lm_eval passes "Paris" without its target delimiter).
    choice_text_prefix: str = ""
    # For aliases whose harness has no usable default for some key (lighteval's maj_at_n needs n): the
    # configuration used when the alias is shown without one (catalog, docs, explain).
    example: dict = field(default_factory=dict)
    # Notes that explain adds wherever this alias is shown: a quirk of a configuration other than the default,
    # with a computed example (inspect:match's 5 significant digits under numeric=True). Returns a list of lines.
    quirks: Callable[[], list] | None = None
    # An alias naming one task's pipeline (mmlu/em): where several aliases share a canonical ID, the readers and
    # lists that show one name per ID prefer the generic ones (lighteval:exact_match over lighteval:mmlu/em).
    task_specific: bool = False

    def make_example(self):
        return self.make(**self.example)

    def required_keys(self) -> tuple:
        """The configuration keys this alias cannot be built without (olmes:primary_score's ``task``,
        inspect:answer's ``pattern``): each key of ``example`` whose absence makes the builder refuse. Computed from
        the builder itself, never listed by hand."""
        out = []
        for key in self.example:
            try:
                self.make(**{k: v for k, v in self.example.items() if k != key})
            except (InvalidConfig, TypeError):
                out.append(key)
        return tuple(out)

    def example_words(self) -> str:
        """The configuration the shown ID is built with, its required keys marked ("" when the alias is shown with
        its defaults), e.g. ``"task='arc_challenge' (task= is required: no default)"``."""
        if not self.example:
            return ""
        req = self.required_keys()
        text = ", ".join(f"{k}={v!r}" for k, v in self.example.items())
        if req:
            keys = ", ".join(f"{k}=" for k in req)
            text += f" ({keys} {'is' if len(req) == 1 else 'are'} required: no default)"
        return text

    @property
    def key(self) -> str:
        return f"{self.harness}@{self.version}:{self.name}"

    def config_defaults(self) -> dict:
        sig = inspect.signature(self.build)
        return {k: p.default for k, p in sig.parameters.items() if p.default is not inspect.Parameter.empty}

    def make(self, **config):
        allowed = self.config_defaults()
        unknown = [k for k in config if k not in allowed]
        if unknown:
            keys = ", ".join(sorted(allowed)) or "none"
            near = [m for k in unknown for m in close_names(k, allowed, n=1)]
            hint = f" (did you mean {', '.join(map(repr, near))}?)" if near else ""
            raise InvalidConfig(
                f"{self.harness}:{self.name} does not take {', '.join(map(repr, unknown))}{hint}; its configuration "
                f"keys: {keys}", field=unknown[0]
            )
        try:
            return self.build(**config)
        except InvalidConfig as e:  # a bad value: named by the alias it was given to
            name = f"{self.harness}:{self.name}"
            msg = str(e)
            if name in msg:  # already names the alias
                raise
            if msg.startswith(self.harness + ":"):  # names the vocabulary only ("inspect: parameter ...")
                msg = msg[len(self.harness) + 1:].lstrip()
            raise InvalidConfig(f"{name}: {msg}", field=getattr(e, "field", None)) from None
