r"""The evidence behind MathEquivalence's issue-14 verdicts (docs/math.md "Verdicts decided with evidence").

One row per (gold, prediction) with what each grader says (1 equal, 0 not):

* ``hendrycks``: the MATH repository's ``is_equiv`` (string clean-up, then ``==``), as lm_eval's ``hendrycks_math``
  (``is_equiv``), HELM's ``math_equiv`` and lighteval's ``math_normalizer`` (its MATH tasks compare normalized
  strings) each ship a copy of it;
* ``minerva``: lm_eval's ``minerva_math`` ``exact_match`` (``normalize_final_answer``, then sympy's ``parse_latex``
  and ``simplify`` of the difference);
* ``math_verify``: math-verify 0.9.0 with every default, ``verify(parse("$gold$"), parse("$pred$"))`` (what
  lm_eval's ``minerva_math`` ``math_verify`` computes too);
* ``ours``: ``MathEquivalence().score(pred, gold)``, the decided verdict.

The harness columns are checked against the installed packages by ``mathverify/test_verdict_evidence.py``
(math-verify, lm_eval's two utils files; the ``mathverify`` environment) and ``test_math_verdict_evidence.py`` (HELM
and lighteval; the ``harness`` environment); ``ours`` also by ``tests/test_math_equivalence.py`` everywhere.
"""
from __future__ import annotations

COLUMNS = ("hendrycks", "minerva", "math_verify", "ours")

# (topic, gold, prediction, {column: verdict})
VERDICTS = [
    ("infinity", r"\infty", "oo", dict(hendrycks=0, minerva=0, math_verify=0, ours=1)),
    ("infinity", r"(-\infty, 2)", "(-oo, 2)", dict(hendrycks=0, minerva=0, math_verify=0, ours=1)),
    ("undefined", "1/0", "1/0", dict(hendrycks=1, minerva=1, math_verify=1, ours=1)),
    ("undefined", r"\frac{1}{0}", "1/0", dict(hendrycks=1, minerva=1, math_verify=1, ours=1)),
    ("undefined", "1/0", "2/0", dict(hendrycks=0, minerva=0, math_verify=0, ours=0)),
    ("mixed", r"\frac{7}{2}", "3 1/2", dict(hendrycks=0, minerva=0, math_verify=0, ours=1)),
    ("mixed", r"\frac{3}{2}", "3 1/2", dict(hendrycks=0, minerva=0, math_verify=0, ours=0)),
    ("mixed", "2", "3 1/2", dict(hendrycks=0, minerva=0, math_verify=1, ours=0)),
    ("mixed", r"\frac{3}{2}", r"1\frac{1}{2}", dict(hendrycks=0, minerva=0, math_verify=1, ours=1)),
    ("mixed", r"\frac{1}{2}", r"1\frac{1}{2}", dict(hendrycks=0, minerva=1, math_verify=0, ours=0)),
    ("decimal", r"\frac{1}{12}", "0.0833333333333333", dict(hendrycks=0, minerva=0, math_verify=1, ours=1)),
    ("decimal", r"\frac{1}{12}", "0.0833334", dict(hendrycks=0, minerva=0, math_verify=1, ours=0)),
    ("decimal", r"\frac{1}{3}", "0.33", dict(hendrycks=0, minerva=0, math_verify=0, ours=0)),
    ("decimal", r"\frac{1}{3}", "0.333333", dict(hendrycks=0, minerva=0, math_verify=1, ours=0)),
    ("decimal", r"\frac{2}{3}", "0.6666666666666666", dict(hendrycks=0, minerva=0, math_verify=1, ours=1)),
    ("decimal", r"\sqrt{17}", "4.123105625617661", dict(hendrycks=0, minerva=0, math_verify=1, ours=1)),
    ("decimal", r"\pi", "3.14159265358979", dict(hendrycks=0, minerva=0, math_verify=1, ours=1)),
]
