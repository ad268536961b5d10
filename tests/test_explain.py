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
    if ex is None:  # no probe separates them: each pair of IDs is said to score every probe alike
        alike = [n for n in e.notes if "give the same score on every probe input" in n]
        for i, a in enumerate(e.groups):
            for b in e.groups[i + 1:]:
                assert any(any(x in n for x in a.names) and any(y in n for y in b.names) for n in alike)
        return
    assert len(set(map(repr, ex["scores"].values()))) > 1
    if "prediction" in ex:  # recompute: the example is what the metrics give, not typed values
        for alias, s in ex["scores"].items():
            assert em.get(alias).score(ex["prediction"], ex["reference"]) == s
    text = str(e)
    assert "Example where they differ" in text and all(a in text for a, _ in e.meanings)


def test_acc_norm_example_uses_each_harness_text_convention():
    e = em.explain("acc_norm")
    assert "lighteval:acc_norm = lighteval:loglikelihood_acc_norm sees texts=[' a', ' abc']" in e.example["input"]
    assert "lm_eval:acc_norm sees texts=['a', 'abc']" in e.example["input"]
    assert e.example["scores"]["lm_eval:acc_norm"] != e.example["scores"]["lighteval:acc_norm"]


# ------------------------------------------------------------------ issue 14 item 7: behaviors, not names


def _distinct_ids(e):
    return list(dict.fromkeys(cid for _, cid in e.meanings))


@pytest.mark.parametrize("name,n_names,n_meanings", [("acc", 3, 2), ("acc_norm", 4, 3), ("exact_match", 10, 9)])
def test_explain_counts_behaviors_not_names(name, n_names, n_meanings):
    """One meaning per canonical ID, not per name (the families include OLMES's acc_raw / acc_per_char and the
    new harnesses' exact matches: explain.FAMILIES)."""
    e = em.explain(name)
    assert len(e.meanings) == n_names  # the public (alias, id) pairs: one per name, as before
    assert len(_distinct_ids(e)) == n_meanings == len(e.groups)
    assert [g.id for g in e.groups] == _distinct_ids(e)
    for g in e.groups:  # a group is exactly the names with that ID, written "A = B"
        assert g.names == [a for a, cid in e.meanings if cid == g.id] and g.label == " = ".join(g.names)
        assert [m.alias for m in g.members] == g.names
    text = str(e)
    if n_meanings == 1:
        assert "different things" not in text and f"{n_names} names for one thing" in text
    else:
        assert f"means {n_meanings} different things ({n_names} names)" in text
    for g in e.groups:
        if len(g.names) > 1:
            assert f"\n  {g.label}\n" in text


def test_groups_are_labelled_as_diff_labels_them(tmp_path):
    """One grouping, one place: diff's meanings of a name are explain's groups (same labels)."""
    import json

    from evalmetrics.diffing import resolve_meanings

    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"prediction": "Paris", "references": ["Paris"]}) + "\n")
    labels, _ = resolve_meanings(str(data), name="exact_match")
    e = em.explain("exact_match")
    assert "hf_evaluate:exact_match = lm_eval:exact_match" in [lbl for lbl, _ in labels]
    assert {lbl for lbl, _ in labels} <= {g.label for g in e.groups}


def test_each_alias_keeps_its_summary_and_verification_inside_a_group():
    e = em.explain("acc_norm")
    (light,) = [g for g in e.groups if len(g.names) == 2]
    assert light.names == ["lighteval:acc_norm", "lighteval:loglikelihood_acc_norm"]
    text = str(e)
    for m in light.members:
        assert m.verified.startswith("against ") and m.verified in text and m.summary in text


def _choices_as(alias, probe):
    import dataclasses

    from evalmetrics.registry import resolve_alias

    prefix = resolve_alias(alias).choice_text_prefix
    return dataclasses.replace(probe, texts=tuple(prefix + t for t in probe.texts))


