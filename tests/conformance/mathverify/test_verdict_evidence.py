r"""The evidence table of docs/math.md "Verdicts decided with evidence" (``_math_verdicts.py``), checked against
math-verify 0.9.0 and lm_eval 0.4.13's own ``hendrycks_math`` and ``minerva_math`` utils (loaded by file path).

A change of any of those packages' verdict on a row fails here, so the table in the docs cannot silently go stale.
"""
from __future__ import annotations

import functools

import pytest

pytest.importorskip("lm_eval")

from _lm_eval_utils import load_task_utils  # noqa: E402
from _math_verdicts import VERDICTS  # noqa: E402

IDS = [f"{topic}:{gold}|{pred}" for topic, gold, pred, _ in VERDICTS]


@functools.cache
def hendrycks():
    return load_task_utils("hendrycks_math/utils.py", "_lm_eval_hendrycks_math_utils", stub_datasets=True)


@functools.cache
def minerva():
    return load_task_utils("minerva_math/utils.py", "_lm_eval_minerva_utils_evidence")


def _minerva(gold: str, pred: str) -> dict:
    """lm_eval's process_results on a doc built as its process_docs builds it (the gold boxed in a solution)."""
    mod = minerva()
    solution = "So the answer is $\\boxed{" + gold + "}$."
    doc = {"solution": solution,
           "answer": mod.normalize_final_answer(mod.remove_boxed(mod.last_boxed_only_string(solution)))}
    return mod.process_results(doc, [f"Final Answer: The final answer is ${pred}$. I hope it is correct."])


@pytest.mark.parametrize("topic,gold,pred,want", VERDICTS, ids=IDS)
def test_math_verify(topic, gold, pred, want):
    from math_verify import parse, verify

    assert int(bool(verify(parse("$" + gold + "$"), parse("$" + pred + "$")))) == want["math_verify"]
    assert _minerva(gold, pred)["math_verify"] == want["math_verify"]  # lm_eval's minerva_math/math_verify


@pytest.mark.parametrize("topic,gold,pred,want", VERDICTS, ids=IDS)
def test_lm_eval_hendrycks_math(topic, gold, pred, want):
    assert int(bool(hendrycks().is_equiv(gold, pred))) == want["hendrycks"]


@pytest.mark.parametrize("topic,gold,pred,want", VERDICTS, ids=IDS)
def test_lm_eval_minerva_exact_match(topic, gold, pred, want):
    assert _minerva(gold, pred)["exact_match"] == want["minerva"]


@pytest.mark.parametrize("topic,gold,pred,want", VERDICTS, ids=IDS)
def test_ours(topic, gold, pred, want):
    import evalmetrics as em

    assert em.MathEquivalence().score(pred, gold) == float(want["ours"])
