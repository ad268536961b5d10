"""HELM run folders: what ``evalmetrics why`` rescores from a ``scenario_state.json`` request state against what HELM's
own ``compute_reference_metrics`` computes from the same request state (crfm-helm 0.5.16).

A request state is generated as HELM writes it (instance with references and their tags, completions with
log-probabilities, the multiple-choice letter mapping of multiple_choice_joint); evalmetrics reads it with
:func:`evalmetrics.runs.helm_run.helm_row` (the completion HELM picks: the highest log-probability, the first of a
tie; its letter mapped; the references tagged correct) and scores it as ``why`` does
(:func:`~evalmetrics.runs.helm_run.helm_rescore`) with the metric the run card gives the row
(:func:`~evalmetrics.runs.helm_run.helm_metric_id`: the ``helm:`` alias, rebuilt for multiple_choice_joint); HELM
gets the same request state as its own dataclasses and scores it. The committed runs in tests/data/helm_runs (tests/test_helm_run.py) check the same thing on HELM's logged per-instance values.
"""
from __future__ import annotations

import pytest
from hypothesis import strategies as st

pytest.importorskip("helm")

import oracles as O  # noqa: E402
from _diff import N_EXAMPLES, check, mutated, text  # noqa: E402

from evalmetrics.registry import get  # noqa: E402
from evalmetrics.runs.helm_run import helm_metric_id, helm_rescore, helm_row  # noqa: E402

HELM = "crfm-helm==0.5.16"
NAMES = ("exact_match", "quasi_exact_match", "quasi_leave_articles_exact_match", "prefix_exact_match",
         "quasi_prefix_exact_match", "f1_score")
ROUGE = ("rouge_1", "rouge_2", "rouge_l")  # read on generated text only (a mapped letter: no ID)
COVERED = [f"helm:{n}" for n in NAMES + ROUGE]
LETTERS = "ABCD"


@st.composite
def request_state(draw, mapped: bool):
    refs = [{"output": {"text": draw(text)}, "tags": ["correct"] if draw(st.booleans()) else []}
            for _ in range(draw(st.integers(1, 4)))]
    if not any(r["tags"] for r in refs):
        refs[draw(st.integers(0, len(refs) - 1))]["tags"] = ["correct"]
    if mapped:
        mapping = {LETTERS[i]: r["output"]["text"] for i, r in enumerate(refs)}
        answer = st.sampled_from(["A", "B", "C", "D", " A", "B\n", " C ", "E", "", "a", "A.", "(B)", "Answer: A"])
    else:
        mapping = None
        gold = refs[0]["output"]["text"]
        answer = st.one_of(text, st.just(gold), mutated(gold))
    comps = [{"text": draw(answer), "logprob": draw(st.sampled_from([0.0, -0.25, -1.0, -3.5])), "tokens": []}
             for _ in range(draw(st.integers(1, 4)))]
    state = {"instance": {"input": {"text": "q"}, "references": refs, "split": "test", "id": "id0"},
             "train_trial_index": 0, "request": {"prompt": "q"},
             "result": {"success": True, "embedding": [], "completions": comps, "cached": False},
             "num_train_instances": 0, "prompt_truncated": False}
    if mapping is not None:
        state["output_mapping"] = mapping
    return state


def _state(refs, comps, mapping=None):
    """A request state from ([(reference text, correct?)], [(completion text, logprob)], letter mapping)."""
    state = {"instance": {"input": {"text": "q"}, "split": "test", "id": "id0",
                          "references": [{"output": {"text": t}, "tags": ["correct"] if ok else []} for t, ok in refs]},
             "train_trial_index": 0, "request": {"prompt": "q"},
             "result": {"success": True, "embedding": [], "cached": False,
                        "completions": [{"text": t, "logprob": lp, "tokens": []} for t, lp in comps]},
             "num_train_instances": 0, "prompt_truncated": False}
    if mapping is not None:
        state["output_mapping"] = mapping
    return state


# hand-picked: ties (HELM's stable sort keeps the first), the likeliest completion last, incorrect references that
# match, letters with spaces, unmapped letters, choice texts that are blank or padded (HELM strips the letter, not
# the text it maps to)
HARD = [
    _state([("Paris", True)], [("London", 0.0), ("Paris", 0.0)]),
    _state([("Paris", True)], [("London", -1.0), (" Paris ", -0.25)]),
    _state([("Paris", True), ("London", False)], [("London", 0.0)]),
    _state([("Paris", False), ("paris", True)], [("The Paris", 0.0)]),
    _state([("Even", True), ("Odd", False)], [(" A\n", 0.0)], {"A": "Even", "B": "Odd"}),
    _state([("Even", True), ("Odd", False)], [("Answer:", 0.0)], {"A": "Even", "B": "Odd"}),
    _state([(" ", True)], [("A", 0.0)], {"A": " "}),
    _state([("  x ", True)], [("A", 0.0)], {"A": "  x "}),
    _state([("", True)], [("A", 0.0)], {"A": ""}),
    _state([("Even", True), ("Odd", False)], [("B", -2.0), ("A", -0.5)], {"A": "Even", "B": "Odd"}),
]


