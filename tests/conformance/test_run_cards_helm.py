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
COVERED = [f"helm:{n}" for n in NAMES]
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


def _helm_scores(name: str, state: dict) -> float:
    """HELM's compute_reference_metrics on the request state, built as HELM's dataclasses."""
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
    stats = erm.compute_reference_metrics([name], AdapterSpec(num_outputs=len(comps)), rs, None)
    return {s.name.name: float(s.mean) for s in stats}[name]


@pytest.mark.parametrize("name", NAMES)
def test_request_state_rescored_as_helm_scores_it(name):
    """The metric is the one the run card names: the ``helm:`` alias, rebuilt for a mapped letter
    (multiple_choice_joint)."""
    metrics = {mapped: get(helm_metric_id(name, "multiple_choice_joint" if mapped else "generation")[0])
               for mapped in (False, True)}

    def ours(state):
        return float(helm_rescore(metrics["output_mapping" in state], [helm_row(state)])[0])

    # f1_score of an unmapped letter: HELM's f1 fails on the None it maps to, so no HELM run holds one
    strategy = request_state(False) if name == "f1_score" else st.one_of(request_state(False), request_state(True))
    hand = [h for h in HARD if name != "f1_score" or "output_mapping" not in h or
            h["result"]["completions"][0]["text"].strip() in h["output_mapping"]]
    check(f"helm:{name}", HELM, ours, lambda s: _helm_scores(name, s), strategy, hand, n=max(N_EXAMPLES // 5, 50))
