"""Registry-wide invariants, checked over every unit class and every alias (sklearn test_common style)."""
from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalmetrics as em
from evalmetrics.registry import aliases, is_versioned
from evalmetrics.units import UNITS, Step
from strategies import TEXT, any_unit, step_strategy, unit_strategy

ALL_UNIT_CLASSES = sorted(UNITS.items())
ALL_ALIASES = sorted(k for k in aliases())


def test_every_unit_class_is_exported_documented_and_has_summary():
    exported = {getattr(em, n) for n in em.__all__ if n != "LogprobScorer"}
    for name, cls in ALL_UNIT_CLASSES:
        assert cls in exported, f"{cls.__name__} is not exported from evalmetrics"
        assert cls.summary, f"{name} has no summary"
        assert cls.__doc__ and ">>>" in cls.__doc__, f"{name} has no doctest example"
        assert cls.kind in ("normalizer", "extractor", "metric"), name


@pytest.mark.parametrize("name,cls", ALL_UNIT_CLASSES, ids=[n for n, _ in ALL_UNIT_CLASSES])
def test_example_instance_round_trips(name, cls):
    u = cls.example()
    assert em.get(u.id) == u
    assert em.get(u.id).id == u.id
    assert pickle.loads(pickle.dumps(u)) == u
    assert hash(pickle.loads(pickle.dumps(u))) == hash(u)


@given(any_unit())
def test_round_trip_over_everything_the_catalog_can_build(u):
    again = em.get(u.id)
    assert again == u
    assert again.id == u.id
    assert hash(again) == hash(u)
    assert pickle.loads(pickle.dumps(u)) == u


@given(any_unit(), any_unit())
def test_ids_are_distinct_exactly_when_configurations_differ(a, b):
    assert (a.id == b.id) == (a == b)


@given(step_strategy(), TEXT)
def test_steps_return_text_or_no_answer(step, text):
    try:
        out = step.apply(text)
    except em.EvalMetricsError:
        return
    assert out is None or isinstance(out, str)


IDEMPOTENT = [(n, c) for n, c in ALL_UNIT_CLASSES if issubclass(c, Step) and c.idempotent]


@pytest.mark.parametrize("name,cls", IDEMPOTENT, ids=[n for n, _ in IDEMPOTENT])
@settings(max_examples=150)
@given(data=st.data())
def test_declared_idempotence_holds(name, cls, data):
    step = data.draw(unit_strategy(cls))
    text = data.draw(TEXT)
    once = step.apply(text)
    if once is None:
        return
    assert step.apply(once) == once


def test_idempotence_check_can_fail():
    """Meta-test: the idempotence property is not vacuous. A non-idempotent step must be caught by it."""
    step = em.Replace(old="ab", new="a")  # "abb" -> "ab" -> "a"
    once = step.apply("abb")
    assert step.apply(once) != once
    assert not type(step).idempotent


def test_round_trip_check_can_fail():
    """Meta-test: two configurations that differ must render different IDs (so equality of IDs is informative)."""
    a, b = em.Strip(which="left"), em.Strip(which="right")
    assert a.id != b.id and em.get(a.id) != b


@pytest.mark.parametrize("key", ALL_ALIASES)
def test_every_alias_builds_round_trips_and_is_in_the_catalog(key):
    m = aliases()[key].make_example()
    assert isinstance(m, (em.Metric, Step))
    assert em.get(m.id) == m
    assert pickle.loads(pickle.dumps(m)) == m
    if is_versioned(key):
        assert key in {e.name for e in em.catalog()}


def test_catalog_lists_every_unit_and_versioned_alias():
    names = {e.name for e in em.catalog()}
    for n, _ in ALL_UNIT_CLASSES:
        assert n in names
    for k in ALL_ALIASES:
        if is_versioned(k):
            assert k in names
    assert len([k for k in ALL_ALIASES if is_versioned(k)]) == len([e for e in em.catalog() if e.kind == "alias"])


def test_ids_are_stable_across_processes_and_hash_seeds():
    code = "import evalmetrics as em; print('\\n'.join(e.id for e in em.catalog()))"
    outs = []
    for seed in ("0", "12345"):
        env = {"PYTHONHASHSEED": seed, "PATH": ""}
        outs.append(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
    assert outs[0] == outs[1] and outs[0].count("\n") > 50
    here = {e.id for e in em.catalog()}
    assert set(outs[0].split("\n")[:-1]) <= here  # (this process may have imported more unit modules)


def test_units_are_frozen():
    u = em.Strip()
    with pytest.raises(dataclasses.FrozenInstanceError):
        u.which = "left"


PIPELINED = [c for n, c in ALL_UNIT_CLASSES if hasattr(c, "_compute_columns")]


@pytest.mark.parametrize("cls", PIPELINED, ids=[c.name for c in PIPELINED])
@settings(max_examples=100)
@given(data=st.data())
def test_fast_column_compute_equals_per_sample_scores(cls, data):
    """compute() processes distinct texts once and compares column-wise; it must equal score() per sample."""
    m = data.draw(unit_strategy(cls))
    pool = data.draw(st.lists(TEXT, min_size=1, max_size=6))
    n = data.draw(st.integers(1, 12))
    preds = [data.draw(st.sampled_from(pool)) for _ in range(n)]
    refs = [data.draw(st.sampled_from(pool)) for _ in range(n)]
    expected = []
    for p, r in zip(preds, refs):
        try:
            expected.append(m.score(p, r))
        except em.Timeout:
            expected.append(0.0)
        except em.InvalidInput:
            with pytest.raises(em.InvalidInput):
                m.compute(preds, refs)
            return
    assert list(m.compute(preds, refs).per_sample) == expected
    multi = [[r, p] for p, r in zip(preds, refs)]  # the general (multi-reference) path
    try:
        expected_multi = [m.score(p, r) for p, r in zip(preds, multi)]
    except (em.InvalidInput, em.Timeout) as e:
        with pytest.raises(type(e)):
            m.compute(preds, multi) if isinstance(e, em.InvalidInput) else _raise_timeout()
        return
    assert list(m.compute(preds, multi).per_sample) == expected_multi


@settings(max_examples=200)
@given(bag=st.sampled_from(["multiset", "set"]), formula=st.sampled_from(["ratio", "harmonic"]),
       empty=st.sampled_from(["zero", "equal"]),
       pool=st.lists(st.lists(st.sampled_from(["a", "b", "c", "d", " "]), max_size=8).map(" ".join), min_size=1,
                     max_size=6),
       picks=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=20))
def test_f1_columns_with_repeated_tokens_and_identical_texts(bag, formula, empty, pool, picks):
    # Tiny vocabularies make repeated tokens (the multiset counts) and identical pairs (scored 1 directly) common.
    m = em.F1(bag=bag, formula=formula, empty=empty)
    preds = [pool[i % len(pool)] for i, _ in picks]
    refs = [pool[j % len(pool)] for _, j in picks]
    assert list(m.compute(preds, refs).per_sample) == [m.score(p, r) for p, r in zip(preds, refs)]


def _raise_timeout():
    raise em.Timeout("a sample timed out in score(); compute() scores it 0 instead")


def test_lm_eval_identity_fast_path_respects_nul():
    m = em.get("lm_eval:exact_match")
    assert list(m.compute(["a\x00", "a", "b"], ["a", "a", "a"]).per_sample) == [1.0, 1.0, 0.0]
