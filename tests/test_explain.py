"""explain(): every ambiguous name lists each harness's meaning, and the differing example is computed."""
import pytest

import evalmetrics as em

AMBIGUOUS = ["em", "exact_match", "qem", "quasi_em", "quasi_exact_match", "pem", "prefix_exact_match", "f1", "acc",
             "acc_norm", "pqem"]


@pytest.mark.parametrize("name", AMBIGUOUS)
def test_ambiguous_names(name):
    e = em.explain(name)
    assert len(e.meanings) >= 2
    harnesses = {a.split(":")[0].split("@")[0] for a, _ in e.meanings}
    assert len(harnesses) >= 2
    for alias, cid in e.meanings:
        assert em.get(alias).id == cid and em.get(cid) == em.get(alias)
    ids = {cid for _, cid in e.meanings}
    if len(ids) == 1:
        assert any("compute the same thing" in n for n in e.notes)
        return
    ex = e.example
    assert ex is not None, f"no probe separates the meanings of {name!r}"
    assert len(set(map(repr, ex["scores"].values()))) > 1
    if "prediction" in ex:  # recompute: the example is what the metrics give, not typed values
        for alias, s in ex["scores"].items():
            assert em.get(alias).score(ex["prediction"], ex["reference"]) == s
    text = str(e)
    assert "Example where they differ" in text and all(a in text for a, _ in e.meanings)


def test_acc_norm_example_uses_each_harness_text_convention():
    e = em.explain("acc_norm")
    assert "lighteval:acc_norm sees texts=[' a', ' abc']" in e.example["input"]
    assert e.example["scores"]["lm_eval:acc_norm"] != e.example["scores"]["lighteval:acc_norm"]


def test_explain_an_id_lists_steps_in_plain_words():
    e = em.explain("exact_match(mode=prefix, normalize=[lowercase, strip_punct])")
    (m,) = e.details
    assert m.steps[0].startswith("both: lowercase") and "prediction starts with reference" in m.steps[-1]


def test_versioned_alias_note():
    e = em.explain("lighteval:quasi_exact_match")
    assert any("lighteval@0.10:quasi_exact_match" in n for n in e.notes)


def test_unknown_name_suggests():
    with pytest.raises(em.UnknownMetric) as ei:
        em.explain("quasi_exact_matchh")
    assert ei.value.suggestions


def test_trace_replays_to_the_compared_texts():
    m = em.get("helm:quasi_exact_match")
    steps = em.trace(m, "  The Eiffel Tower! ", "eiffel tower")
    assert steps[0] == ("prediction", "strip(which=both, chars=none)", "  The Eiffel Tower! ", "The Eiffel Tower!")
    final_pred = [s for s in steps if s[0] == "prediction"][-1][3]
    assert final_pred == "eiffel tower"


def test_every_alias_is_recorded_as_verified():
    """explain() and docs/rosetta.md read one record; every shipped alias must be in it with 0 mismatches."""
    from evalmetrics.explain import verification
    from evalmetrics.registry import aliases, is_versioned

    missing = [k for k, a in aliases().items() if is_versioned(k) and not verification(a).startswith("against ")]
    assert not missing, f"aliases without a recorded conformance run (tests/conformance/record.py): {missing}"
    assert "0 mismatches" in em.explain("helm:quasi_exact_match").details[0].verified
