"""explain(name): what a metric name means, per harness, as canonical IDs, with a computed differing example."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .errors import InvalidConfig, InvalidInput, Timeout, UnknownMetric

__all__ = ["explain", "Explanation", "MeaningGroup", "trace", "group_by_id", "same_score", "plain_steps",
           "collapse_steps", "FAMILIES", "PROBES", "CHOICE_PROBES", "REL_TOL", "ABS_TOL"]

# Two computed scores differ only when they differ materially: floats are compared with
# math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL), so float rounding alone (0.2222222222222222 against
# 0.22222222222222224, the same F1 by two formulas) never makes an example "where they differ".
REL_TOL = 1e-9
ABS_TOL = 1e-12

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


# Families: the meanings a common word goes by in harnesses that name them differently. explain(word) lists every
# alias whose name or other name (``Alias.also``) is the word, plus the aliases below, each with why it belongs; the
# explanation notes how each meaning was reached. Meanings of different input kinds (Choices, text) may share a word:
# explain computes its differing example within each kind. Add a word or a member here; the test
# tests/test_explain.py::test_family_table_members_resolve keeps every key a shipped alias.
FAMILIES: dict[str, tuple[tuple[str, str], ...]] = {
    "match": (
        ("lm_eval:exact_match", "lm_eval's exact-match scorer for generated answers"),
        ("helm:exact_match", "HELM's exact-match scorer for generated answers"),
        ("helm:quasi_exact_match", "HELM's default match for QA scenarios (normalized text)"),
        ("lighteval:exact_match", "lighteval's exact-match scorer for generated answers"),
        ("lighteval:quasi_exact_match", "lighteval's normalized-text match"),
        ("inspect:exact", "Inspect AI's whole-text match scorer, exact()"),
        ("unitxt:metrics.accuracy", "unitxt's match of a generated text against the references, named accuracy"),
    ),
    "accuracy": (
        ("olmes:acc_raw", "OLMES's accuracy of the summed log-probabilities (acc_raw)"),
        ("inspect:match", "Inspect AI reports its match() verdicts under the metric name accuracy"),
    ),
    "acc": (
        ("olmes:acc_raw", "OLMES's accuracy of the summed log-probabilities (acc_raw)"),
    ),
    "acc_norm": (
        ("olmes:acc_per_char", "OLMES's name for accuracy normalized by the characters of each choice"),
    ),
    "exact_match": (
        ("inspect:exact", "Inspect AI's exact-match scorer, exact()"),
        ("unitxt:metrics.exact_match_mm", "unitxt's exact match (MMStar's rule)"),
    ),
    "exact": (
        ("helm:exact_match", "exact_match, which 'exact' abbreviates"),
        ("lighteval:exact_match", "exact_match, which 'exact' abbreviates"),
        ("hf_evaluate:exact_match", "exact_match, which 'exact' abbreviates"),
    ),
    "f1": (
        ("unitxt:metrics.f1_micro", "unitxt's micro F1 over class labels (a corpus statistic)"),
        ("unitxt:metrics.f1_macro", "unitxt's macro F1 over class labels (a corpus statistic)"),
        ("unitxt:metrics.token_overlap", "unitxt's token F1 (SQuAD's normalization), named token_overlap"),
    ),
}


def _choice_probes():
    from .metrics.choice import Choices

    return (
        Choices(logprobs=[-1.0, -2.8], gold=1, texts=["a", "abc"], token_counts=[1, 1]),
        Choices(logprobs=[-4.0, -5.0], gold=1, texts=["x", "yy"], token_counts=[1, 2],
                unconditioned_logprobs=[-1.0, -4.5]),
        Choices(logprobs=[-6.0, -7.0], gold=1, texts=["é", "ab"], token_counts=[1, 1]),
    )


CHOICE_PROBES = None  # built lazily (needs numpy record validation)


_KINDS_NOTE = "these meanings score different kinds of model output: "


@dataclass
class Meaning:
    alias: str
    resolves_to: str
    id: str
    summary: str
    steps: list[str]
    verified: str = ""
    # Multiple choice only: the choice texts this harness's tasks pass the metric, as an example ("' Paris'").
    input: str = ""
    # The configuration the id is built with, when the alias is shown with one (its required keys marked).
    config: str = ""


@dataclass
class MeaningGroup:
    """One behavior: the names (harness aliases) that resolve to one canonical ID, written ``"A = B"``.

    ``members`` holds each name's Meaning (its harness's summary and its verification); ``steps`` are the ID's
    steps, the same for every member. Members may still be fed different inputs by their harnesses (lighteval's
    choice texts start with a space, lm_eval's do not): ``Meaning.input`` says which, and explain computes
    whether that changes the score."""

    names: list[str]
    id: str
    members: list[Meaning]

    @property
    def label(self) -> str:
        return " = ".join(self.names)

    @property
    def steps(self) -> list[str]:
        return self.members[0].steps


@dataclass
class Explanation:
    """What a name means. ``meanings``: list of (alias, canonical id) pairs, one per name; ``details``: one Meaning
    each; ``groups``: the distinct behaviors, names sharing a canonical ID grouped as one (MeaningGroup);
    ``example``: an input on which meanings differ materially, with each alias's computed score (``scores``) and
    each distinct behavior's (``by_meaning``); ``more_examples``: further inputs, until every pair of behaviors
    that some probe separates is shown separated; ``rounding_only``: pairs whose scores differ on the probes by
    float rounding alone (compared with math.isclose at REL_TOL / ABS_TOL)."""

    query: str
    meanings: list[tuple[str, str]] = field(default_factory=list)
    details: list[Meaning] = field(default_factory=list)
    example: dict | None = None
    notes: list[str] = field(default_factory=list)
    groups: list[MeaningGroup] = field(default_factory=list)
    more_examples: list[dict] = field(default_factory=list)
    rounding_only: list[dict] = field(default_factory=list)

    def __post_init__(self):
        if not self.groups:  # one group per canonical ID among the details, in the details' order
            members = {d.alias: d for d in self.details}
            self.groups = [MeaningGroup(names, m.id, [members[n] for n in names])
                           for names, m in group_by_id((d.alias, d) for d in self.details)]

    def __str__(self) -> str:
        groups = self.groups
        # the choice-text convention matters here only when the harnesses compared feed different texts
        show_input = len({m.input for m in self.details if m.input}) > 1
        lines = [f"{self.query!r}"]
        if len(groups) > 1:
            lines[0] += f" means {len(groups)} different things"
            if len(self.details) > len(groups):
                lines[0] += f" ({len(self.details)} names)"
            lines[0] += ":"
        elif len(self.details) > 1:
            lines[0] += f": {len(self.details)} names for one thing:"
        for g in groups:
            lines.append("")
            if len(g.members) == 1:
                m = g.members[0]
                lines.append(f"  {_head(m)}")
                if m.summary:
                    lines.append(f"    {m.summary}")
                lines.append(f"    id: {g.id}")
                if m.config:
                    lines.append(f"    id shown for: {m.config}")
                if m.verified:
                    lines.append(f"    verified: {m.verified}")
                if m.input and show_input:
                    lines.append(f"    input: {m.input}")
            else:
                lines.append(f"  {g.label}")
                lines.append(f"    id: {g.id}")
                for m in g.members:
                    lines.append(f"    {_head(m)}: {m.summary}" if m.summary else f"    {_head(m)}")
                    if m.config:
                        lines.append(f"      id shown for: {m.config}")
                    if m.verified:
                        lines.append(f"      verified: {m.verified}")
                    if m.input and show_input:
                        lines.append(f"      input: {m.input}")
            for i, s in enumerate(collapse_steps(g.steps), 1):  # a recurring step once, with how often
                lines.append(f"    {i}. {s}")
        for n, ex in enumerate([self.example] + self.more_examples if self.example else []):
            lines.append("")
            title = "Example where they differ" if n == 0 else "Another example, where " + "; ".join(
                f"{a} and {b}" for a, b in ex.get("separates", ())) + " differ"
            if "prediction" in ex:
                lines.append(f"  {title}: prediction={ex['prediction']!r}, reference={ex['reference']!r}")
            else:
                lines.append(f"  {title}: {ex['input']}")
            shown: dict = {}
            for label, s in (ex.get("by_meaning") or ex["scores"]).items():
                twin = next((k for k, v in shown.items() if repr(v) != repr(s) and same_score(v, s)), None)
                lines.append(f"    {label}: {s}" + (f"  (= {twin} up to float rounding)" if twin else ""))
                shown[label] = s
            for line in ex.get("inputs_explain", ()):
                lines.append(f"    {line}")
        if not self.example and len(groups) > 1:
            lines.append("")
            if any(n.startswith(_KINDS_NOTE) for n in self.notes):
                lines.append("  No one input feeds all these meanings: they score different kinds of model output "
                             "(see the notes).")
            else:
                lines.append("  No probe input separates these meanings materially.")
        for r in self.rounding_only:
            lines.append(f"  note: {r['a']} and {r['b']} differ only by float rounding on the probes (e.g. "
                         f"{r['a_score']!r} vs {r['b_score']!r} on {r['input']}); scores are compared with "
                         f"math.isclose(rel_tol={REL_TOL:g}, abs_tol={ABS_TOL:g})")
        for n in self.notes:
            lines.append(f"  note: {n}")
        return "\n".join(lines)


def _head(m: Meaning) -> str:
    return m.alias if m.alias == m.resolves_to else f"{m.alias} (= {m.resolves_to})"


def plain_steps(metric) -> list[str]:
    """The metric's steps in plain words: each prediction/reference step (``"prediction: ..."``), then the
    metric's own rule. (The task readers of evalmetrics.integrations print readings with this too.)"""
    out = []
    for side, step in metric.pipeline() if hasattr(metric, "pipeline") else []:
        out.append(f"{side}: {step.describe()}")
    out.append(metric.describe())
    return out


_metric_steps = plain_steps


def collapse_steps(steps) -> list[str]:
    """Plain-words steps with each recurring step shown once: ``"... (4 times: here and after steps 4, 5 and 7)"``.

    ``explain`` and the task readers (``evalmetrics explain --lm-eval-task``) print steps through this; the
    Meaning's ``steps`` keep every step.

    >>> collapse_steps(["a", "x", "b", "x", "x", "c"])
    ['a', 'x (3 times: here and after step 3)', 'b', 'c']
    """
    first: dict = {}
    rows: list = []  # [text, count, [numbers of the steps a later run follows]]
    prev = None
    for s in steps:
        k = first.get(s)
        if k is None:
            k = first[s] = len(rows)
            rows.append([s, 1, []])
        else:
            rows[k][1] += 1
            if prev is not None and prev != k and prev + 1 not in rows[k][2]:
                rows[k][2].append(prev + 1)
        prev = k
    out = []
    for text, count, after in rows:
        if count == 1:
            out.append(text)
        elif not after:
            out.append(f"{text} ({count} times in a row)")
        else:
            nums = [str(n) for n in after]
            where = nums[0] if len(nums) == 1 else ", ".join(nums[:-1]) + " and " + nums[-1]
            out.append(f"{text} ({count} times: here and after step{'s' if len(nums) > 1 else ''} {where})")
    return out


def verification(alias) -> str:
    """What the conformance record says about an alias (the same table docs/rosetta.md is generated from)."""
    from .presets import VERIFIED_AGAINST, load_verified

    v = load_verified().get(alias.key)
    if not v or v.get("mismatches") != 0:
        return "not yet verified against the harness"
    pkg = VERIFIED_AGAINST.get((alias.harness, alias.version), alias.harness)
    return f"against {pkg} on {v['n']:,} inputs, 0 mismatches"


def same_score(a, b) -> bool:
    """True when two computed scores agree materially: numbers within math.isclose(rel_tol=REL_TOL,
    abs_tol=ABS_TOL) (two NaNs agree), anything else (an error text, None) by equality."""
    number = (int, float)
    if isinstance(a, number) and isinstance(b, number) and not isinstance(a, bool) and not isinstance(b, bool):
        if a != a or b != b:
            return a != a and b != b
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return repr(a) == repr(b)


def group_by_id(pairs) -> list[tuple[list[str], object]]:
    """[(label, metric)] -> [(labels, metric)]: labels whose metrics have one canonical ID are one meaning (shown
    as ``"A = B"``), in first-seen order. explain and diff both group with this."""
    by_id: dict = {}
    for label, m in pairs:
        by_id.setdefault(m.id, ([], m))[0].append(label)
    return list(by_id.values())


def _input_words(alias) -> str:
    """Multiple choice: the choice texts the harness's tasks pass the metric, with an example."""
    p = alias.choice_text_prefix
    how = "with a leading space" if p == " " else (f"starting with {p!r}" if p else "without a leading space")
    return f"choice texts as {alias.harness}'s tasks pass them: {how} ({p + 'Paris'!r})"


def _meaning(alias_key: str, alias) -> Meaning:
    m = alias.make_example()
    resolved = alias.key
    words = _input_words(alias) if getattr(m, "request_type", None) == "multiple_choice" else ""
    return Meaning(alias_key, resolved, m.id, alias.summary, _metric_steps(m), verification(alias), words,
                   alias.example_words())


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


def _runs_here(run, probe) -> bool:
    """False when the run's metric cannot score in this environment: a package or data it delegates to is missing
    (an InvalidConfig at scoring time, e.g. nltk's Punkt model). Such a run is left out of the computed examples."""
    try:
        _score_probe(run.metric, probe, run.prefix)
    except InvalidConfig:
        return False
    return True


@dataclass
class _Run:
    """One behavior as harnesses run it: one canonical ID fed one input convention (the choice-text prefix)."""

    aliases: list[str]
    metric: object
    prefix: str

    @property
    def label(self) -> str:
        return " = ".join(self.aliases)


def _runs(metrics: dict, prefixes: dict) -> list[_Run]:
    """The meanings' groups (one per canonical ID), each split by the inputs its harnesses feed it."""
    out = []
    for labels, m in group_by_id(metrics.items()):
        by_prefix: dict = {}
        for a in labels:
            by_prefix.setdefault(prefixes.get(a, ""), []).append(a)
        out.extend(_Run(names, m, p) for p, names in by_prefix.items())
    return out


def _n_clusters(values) -> int:
    reps: list = []
    for v in values:
        if not any(same_score(v, r) for r in reps):
            reps.append(v)
    return len(reps)


def _find_examples(runs: list[_Run], limit: int = 4) -> tuple[list[dict], list[dict]]:
    """(examples, rounding_only): see _examples_and_alike."""
    return _examples_and_alike(runs, limit)[:2]


def _examples_and_alike(runs: list[_Run], limit: int = 4) -> tuple[list[dict], list[dict], list[tuple]]:
    """(examples, rounding_only, alike). The first example is the probe separating the most behaviors materially; each
    further one separates pairs that no earlier example separates, until every pair that some probe separates is
    shown (at most ``limit`` examples). ``rounding_only``: pairs that differ on some probe, but only by float
    rounding on every probe. ``alike``: pairs of different canonical IDs that score every probe the same."""
    kinds = {r.metric.request_type for r in runs}
    if len(kinds) > 1:  # compare within the larger family; the others are a different kind of metric
        fams: dict = {}
        for r in runs:
            fams.setdefault(r.metric.request_type, []).append(r)
        # the largest kind first; a kind whose meanings never differ gives way to the next one that does
        ordered = sorted(fams.values(), key=lambda rs: -sum(len(r.aliases) for r in rs))
        found = [_examples_and_alike(rs, limit) for rs in ordered]
        first = next((f for f in found if f[0]), found[0])
        return first[0], first[1], [p for f in found for p in f[2]]
    if len(runs) < 2:
        return [], [], []
    probes = _choice_probes() if kinds == {"multiple_choice"} else PROBES
    runs = [r for r in runs if _runs_here(r, probes[0])]
    if len(runs) < 2:
        return [], [], []
    table = [[_score_probe(r.metric, probe, r.prefix) for r in runs] for probe in probes]
    pairs = [(i, j) for i in range(len(runs)) for j in range(i + 1, len(runs))]
    separates = [{(i, j) for i, j in pairs if not same_score(row[i], row[j])} for row in table]
    separable = set().union(*separates)
    rounding_only, alike = [], []
    for i, j in pairs:
        if (i, j) in separable:
            continue
        for p, row in enumerate(table):
            if repr(row[i]) != repr(row[j]):
                rounding_only.append({"a": runs[i].label, "b": runs[j].label, "a_score": row[i], "b_score": row[j],
                                      "input": _probe_words(probes[p])})
                break
        else:
            if runs[i].metric.id != runs[j].metric.id:
                alike.append((runs[i].label, runs[j].label))
    examples: list[dict] = []
    covered: set = set()
    while covered != separable and len(examples) < limit:
        if not examples:
            key = lambda p: (_n_clusters(table[p]), len(separates[p]))  # noqa: E731
        else:
            key = lambda p: len(separates[p] - covered)  # noqa: E731
        best = max(range(len(probes)), key=lambda p: (key(p), -p))  # ties: the first probe
        new = separates[best] - covered
        ex = _example(runs, probes[best], table[best])
        # the first example is shown whole; each later one names the pairs it adds
        ex["separates"] = [(runs[i].label, runs[j].label) for i, j in sorted(new)] if examples else []
        examples.append(ex)
        covered |= new
    return examples, rounding_only, alike


def _note_inputs(exp: Explanation, group: MeaningGroup, runs: list[_Run], examples: list[dict]) -> None:
    """A group whose harnesses feed its one ID different inputs: say so, and whether the scores then differ."""
    if len(runs) < 2:
        return
    fed = ", ".join(f"{r.label} gets {r.prefix + 'Paris'!r}" for r in runs)
    labels = {r.label for r in runs}
    shown = any(set(ex["by_meaning"]) >= labels and _n_clusters([ex["by_meaning"][x] for x in labels]) > 1
                for ex in examples)
    head = f"{group.label} is one canonical ID, but the harnesses' tasks give it different choice texts ({fed})"
    if shown:
        exp.notes.append(head + "; on the same task the scores differ: see the example")
    else:
        exp.notes.append(head + "; on every probe task, each harness's texts give the same score")


def _probe_words(probe) -> str:
    if isinstance(probe, tuple):
        return f"prediction={probe[0]!r}, reference={probe[1]!r}"
    return f"a task with choices {list(probe.texts or ())}"


def _example(runs: list[_Run], probe, row: list) -> dict:
    by_meaning = {r.label: s for r, s in zip(runs, row)}
    scores = {a: s for r, s in zip(runs, row) for a in r.aliases}
    if isinstance(probe, tuple):
        return {"prediction": probe[0], "reference": probe[1], "scores": scores, "by_meaning": by_meaning}
    # A choice probe is one task question: the choices as the task defines them, each harness's texts from them.
    shown = {r.label: list(_as_harness_sees(probe, r.prefix).texts or ()) for r in runs}
    desc = (f"one task question with choices {list(probe.texts or ())} as the task defines them, "
            f"logprobs={list(probe.logprobs)}, gold={probe.gold}, token_counts={list(probe.token_counts or ())}")
    if probe.unconditioned_logprobs:
        desc += f", unconditioned_logprobs={list(probe.unconditioned_logprobs)}"
    desc += "; " + "; ".join(f"{label} sees texts={t}" for label, t in shown.items())
    ex = {"input": desc, "choices": list(probe.texts or ()), "texts": shown, "scores": scores,
          "by_meaning": by_meaning, "cross": {}, "inputs_explain": []}
    # Runs fed different texts: score each on the other's texts, to tell a difference of inputs from one of metrics.
    for i, a in enumerate(runs):
        for b, sb in zip(runs[i + 1:], row[i + 1:]):
            if a.prefix == b.prefix or same_score(row[i], sb):
                continue
            a_on_b = _score_probe(a.metric, probe, b.prefix)
            ex["cross"][f"{a.label} on the texts of {b.label}"] = a_on_b
            if a.metric.id == b.metric.id:
                why = "one canonical ID: the difference is the choice texts each harness passes"
            elif same_score(a_on_b, sb):
                why = ("on this task the difference comes from the choice texts each harness passes, "
                       "not from the metrics")
            else:
                why = "the metrics differ as well as the texts"
            ex["inputs_explain"].append(f"{a.label} given the texts of {b.label} ({shown[b.label]}) scores "
                                        f"{a_on_b}: {why}")
    return ex


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
    if hits or q in FAMILIES:
        for key, _ in FAMILIES.get(q, ()):
            hits.setdefault(key, table[key])
    return hits or _task_rows(q, table)


def _note_family(exp, name: str, hits: dict) -> None:
    """How each meaning of a word was reached: its name, another name of its alias, or explain's family table."""
    q = name.strip().lower()
    if q not in FAMILIES:
        return
    named = [k for k, a in sorted(hits.items()) if a.name.lower() == q]
    also = [k for k, a in sorted(hits.items()) if k not in named and q in (x.lower() for x in a.also)]
    parts = []
    if named:
        parts.append(f"named {q!r}: {', '.join(named)}")
    if also:
        parts.append(f"{q!r} is another name of theirs: {', '.join(also)}")
    parts.extend(f"{k} ({why})" for k, why in FAMILIES[q] if k in hits and k not in named and k not in also)
    exp.notes.append(f"the meanings of {q!r}: " + "; ".join(parts))


def _task_rows(q: str, table) -> dict:
    """A task name ("gsm8k"): the shipped aliases of its rows (``lm_eval:gsm8k/strict-match``, ...), newest
    versions only. Reading the installed task config itself is ``evalmetrics explain --lm-eval-task NAME``."""
    from .registry import is_versioned

    return {k: a for k, a in table.items() if not is_versioned(k) and a.name.lower().startswith(q + "/")}


def _with_task_names(err, name: str):
    """UnknownMetric for a name explain does not know: its suggestions hold the closest names explain takes (bare
    harness names such as ``acc_norm`` and their other names, unversioned aliases, task names among the shipped
    task aliases) before ``get``'s; for a name that could be a task, the hint says it is no metric and what
    reading it as an lm_eval task needs."""
    import difflib

    from .registry import aliases, is_versioned
    from .suggest import close_names

    table = aliases()
    q = name.strip()
    tasks = sorted({a.name.split("/")[0] for a in table.values() if "/" in a.name})
    bare = sorted({x for k, a in table.items() if not is_versioned(k) for x in (a.name, *a.also)})
    keys = sorted(k for k in table if not is_versioned(k))
    task_names = difflib.get_close_matches(q.lower(), tasks, n=3, cutoff=0.6)
    metric_names = (close_names(q, keys, 3) + list(err.suggestions) if ":" in q  # a harness prefix: its aliases
                    else close_names(q, bare, 3) + close_names(q, keys, 3))
    close = list(dict.fromkeys(metric_names + task_names + list(err.suggestions)))[:6]
    # a misspelt metric name is no task: the task hint only when no metric name is close (or a task name is)
    hint = _task_hint(q) if task_names or not metric_names else ""
    return UnknownMetric(name, close, hint=hint or err.hint)


def _task_hint(name: str) -> str:
    """For a name that could be an lm_eval task name (no harness prefix, no ID syntax): that it is no metric name,
    and, when lm_eval is not installed, that reading task names needs it (or the task YAML's path)."""
    import importlib.util
    import re

    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
        return ""
    try:
        installed = importlib.util.find_spec("lm_eval") is not None
    except (ImportError, ValueError):
        installed = False
    if installed:
        return "not a metric name or canonical ID; as a task: evalmetrics explain --lm-eval-task " + name
    return ("not a metric name or canonical ID; reading it as an lm_eval task name needs lm_eval installed "
            "(pip install 'lm-eval==0.4.13'), or give the task's YAML: evalmetrics explain --lm-eval-task PATH.yaml")


def _note_task(exp, name: str, hits: dict):
    if hits and all(a.name.lower().startswith(name.strip().lower() + "/") for a in hits.values()):
        exp.notes.insert(0, f"{name!r} is a task name: these are its reported rows as shipped aliases (the whole "
                            f"task config: evalmetrics explain --lm-eval-task {name.strip()})")


_FEEDS = {"letter_logprobs": "the letter log-probs", "choice_logprobs": "the full-choice log-probs",
          "generation": "the generation"}


def _way_input(way, ex):
    """What one way of scoring a task is given, built from the worked example's model outputs."""
    from .metrics.choice import Choices

    if way.feeds == "generation":
        return (ex.generation, way.gold_prefix + ex.letters[ex.gold])
    if way.feeds == "letter_logprobs":
        return Choices(logprobs=ex.letter_logprobs, gold=ex.gold, texts=[way.prefix + x for x in ex.letters])
    # no way listed normalizes by tokens: the token counts are not given (a way that needed them would raise)
    return Choices(logprobs=ex.choice_logprobs, gold=ex.gold, texts=[way.prefix + x for x in ex.choices])


def _side_by_side(name: str):
    """A task whose implementations ask the model for different things (``"mmlu"``): its ways side by side, what
    each needs from the model, whether LogprobScorer can feed it, and each one's verdict computed on one question
    (presets.mmlu.SIDE_BY_SIDE). None for any other name."""
    from .presets.mmlu import SIDE_BY_SIDE
    from .registry import get, resolve_alias

    entry = SIDE_BY_SIDE.get(name.strip().lower())
    if entry is None:
        return None
    ways, ex = entry
    details, scores = [], {}
    for w in ways:
        alias = resolve_alias(w.alias)
        m = get(w.alias, **w.config)
        details.append(Meaning(w.label, alias.key, m.id, alias.summary, _metric_steps(m), verification(alias),
                               f"needs {w.needs}"))
        scores[w.label] = _score_probe(m, _way_input(w, ex))
    # .meanings: names get() resolves (a row with configuration is named by its canonical ID there)
    exp = Explanation(name, [(w.alias if not w.config else d.id, d.id) for w, d in zip(ways, details)], details)
    letters = ", ".join(f"{x}. {c}" for x, c in zip(ex.letters, ex.choices))
    exp.example = {
        "input": (f"MMLU {ex.subject}: {ex.question!r} ({letters}; gold {ex.letters[ex.gold]}), a hypothetical "
                  f"model's outputs: letter log-probs {dict(zip(ex.letters, ex.letter_logprobs))}, generation "
                  f"{ex.generation!r}, full-choice log-probs {list(ex.choice_logprobs)}"),
        "scores": scores, "by_meaning": dict(scores),
        "inputs_explain": [f"{w.label} scores {_FEEDS[w.feeds]}" for w in ways],
    }
    exp.notes.append("the metrics are few (argmax of log-probabilities, exact match); the ways differ in what they "
                     "ask the model for: the letter after 'Answer:', a generated answer, or each full answer text")
    for w in ways:
        exp.notes.append(f"{w.label} ({w.source}): LogprobScorer can feed it: {w.logprob_scorer}")
    return exp


def explain(name: str) -> Explanation:
    """Explain a canonical ID, an alias, or a common ambiguous name ("em", "qem", "acc_norm", ...).

    >>> import evalmetrics as em
    >>> e = em.explain("quasi_em")
    >>> sorted(a for a, _ in e.meanings)
    ['helm:quasi_exact_match', 'lighteval:quasi_exact_match']
    >>> e.example["scores"]["helm:quasi_exact_match"] != e.example["scores"]["lighteval:quasi_exact_match"]
    True
    """
    from .registry import get, is_versioned, name_expected, resolve_alias

    from .units import Unit

    if isinstance(name, Unit):  # a metric object, as get() takes: explain its canonical ID
        name = name.id
    if not isinstance(name, str):
        raise InvalidInput(name_expected(name), field="name")
    side = _side_by_side(name)
    if side is not None:
        return side
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
        exp.notes.extend(alias.quirks() if alias.quirks else [])
        return exp
    hits = _matching_aliases(name)
    if hits:
        details = [_meaning(k, a) for k, a in sorted(hits.items())]
        exp = Explanation(name, [(d.alias, d.id) for d in details], details)
        _note_task(exp, name, hits)
        _note_family(exp, name, hits)
        metrics = {k: a.make_example() for k, a in sorted(hits.items())}
        runs = _runs(metrics, {k: a.choice_text_prefix for k, a in hits.items()})
        examples, exp.rounding_only, alike = _examples_and_alike(runs)
        for a, b in alike:
            exp.notes.append(f"{a} and {b} give the same score on every probe input, though their canonical IDs "
                             f"differ (compare their steps: they part on inputs the probes lack, or over a corpus)")
        if examples:
            exp.example, exp.more_examples = examples[0], examples[1:]
        if len(exp.groups) == 1 and len(details) > 1:
            exp.notes.append("all these names compute the same thing: " + next(iter(metrics.values())).id)
        for g in exp.groups:
            _note_inputs(exp, g, [r for r in runs if r.metric.id == g.id], examples)
        kinds = {m.request_type for m in metrics.values()}
        if len(kinds) > 1:
            exp.notes.append(
                _KINDS_NOTE
                + "; ".join(f"{a}: {m.request_type}" for a, m in metrics.items())
            )
        from .presets import HARNESS_VERSIONS

        for d in details:
            harness = d.resolves_to.split("@")[0]
            if d.alias != d.resolves_to and not is_versioned(d.alias) and len(HARNESS_VERSIONS.get(harness, ())) > 1:
                exp.notes.append(f"{d.alias} resolves to {d.resolves_to} (the newest version with this name)")
        for _, a in sorted(hits.items()):
            exp.notes.extend(a.quirks() if a.quirks else [])
        return exp
    try:
        unit = get(name)  # raises UnknownMetric with suggestions
    except UnknownMetric as e:
        raise _with_task_names(e, name) from None
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
