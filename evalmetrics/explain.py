"""explain(name): what a metric name means, per harness, as canonical IDs, with a computed differing example."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import InvalidInput, Timeout, UnknownMetric
from .units import run_steps

__all__ = ["explain", "Explanation", "trace", "PROBES", "CHOICE_PROBES"]

# Candidate inputs (prediction, reference). Which of them separates two meanings is computed, never typed.
PROBES: tuple[tuple[str, str], ...] = (
    (" Paris", "Paris"),
    ("paris", "Paris"),
    ("Paris.", "Paris"),
    ("Eiffel Tower", "the Eiffel Tower"),
    ("1.0", "1"),
    ("well known", "well-known"),
    ("Yes, Elmendorf", "Yes"),
    ("1.5", "15"),
    ("01", "1"),
    ("1e3", "1000"),
    ("", ""),
    ("The answer is 1,072.", "1072"),
    ("<think>maybe 3</think>4", "4"),
    ("“Paris”", "Paris"),
    ("cat cat sat", "the cat sat"),
    ("new york", "New York City"),
    ("well known author", "well-known author"),
    ("So the answer is\n#### 1,072", "Natalia sold 48 clips.\n#### 1072"),
    ("The final answer is 42.", "42"),
    (" ", ""),
    ("  ", " "),
)


def _choice_probes():
    from .metrics.choice import Choices

    return (
        Choices(logprobs=[-1.0, -2.8], gold=1, texts=["a", "abc"], token_counts=[1, 1]),
        Choices(logprobs=[-4.0, -5.0], gold=1, texts=["x", "yy"], token_counts=[1, 2],
                unconditioned_logprobs=[-1.0, -4.5]),
        Choices(logprobs=[-6.0, -7.0], gold=1, texts=["é", "ab"], token_counts=[1, 1]),
    )


CHOICE_PROBES = None  # built lazily (needs numpy record validation)


@dataclass
class Meaning:
    alias: str
    resolves_to: str
    id: str
    summary: str
    steps: list[str]
    verified: str = ""


@dataclass
class Explanation:
    """What a name means. ``meanings``: list of (alias, canonical id) pairs; ``details``: one Meaning each;
    ``example``: an input on which meanings disagree, with each meaning's computed score (or None)."""

    query: str
    meanings: list[tuple[str, str]] = field(default_factory=list)
    details: list[Meaning] = field(default_factory=list)
    example: dict | None = None
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"{self.query!r}"]
        if len(self.details) > 1:
            lines[0] += f" means {len(self.details)} different things:"
        for m in self.details:
            head = m.alias if m.alias == m.resolves_to else f"{m.alias} (= {m.resolves_to})"
            lines.append("")
            lines.append(f"  {head}")
            if m.summary:
                lines.append(f"    {m.summary}")
            lines.append(f"    id: {m.id}")
            if m.verified:
                lines.append(f"    verified: {m.verified}")
            for i, s in enumerate(m.steps, 1):
                lines.append(f"    {i}. {s}")
        if self.example:
            ex = self.example
            lines.append("")
            if "prediction" in ex:
                lines.append(f"  Example where they differ: prediction={ex['prediction']!r}, reference={ex['reference']!r}")
            else:
                lines.append(f"  Example where they differ: {ex['input']}")
            for alias, s in ex["scores"].items():
                lines.append(f"    {alias}: {s}")
        elif len(self.details) > 1:
            lines.append("")
            lines.append("  No probe input separates these meanings.")
        for n in self.notes:
            lines.append(f"  note: {n}")
        return "\n".join(lines)


def _metric_steps(metric) -> list[str]:
    out = []
    pairs = metric.pipeline() if hasattr(metric, "pipeline") else []
    for side, step in pairs:
        out.append(f"{side}: {step.describe()}")
    out.append(metric.describe())
    return out


def verification(alias) -> str:
    """What the conformance record says about an alias (the same table docs/rosetta.md is generated from)."""
    from .presets import VERIFIED_AGAINST, load_verified

    v = load_verified().get(alias.key)
    if not v or v.get("mismatches") != 0:
        return "not yet verified against the harness"
    pkg = VERIFIED_AGAINST.get((alias.harness, alias.version), alias.harness)
    return f"against {pkg} on {v['n']:,} inputs, 0 mismatches"


def _meaning(alias_key: str, alias) -> Meaning:
    m = alias.make_example()
    resolved = alias.key
    return Meaning(alias_key, resolved, m.id, alias.summary, _metric_steps(m), verification(alias))


def _as_harness_sees(probe, prefix: str):
    """A choice probe as the harness's tasks would store it (e.g. lighteval's leading space)."""
    if not prefix or probe.texts is None:
        return probe
    import dataclasses

    return dataclasses.replace(probe, texts=tuple(prefix + t for t in probe.texts))


def _score_probe(metric, probe, prefix: str = ""):
    try:
        if isinstance(probe, tuple):
            return metric.score(probe[0], probe[1])
        return metric.score(_as_harness_sees(probe, prefix))
    except (InvalidInput, Timeout) as e:
        return f"error: {e}"