def test_same_id_on_different_inputs_is_said_and_computed():
    """lm_eval:acc and lighteval:loglikelihood_acc: one ID, but lighteval's tasks pass ' Paris', lm_eval's 'Paris'."""
    from evalmetrics.explain import _choice_probes

    e = em.explain("acc")
    g = next(g for g in e.groups if "lm_eval:acc" in g.names)
    assert g.names == ["lighteval:loglikelihood_acc", "lm_eval:acc"]
    (note,) = [n for n in e.notes if "one canonical ID, but the harnesses' tasks give it different choice texts" in n]
    assert "' Paris'" in note and "'Paris'" in note and "each harness's texts give the same score" in note
    # the claim is computed: on every probe task, each harness's texts give the same score under this ID
    for probe in _choice_probes():
        assert em.get("lm_eval:acc").score(_choices_as("lm_eval:acc", probe)) == em.get(
            "lighteval:loglikelihood_acc").score(_choices_as("lighteval:loglikelihood_acc", probe))
    text = str(e)
    assert "input: choice texts as lighteval's tasks pass them: with a leading space (' Paris')" in text
    assert "input: choice texts as lm_eval's tasks pass them: without a leading space ('Paris')" in text


def test_acc_norm_task_level_example_tells_inputs_from_metrics():
    """acc_norm: on one task, lm_eval divides by len('a'), lighteval by len(' a'); given the same texts they agree,
    so the example says the difference is the inputs. Every number shown is recomputed here."""
    from evalmetrics.metrics.choice import Choices

    e = em.explain("acc_norm")
    ex = e.example
    task = Choices(logprobs=[-1.0, -2.8], gold=1, texts=ex["choices"], token_counts=[1, 1])
    assert ex["choices"] == ["a", "abc"]
    for alias, s in ex["scores"].items():
        assert em.get(alias).score(_choices_as(alias, task)) == s
    light = "lighteval:acc_norm = lighteval:loglikelihood_acc_norm"
    assert ex["by_meaning"] == {light: ex["scores"]["lighteval:acc_norm"], "lm_eval:acc_norm": ex["scores"][
        "lm_eval:acc_norm"], "olmes:acc_per_char": ex["scores"]["olmes:acc_per_char"]}
    key = f"{light} on the texts of lm_eval:acc_norm"
    assert key in ex["cross"]
    assert ex["cross"][key] == em.get("lighteval:acc_norm").score(task) == ex["scores"]["lm_eval:acc_norm"]
    assert "the difference comes from the choice texts each harness passes, not from the metrics" in str(e)


def test_same_id_on_different_inputs_that_do_differ_gets_an_example():
    """A char-normalized ID fed ' a' by one harness and 'a' by another differs on one task: the example shows it."""
    from evalmetrics.explain import _find_examples, _runs

    m = em.LoglikelihoodMatch(norm="char")
    (ex,), rounding = _find_examples(_runs({"x:one": m, "y:one": m}, {"x:one": " ", "y:one": ""}))
    assert not rounding and set(ex["by_meaning"]) == {"x:one", "y:one"}
    assert ex["by_meaning"]["x:one"] != ex["by_meaning"]["y:one"]
    assert any("one canonical ID: the difference is the choice texts" in line for line in ex["inputs_explain"])


F1_ROUNDING_PROBE = ("So the answer is\n#### 1,072", "Natalia sold 48 clips.\n#### 1072")


def test_float_rounding_is_not_a_difference(monkeypatch):
    """The issue: explain("f1") showed helm vs squad at 0.2222222222222222 vs 0.22222222222222224 as an example
    "where they differ". On that input they agree up to float rounding, and explain must say so."""
    import importlib
    import math

    ex_mod = importlib.import_module("evalmetrics.explain")  # the module (em.explain is the function)
    helm, squad = em.get("helm:f1_score"), em.get("squad:f1")
    a, b = helm.score(*F1_ROUNDING_PROBE), squad.score(*F1_ROUNDING_PROBE)
    assert a != b and math.isclose(a, b, rel_tol=ex_mod.REL_TOL)  # the input of the issue
    monkeypatch.setattr(ex_mod, "PROBES", (F1_ROUNDING_PROBE,))
    e = em.explain("f1")
    pairs = {(r["a"], r["b"]) for r in e.rounding_only}
    assert ("helm:f1_score", "squad:f1") in pairs and ("helm:f1_score", "squad@v1.1:f1") in pairs
    assert "lighteval:f1_score" not in {x for p in pairs for x in p}  # it differs materially (0.1667)
    text = str(e)
    assert "helm:f1_score and squad:f1 differ only by float rounding" in text
    assert "squad:f1: 0.22222222222222224  (= helm:f1_score up to float rounding)" in text
    assert f"rel_tol={ex_mod.REL_TOL:g}" in text