# ROUGE: stems ("cats" / "cat", "running" / "run"), the best of several golds, a wrong gold that matches, text the
# rouge-score tokenizer drops (non-ASCII, punctuation only), an empty output, a long repeated output
ROUGE_HARD = [
    _state([("the cat is running", True)], [(" The cats ran ", 0.0)]),
    _state([("a b c", True), ("the cats were running home", True)], [("cats running home", 0.0)]),
    _state([("cats running home", False), ("dog", True)], [("cats running home", 0.0)]),
    _state([("Москва 日本", True)], [("Москва 日本", 0.0)]),
    _state([("...", True)], [("!!", 0.0)]),
    _state([("Paris", True)], [("", 0.0), ("Paris", -1.0)]),
    _state([("to be or not to be", True)], [("be " * 40, 0.0)]),
]


def _helm_scores(name: str, state: dict, num_outputs: int | None = None) -> float:
    """HELM's compute_reference_metrics on the request state, built as HELM's dataclasses: statistic ``name`` (a
    ``<metric>@<num_outputs>`` name: the adapter spec's ``num_outputs``; else the number of completions)."""
    erm = O._helm()
    from helm.benchmark.adaptation.adapter_spec import AdapterSpec
    from helm.benchmark.adaptation.request_state import RequestState
    from helm.benchmark.scenarios.scenario import Input, Instance, Output, Reference
    from helm.common.request import GeneratedOutput, Request, RequestResult

    inst = state["instance"]
    instance = Instance(input=Input(text=inst["input"]["text"]), split=inst["split"], id=inst["id"],
                        references=[Reference(Output(text=r["output"]["text"]), tags=list(r["tags"]))
                                    for r in inst["references"]])
    comps = state["result"]["completions"]
    result = RequestResult(success=True, embedding=[], cached=False,
                           completions=[GeneratedOutput(text=c["text"], logprob=c["logprob"], tokens=[])
                                        for c in comps])
    rs = RequestState(instance=instance, reference_index=None, request_mode=None, train_trial_index=0,
                      output_mapping=state.get("output_mapping"), request=Request(prompt="q"), result=result,
                      num_train_instances=0, prompt_truncated=False)
    metric = name.split("@")[0]
    stats = erm.compute_reference_metrics([metric], AdapterSpec(num_outputs=num_outputs or len(comps)), rs, None)
    return {s.name.name: float(s.mean) for s in stats}[name]


@pytest.mark.parametrize("name", NAMES + ROUGE)
def test_request_state_rescored_as_helm_scores_it(name):
    """The metric is the one the run card names: the ``helm:`` alias, rebuilt for a mapped letter
    (multiple_choice_joint)."""
    metrics = {mapped: get(helm_metric_id(name, "multiple_choice_joint" if mapped else "generation")[0])
               for mapped in ((False,) if name in ROUGE else (False, True))}

    def ours(state):
        return float(helm_rescore(metrics["output_mapping" in state], [helm_row(state)])[0])

    # f1_score of an unmapped letter: HELM's f1 fails on the None it maps to, so no HELM run holds one
    unmapped = name == "f1_score" or name in ROUGE
    strategy = request_state(False) if unmapped else st.one_of(request_state(False), request_state(True))
    hand = [h for h in HARD if not unmapped or "output_mapping" not in h or (
        name == "f1_score" and h["result"]["completions"][0]["text"].strip() in h["output_mapping"])]
    hand += ROUGE_HARD if name in ROUGE else []
    check(f"helm:{name}", HELM, ours, lambda s: _helm_scores(name, s), strategy, hand, n=max(N_EXAMPLES // 5, 50))


ZERO_ONE = [n for n in NAMES if n != "f1_score"]


@st.composite
def with_num_outputs(draw):
    """A request state of 1 to 4 completions (mapped or not) and the adapter's num_outputs: at least 2 and at least
    the completions (HELM asks for num_outputs, one in a multiple_choice_joint run)."""
    state = draw(st.one_of(request_state(False), request_state(True)))
    return state, draw(st.integers(max(2, len(state["result"]["completions"])), 5))


@pytest.mark.parametrize("name", ZERO_ONE)
def test_best_of_completions_rescored_as_helm_scores_it(name):
    """A ``<metric>@<num_outputs>`` row (HELM's score_k: the max over correct references and completions) read as
    the run card reads it (:func:`~evalmetrics.runs.helm_run.helm_best_of_id`) and rescored on every completion
    :func:`~evalmetrics.runs.helm_run.helm_row` logs."""
    from evalmetrics.runs.helm_run import helm_best_of_id

    def ours(x):
        state, k = x
        method = "multiple_choice_joint" if "output_mapping" in state else "generation"
        mid = helm_best_of_id(name, k, helm_metric_id(name, method))[0]
        return float(helm_rescore(get(mid), [helm_row(state)])[0])

    hand = [(h, k) for h in HARD for k in (max(2, len(h["result"]["completions"])), 5)]
    check(f"helm:{name}", HELM, ours, lambda x: _helm_scores(f"{name}@{x[1]}", x[0], x[1]), with_num_outputs(), hand,
          n=max(N_EXAMPLES // 5, 50))