def _find_example(metrics: dict, prefixes: dict | None = None) -> dict | None:
    prefixes = prefixes or {}
    kinds = {m.request_type for m in metrics.values()}
    if len(kinds) > 1:  # compare within the larger family; the others are a different kind of metric
        fams = {}
        for a, m in metrics.items():
            fams.setdefault(m.request_type, {})[a] = m
        metrics = max(fams.values(), key=len)
        kinds = {next(iter(metrics.values())).request_type}
    if kinds == {"multiple_choice"}:
        probes = _choice_probes()
    else:
        probes = PROBES
    best = None
    for probe in probes:
        scores = {a: _score_probe(m, probe, prefixes.get(a, "")) for a, m in metrics.items()}
        distinct = len({repr(s) for s in scores.values()})
        if distinct > 1 and (best is None or distinct > best[0]):
            best = (distinct, probe, scores)
    if best is None:
        return None
    _, probe, scores = best
    if isinstance(probe, tuple):
        return {"prediction": probe[0], "reference": probe[1], "scores": scores}
    shown = {a: _as_harness_sees(probe, prefixes.get(a, "")).texts for a in metrics}
    desc = f"logprobs={list(probe.logprobs)}, gold={probe.gold}, token_counts={list(probe.token_counts or ())}"
    if probe.unconditioned_logprobs:
        desc += f", unconditioned_logprobs={list(probe.unconditioned_logprobs)}"
    texts = "; ".join(f"{a} sees texts={list(t)}" for a, t in shown.items())
    return {"input": f"{desc}; {texts}", "scores": scores}


def _matching_aliases(query: str):
    from .registry import aliases, is_versioned

    table = aliases()
    q = query.strip().lower()
    hits = {}
    for key, a in table.items():
        if is_versioned(key):
            continue
        if q == a.name.lower() or q in (x.lower() for x in a.also):
            hits[key] = a
    # Older versions whose meaning differs from the newest one are listed too.
    for key, a in table.items():
        if not is_versioned(key):
            continue
        if q == a.name.lower() or q in (x.lower() for x in a.also):
            newest = table.get(f"{a.harness}:{a.name}")
            if newest is not a and a.make_example().id not in {h.make_example().id for h in hits.values()}:
                hits[key] = a
    return hits


def explain(name: str) -> Explanation:
    """Explain a canonical ID, an alias, or a common ambiguous name ("em", "qem", "acc_norm", ...).

    >>> import evalmetrics as em
    >>> e = em.explain("quasi_em")
    >>> sorted(a for a, _ in e.meanings)
    ['helm:quasi_exact_match', 'lighteval:quasi_exact_match']
    >>> e.example["scores"]["helm:quasi_exact_match"] != e.example["scores"]["lighteval:quasi_exact_match"]
    True
    """
    from .registry import get, is_versioned, resolve_alias

    alias = resolve_alias(name)
    if alias is not None:
        mean = _meaning(name, alias)
        exp = Explanation(name, [(name, mean.id)], [mean])
        from .presets import HARNESS_VERSIONS

        if alias.key != name and len(HARNESS_VERSIONS[alias.harness]) > 1:
            exp.notes.append(
                f"{name} resolves to {alias.key}: the newest {alias.harness} version with this name "
                f"(known versions: {', '.join(HARNESS_VERSIONS[alias.harness])})"
            )
        return exp
    hits = _matching_aliases(name)
    if hits:
        details = [_meaning(k, a) for k, a in sorted(hits.items())]
        exp = Explanation(name, [(d.alias, d.id) for d in details], details)
        metrics = {k: a.make_example() for k, a in sorted(hits.items())}
        if len({m.id for m in metrics.values()}) > 1:
            exp.example = _find_example(metrics, {k: a.choice_text_prefix for k, a in hits.items()})
        if len({m.id for m in metrics.values()}) == 1:
            exp.notes.append("all these names compute the same thing: " + next(iter(metrics.values())).id)
        kinds = {m.request_type for m in metrics.values()}
        if len(kinds) > 1:
            exp.notes.append(
                "these meanings score different kinds of model output: "
                + "; ".join(f"{a}: {m.request_type}" for a, m in metrics.items())
            )
        from .presets import HARNESS_VERSIONS

        for d in details:
            harness = d.resolves_to.split("@")[0]
            if d.alias != d.resolves_to and not is_versioned(d.alias) and len(HARNESS_VERSIONS.get(harness, ())) > 1:
                exp.notes.append(f"{d.alias} resolves to {d.resolves_to} (the newest version with this name)")
        return exp
    unit = get(name)  # raises UnknownMetric with suggestions
    steps = _metric_steps(unit) if hasattr(unit, "score") else [unit.describe()]
    mean = Meaning(unit.id, unit.id, unit.id, type(unit).summary, steps)
    return Explanation(name, [(unit.id, unit.id)], [mean])


def trace(metric, prediction: str, reference: str) -> list[tuple[str, str, str, str]]:
    """For one input, each step that changed the text: (side, step id, before, after). Replaying gives the result."""
    out = []
    for side, text, stps in (("prediction", prediction, metric.pred), ("reference", reference, metric.ref)):
        for s in stps:
            if text is None:
                break
            new = s.apply(text)
            if new != text:
                out.append((side, s.id, text, new))
            text = new
    return out