@pytest.mark.parametrize("name", AMBIGUOUS)
def test_every_example_differs_materially(name):
    """Each example separates the pairs it names by more than float rounding, and recomputes to what it shows."""
    import math

    from evalmetrics.explain import ABS_TOL, REL_TOL

    e = em.explain(name)
    for n, ex in enumerate([e.example] + e.more_examples if e.example else []):
        values = list(ex["by_meaning"].items())
        material = [(x, y) for i, (x, vx) in enumerate(values) for y, vy in values[i + 1:]
                    if not (isinstance(vx, float) and isinstance(vy, float)
                            and math.isclose(vx, vy, rel_tol=REL_TOL, abs_tol=ABS_TOL))]
        assert material, f"example {n} of {name!r} separates nothing materially"
        for x, y in ex["separates"]:
            assert (x, y) in material
        if "prediction" in ex:
            for alias, s in ex["scores"].items():
                assert em.get(alias).score(ex["prediction"], ex["reference"]) == s


def test_f1_shows_every_separable_pair_separated():
    e = em.explain("f1")
    shown = set()
    for ex in [e.example] + e.more_examples:
        vals = ex["by_meaning"]
        shown |= {(x, y) for x in vals for y in vals if x < y and abs(vals[x] - vals[y]) > 1e-6}
    # text meanings only: lm_eval:f1 scores multiple-choice picks over a corpus (a different kind of output, which
    # explain compares in its own family)
    labels = sorted(g.label for g in e.groups if em.get(g.id).request_type == "generate_until")
    # pairs that score every probe alike (f1_micro / f1_macro part only over a corpus) are said so, and computed
    from evalmetrics.explain import PROBES

    alike = {(x, y) for x in labels for y in labels if x < y
             and any(n.startswith(f"{x} and {y} give the same score on every probe") for n in e.notes)}
    assert ("unitxt:metrics.f1_macro", "unitxt:metrics.f1_micro") in alike
    for x, y in alike:
        assert all(em.get(x).score(*p) == em.get(y).score(*p) for p in PROBES)
    assert shown == {(x, y) for x in labels for y in labels if x < y} - alike
    assert not e.rounding_only


