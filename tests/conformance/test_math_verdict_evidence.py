r"""The evidence table of docs/math.md "Verdicts decided with evidence" (``_math_verdicts.py``): its ``hendrycks``
column checked against HELM's ``math_equiv`` and lighteval's ``math_normalizer`` (the MATH tasks of lighteval compare
normalized boxed answers), the two copies of the MATH repository's string equivalence that live in this
environment. lm_eval's copy and math-verify are checked by ``mathverify/test_verdict_evidence.py``.
"""
from __future__ import annotations

import pytest

from _math_verdicts import VERDICTS

IDS = [f"{topic}:{gold}|{pred}" for topic, gold, pred, _ in VERDICTS]


@pytest.mark.parametrize("topic,gold,pred,want", VERDICTS, ids=IDS)
def test_helm_math_equiv(topic, gold, pred, want):
    pytest.importorskip("helm")
    import oracles

    assert oracles.helm_metric("math_equiv", gold, pred) == float(want["hendrycks"])


@pytest.mark.parametrize("topic,gold,pred,want", VERDICTS, ids=IDS)
def test_lighteval_math_normalizer(topic, gold, pred, want):
    pytest.importorskip("lighteval")
    from lighteval.metrics.normalizations import math_normalizer

    same = math_normalizer("\\boxed{" + gold + "}") == math_normalizer("\\boxed{" + pred + "}")
    assert int(same) == want["hendrycks"]