def test_cli_explain_json_has_groups(capsys):
    import json

    from evalmetrics.cli import main

    assert main(["explain", "acc_norm", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [g["names"] for g in d["groups"]] == [["lighteval:acc_norm", "lighteval:loglikelihood_acc_norm"],
                                                 ["lm_eval:acc_norm"], ["olmes:acc_per_char"]]
    assert {a for a, _ in d["meanings"]} == {"lighteval:acc_norm", "lighteval:loglikelihood_acc_norm",
                                             "lm_eval:acc_norm", "olmes:acc_per_char"}


def test_explain_an_id_lists_steps_in_plain_words():
    e = em.explain("exact_match(mode=prefix, normalize=[lowercase, strip_punct])")  # the earlier spelling parses
    (m,) = e.details
    assert m.steps[0].startswith("both: lowercase") and "prediction starts with reference" in m.steps[-1]
    assert "mode=prediction_starts_with_reference" in m.id


def test_prefix_aliases_show_the_direction_and_their_verification():
    """Issue 14 item 9 in explain: the ID and the steps say which string starts with which; the conformance
    record (keyed by alias) still shows each alias as verified after the ID change."""
    e = em.explain("pem")
    assert len(e.groups) == 2
    for m in e.details:
        assert "mode=prediction_starts_with_reference" in m.id and "mode=prefix" not in m.id
        assert "prediction starts with reference" in m.steps[-1]
        assert m.verified.startswith("against ") and "0 mismatches" in m.verified


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


# ----------------------------------------------------------------------- new-user trial (issue 14): explain findings


def test_trial_explain_misspelt_bare_name_suggests_the_bare_name(capsys):
    """Trial item 8: em.explain("acc_nrom") and `evalmetrics explain acc_nrom` gave no suggestions."""
    import evalmetrics as em
    from evalmetrics.cli import main

    with pytest.raises(em.UnknownMetric) as e:
        em.explain("acc_nrom")
    assert e.value.suggestions[0] == "acc_norm"
    assert "lm_eval" not in str(e.value)  # no task hint for a misspelt metric name
    assert main(["explain", "acc_nrom"]) == 2
    assert "did you mean 'acc_norm'" in capsys.readouterr().err
    with pytest.raises(em.UnknownMetric) as e:  # a harness prefix: that harness's aliases first, as get suggests
        em.explain("lm_eval:exact_mach")
    assert e.value.suggestions[0] == "lm_eval:exact_match"
    with pytest.raises(em.UnknownMetric) as e:  # and task names among the shipped task aliases
        em.explain("gsm8")
    assert "gsm8k" in e.value.suggestions


def test_trial_explain_a_task_name_without_lm_eval_says_what_reading_it_needs(capsys, monkeypatch):
    """Trial item 9: `evalmetrics explain hellaswag` without lm_eval installed said only "unknown metric"."""
    import importlib.util

    import evalmetrics as em
    from evalmetrics.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "lm_eval" else real(n, *a))
    with pytest.raises(em.UnknownMetric) as e:
        em.explain("hellaswag")
    msg = str(e.value)
    assert "not a metric name" in msg and "needs lm_eval installed" in msg and "--lm-eval-task" in msg
    for argv in (["explain", "hellaswag"], ["diff", "--name", "hellaswag"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "not a metric name" in err and "needs lm_eval installed" in err and "Traceback" not in err


def test_trial_explain_collapses_repeated_steps_as_the_task_reader_does():
    """Trial item 12(b): `evalmetrics explain gsm8k` printed the '\\x00' strip four times per side."""
    import evalmetrics as em
    from evalmetrics.explain import collapse_steps
    from evalmetrics.integrations import describe

    assert describe.collapse_steps is collapse_steps  # one helper, below both
    text = str(em.explain("gsm8k"))
    strip = [x for x in text.splitlines() if "remove the characters" in x]
    # two meanings, each: once per side, saying how often it runs
    assert len(strip) == 4 and all("(4 times: here and after steps" in x for x in strip)
    g = em.explain("gsm8k").groups[0]
    assert sum("remove the characters" in s for s in g.steps) == 8  # .steps keeps every step


def test_trial_plain_words_show_regexes_as_written():
    """Trial item 13: explain showed regexes in Python repr form ('\\\\$')."""
    import evalmetrics as em

    text = str(em.explain("lm_eval:gsm8k/strict-match"))
    assert "delete every match of the regex /\\$/" in text and "'\\\\$'" not in text
    assert "the regex /(?s).*#### /" in text
    assert em.get('regex_replace(pattern="a/b", replacement="")').describe() == "delete every match of the regex 'a/b'"


# A family: every meaning a common word goes by, the new harnesses' next to the old ones (explain.FAMILIES).
FAMILY_MEMBERS = {
    "match": {"inspect:match", "lm_eval:exact_match", "helm:exact_match", "lighteval:exact_match", "inspect:exact"},
    "accuracy": {"lm_eval:acc", "lighteval:loglikelihood_acc", "olmes:acc_raw", "unitxt:metrics.accuracy",
                 "inspect:match"},
    "acc": {"lm_eval:acc", "lighteval:loglikelihood_acc", "olmes:acc_raw"},
    "acc_norm": {"lm_eval:acc_norm", "lighteval:loglikelihood_acc_norm", "olmes:acc_per_char"},
    "exact_match": {"lm_eval:exact_match", "helm:exact_match", "lighteval:exact_match", "inspect:exact"},
    "f1": {"squad:f1", "inspect:f1", "unitxt:metrics.f1_micro", "unitxt:metrics.f1_macro",
           "unitxt:metrics.token_overlap"},
    "exact": {"inspect:exact", "lm_eval:exact_match", "squad:exact_match", "helm:exact_match",
              "lighteval:exact_match"},
}


@pytest.mark.parametrize("name", sorted(FAMILY_MEMBERS))
def test_family_holds_the_new_meanings_next_to_the_old(name):
    e = em.explain(name)
    listed = {a for a, _ in e.meanings}
    assert FAMILY_MEMBERS[name] <= listed, FAMILY_MEMBERS[name] - listed
    text = str(e)
    assert all(a in text for a in FAMILY_MEMBERS[name])
    # each member reached through the table says why it is there
    from evalmetrics.explain import FAMILIES

    note = next(n for n in e.notes if n.startswith(f"the meanings of {name!r}"))
    for key, why in FAMILIES[name]:
        assert key in note and (why in note or key in {a for a, al in _named_or_also(name)})


def _named_or_also(name):
    from evalmetrics.registry import aliases

    return [(k, a) for k, a in aliases().items() if a.name.lower() == name or name in (x.lower() for x in a.also)]


@pytest.mark.parametrize("name", ["match", "accuracy"])
def test_family_example_is_computed_and_differs(name):
    e = em.explain(name)
    ex = e.example
    assert ex is not None and "prediction" in ex
    assert len(set(map(repr, ex["scores"].values()))) > 1
    new = {a for a in ex["scores"] if a.split(":")[0] in ("inspect", "unitxt", "olmes")}
    old = {a for a in ex["scores"] if a.split(":")[0].split("@")[0] in ("lm_eval", "helm", "lighteval")}
    assert new, "the example leaves the new harnesses out"
    if name == "match":
        assert old
    for alias, s in ex["scores"].items():  # computed: recompute each score
        assert em.get(alias).score(ex["prediction"], ex["reference"]) == s


def test_accuracy_keeps_both_input_kinds_and_says_so():
    e = em.explain("accuracy")
    kinds = {em.get(a).request_type for a, _ in e.meanings}
    assert kinds == {"multiple_choice", "generate_until"}
    assert any(n.startswith("these meanings score different kinds") for n in e.notes)


def test_family_table_members_resolve():
    from evalmetrics.explain import FAMILIES
    from evalmetrics.registry import aliases

    table = aliases()
    for word, members in FAMILIES.items():
        assert word == word.lower() and members
        for key, why in members:
            assert key in table and why, (word, key)


def test_explain_takes_a_metric_object():
    m = em.get("inspect:match")
    assert em.explain(m).meanings == em.explain(m.id).meanings
    with pytest.raises(em.InvalidInput):
        em.explain(3)


def test_mmlu_example_lists_only_inputs_its_meanings_use():
    e = em.explain("mmlu")
    assert "token counts" not in e.example["input"]
    assert not any(isinstance(s, str) for s in e.example["scores"].values())


def test_unitxt_target_prefix_prints_as_written_and_still_deletes_the_prefix():
    """explain --lm-eval-task ag_news: the target prefix 'topic:\\n' shows as a regex, not a Python literal."""
    from evalmetrics.presets.unitxt import target_prefix_step

    step = target_prefix_step("templates.classification.multi_class.title", "cards.ag_news")
    assert step.describe() == r"delete every match of the regex /^\s*topic:\n\s*/"
    assert step.apply("  topic:\n  Sci/Tech") == "Sci/Tech" and step.apply("topic: x") == "topic: x"


def test_inspect_f1_summary_says_what_the_default_does():
    from evalmetrics.registry import resolve_alias

    s = resolve_alias("inspect:f1").summary
    assert "minus stop words" not in s and "no stop words removed by default" in s
    # the default keeps every word ('is' counts); a stop-word list drops it
    assert em.get("inspect:f1").score("is cat", "cat") < 1.0 == em.get("inspect:f1", stop_words=["is"]).score(
        "is cat", "cat")
