"""inspect: aliases against Inspect AI's own scorers (inspect-ai 0.3.285), called directly: no model, no eval run.

Each check builds the scorer as a task would (``match(location=..., numeric=...)``, ``pattern(...)``, ``f1()``),
awaits it on a state whose output is the generated text and a real ``Target``, and compares its value (C/I as
1/0, f1's float) with the alias's score. The number reading is also compared with Inspect AI's ``_parse_number``
directly, on texts drawn from the characters its Unicode number parser treats specially.
"""
from __future__ import annotations

import asyncio
import itertools
import types

import pytest
from hypothesis import strategies as st

inspect_scorer = pytest.importorskip("inspect_ai.scorer")

import evalmetrics as em  # noqa: E402
from evalmetrics.number_steps import NUMBER_TRIM, read_number  # noqa: E402
from _diff import N_EXAMPLES, check, multi, mutated, text  # noqa: E402

PACKAGE = "inspect-ai==0.3.285 (its scorer, awaited on a state with the output and a Target)"

# --------------------------------------------------------------------------------------------- inputs

# Characters Inspect AI's number reading treats specially (signs, separators, decimal marks, digits of other
# scripts, superscripts, vulgar fractions, Chinese numerals and units, numeric symbols), plus plain ones.
NUMBER_CHARS = ("0123456789" "0123456789" ".,.,-+ eE" "−﹣－＋﹢" "٫．，﹐、٬'’ʼ＇" "\u00a0\u202f\u2009\u2007\u2008\t\n"
                "١٢٣０１２５" "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺" "½⅓¼¾⅛" "零〇○一二两三四五六七八九十百千万亿兆壹贰拾佰仟萬億廿卅卌点點正负負"
                "ⅫⅤ①⑩" "$£€*_\\()[]{}!?:;\"`%x/")
NUMBER_ATOMS = [
    "123456", "123459", "123469", "123,456", "123,459.", "1.2346e5", "1.2346e+05", "0.1", "0.30000000000000004",
    "0.3", "-5", "−5", "+5", "－５", "５", "٣", "٣٫٥", "½", "2½", "-2½", "3²", "-2²", "1.5⁻³", "0⁻¹", "10⁴", "²", "十二",
    "一千零五", "两万三千", "十二点五", "二〇二五", "负三", "正七", "廿一", "1万", "3.5万", "$1,000.", "\\$20", "€5",
    "£3.50", "(42)", "42!", "42.", "42?", "[7]", "{7}", "'7'", '"7"', "`7`", "<42", "~42", "1_000", "1e3", "inf", "nan",
    "-inf", "Infinity", "1e999", "-0", "0", "0.0", "4.0", "12.", ".5", "1,5", "1.234,5", "1'000", "1\u00a0000",
    "1,234,567.891", "Ⅻ", "①", "⑩", "6*", "*6*", "_6_", "60%", "3/4", "1.2.3", "1..2", "e5", "5e", "1e", "1e+",
    "99999.5", "12345.5", "0.000012345", "1e-7", "1e21", "7,", ",7", "7 ,", "9" * 30, "3.14159", "3.1416",
]
WORDS = ["the", "answer", "is", "The", "ANSWER:", "total", "=", "so", "about", "approximately", "Paris", "ß", "SS",
         "İ", "dollars", "\n", "final", "Answer: ", "x", "a", "an", "-", "—", "...", "**"]

number_text = st.text(alphabet=NUMBER_CHARS, max_size=10)
number_atom = st.one_of(st.sampled_from(NUMBER_ATOMS), number_text)


@st.composite
def number_phrase(draw):
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        parts.append(draw(st.one_of(number_atom, st.sampled_from(WORDS))))
    sep = draw(st.sampled_from([" ", " ", "\n", "  ", "\t", ", ", "\u00a0"]))
    return sep.join(parts)


@st.composite
def numeric_pair(draw):
    """(output, [targets]): number-bearing outputs; targets numbers (often the same number written otherwise)."""
    targets = draw(st.lists(st.one_of(number_atom, number_atom, st.sampled_from(WORDS + ["", " "])), min_size=1,
                            max_size=3))
    kind = draw(st.integers(0, 4))
    if kind == 0:
        out = draw(number_phrase()) + " " + draw(st.sampled_from(targets))
    elif kind == 1:
        out = draw(st.sampled_from(targets)) + draw(st.sampled_from(["", ".", "!", " is it", "\n"]))
    elif kind == 2:
        out = draw(mutated(draw(st.sampled_from(targets))))
    else:
        out = draw(number_phrase())
    return out, targets


any_pair = st.one_of(multi(), numeric_pair())

HARD = [
    ("The answer is 123459", ["123456"]), ("The answer is 123469", ["123456"]), ("25", ["5"]), ("x 25", ["5"]),
    ("", ["."]), ("", [""]), ("", ["a"]), ("   ", ["x"]), ("1,000", ["1000"]), ("1.000,5", ["1000.5"]),
    ("-5", ["−5"]), ("(42)", ["42"]), ("42!", ["42"]), ("<42", ["42"]), ("\\$20", ["20"]), ("$1,072.", ["1072"]),
    ("60%", ["60"]), ("60%", ["60", "60%"]), ("2½ cups", ["2.5"]), ("十二", ["12"]), ("3²", ["9"]), ("-2²", ["4"]),
    ("0.1 + 0.2 = 0.30000000000000004", ["0.3"]), ("1e999", ["1e999"]), ("inf", ["inf"]), ("nan", ["nan"]),
    ("ANSWER: B", ["B"]), ("answer: b\nANSWER: C", ["c"]), ("STRASSE", ["straße"]), ("İ", ["i̇"]),
    ("Paris, France.", ["paris"]), ("The cat", ["the CAT"]), ("well-known", ["well known"]), ("a, b", ["a,b"]),
    ("5\n6", ["6"]), ("first 5 then 6", ["5"]), ("first 5 then 6", ["6"]), ("-0", ["0"]), ("0", ["-0"]),
    ("1_000", ["1000"]), ("١٢", ["12"]), ("１２", ["12"]), ("Ⅻ", ["12"]), ("1'000", ["1000"]),
]

# --------------------------------------------------------------------------------------------- the oracle


_LOOP = asyncio.new_event_loop()


def _run_scorer(scorer, output: str, targets) -> float:
    from inspect_ai.scorer import Target

    state = types.SimpleNamespace(output=types.SimpleNamespace(completion=output), choices=None)
    score = _LOOP.run_until_complete(scorer(state, Target(list(targets))))
    v = score.value
    if v == "C":
        return 1.0
    if v == "I":
        return 0.0
    return float(v)


def _ours(metric):
    return lambda x: metric.score(x[0], list(x[1]))


def _theirs(scorer):
    return lambda x: _run_scorer(scorer, x[0], x[1])


# --------------------------------------------------------------------------------------------- checks

MATCH_CONFIGS = list(itertools.product(("begin", "end", "any", "exact"), (True, False), (False, True)))


@pytest.mark.parametrize("location,ignore_case,numeric", MATCH_CONFIGS)
def test_match(location, ignore_case, numeric):
    from inspect_ai.scorer import match

    m = em.get("inspect:match", location=location, ignore_case=ignore_case, numeric=numeric)
    sc = match(location=location, ignore_case=ignore_case, numeric=numeric)
    check("inspect:match", PACKAGE, _ours(m), _theirs(sc), numeric_pair() if numeric else any_pair, HARD,
          n=max(N_EXAMPLES // 4, 1))


def test_number_reading():
    """read_number against Inspect AI's _parse_number (the number reading of numeric match), trimmed and not."""
    from inspect_ai.scorer._common import _parse_number

    for trim in (True, False):
        check("inspect:match", PACKAGE,
              lambda s: read_number(s, NUMBER_TRIM if trim else ""),
              lambda s: _parse_number(s, trim_punctuation=trim),
              st.one_of(number_atom, number_text, st.text(max_size=6)), NUMBER_ATOMS, n=max(N_EXAMPLES // 2, 1))


@pytest.mark.parametrize("ignore_case", [True, False])
def test_includes(ignore_case):
    from inspect_ai.scorer import includes

    m = em.get("inspect:includes", ignore_case=ignore_case)
    check("inspect:includes", PACKAGE, _ours(m), _theirs(includes(ignore_case=ignore_case)), any_pair, HARD,
          n=max(N_EXAMPLES // 2, 1))


PATTERNS = [r"ANSWER: (\w+)", r"(\d+)", r"(?:total|answer)\W*([A-Za-z0-9]+)?", r"(\w)(\w)?", r"the (\w+) (\w+)",
            r"[A-D]", r"(a)|(b)", r"(.*)", r"(?i)final: (.+)$"]
PATTERN_CONFIGS = list(itertools.product(PATTERNS, (True, False), (False, True)))


@st.composite
def pattern_pair(draw):
    letters = st.sampled_from(["A", "b", "C", "d", "x", "the", "THE", "total", "answer", "ANSWER: ", "final: ",
                               "12", "7", " ", "\n", ":", "ſ", "K", "ı", "İ", "é", "É", "42"])
    out = "".join(draw(st.lists(letters, max_size=8)))
    refs = draw(st.lists(st.one_of(letters, st.text(max_size=3)), min_size=1, max_size=3))
    return out, refs


@pytest.mark.parametrize("pat,ignore_case,match_all", PATTERN_CONFIGS)
def test_pattern(pat, ignore_case, match_all):
    from inspect_ai.scorer import pattern

    m = em.get("inspect:pattern", pattern=pat, ignore_case=ignore_case, match_all=match_all)
    sc = pattern(pat, ignore_case=ignore_case, match_all=match_all)
    check("inspect:pattern", PACKAGE, _ours(m), _theirs(sc), st.one_of(pattern_pair(), multi()), HARD,
          n=max(N_EXAMPLES // 9, 1))


@st.composite
def answer_pair(draw):
    pieces = st.sampled_from(["ANSWER:", "answer :", "Answer: ", "ANSWER:\n", " A", "B", "c", "yes", "No.", "Paris",
                              "Paris, France", ".", "!", " ", "\n", "so", "ANSWER: D", "ANSWER: yes.", "é", "1",
                              "ſ", "K", "ı", "\t", "the end", "ANSWER:   x\n"])
    out = "".join(draw(st.lists(pieces, max_size=8)))
    refs = draw(st.lists(st.sampled_from(["A", "B", "c", "D", "yes", "no", "Paris", "Paris, France", "x", "s", "k",
                                          "1", ""]), min_size=1, max_size=3))
    return out, refs


@pytest.mark.parametrize("kind", ["letter", "word", "line"])
def test_answer(kind):
    from inspect_ai.scorer import answer

    m = em.get("inspect:answer", pattern=kind)
    check("inspect:answer", PACKAGE, _ours(m), _theirs(answer(kind)), st.one_of(answer_pair(), answer_pair(), multi()),
          HARD, n=max(N_EXAMPLES // 2, 1))


F1_PAIRS = st.one_of(multi(), numeric_pair(), st.tuples(text, st.lists(text, min_size=1, max_size=3)))


def test_exact():
    from inspect_ai.scorer import exact

    check("inspect:exact", PACKAGE, _ours(em.get("inspect:exact")), _theirs(exact()), F1_PAIRS, HARD, n=N_EXAMPLES)


@pytest.mark.parametrize("stop_words", [None, ["the", "of", "Is"], ["A", "-", "1.0", "cat's"], []])
def test_f1(stop_words):
    from inspect_ai.scorer import f1

    m = em.get("inspect:f1", stop_words=stop_words)
    check("inspect:f1", PACKAGE, _ours(m), _theirs(f1(stop_words=stop_words)), F1_PAIRS, HARD,
          n=max(N_EXAMPLES // 2, 1))


@st.composite
def choice_case(draw):
    """(output, targets, n_choices): answer lines in the forms the solver reads and near misses."""
    n = draw(st.sampled_from([2, 3, 4, 5, 10, 27, 30]))
    labels = [chr(65 + i) if i < 26 else str(i - 25) for i in range(n)] + ["Z", "E", "0", "31"]
    label = st.sampled_from(labels + [x.lower() for x in labels[:6]])
    said = draw(st.lists(label, max_size=4))
    joiner = draw(st.sampled_from([", ", ",", " ", "", " and ", " AND ", ", and "]))
    wrap = draw(st.sampled_from(["{}", "${}$", "$ {} $", "**{}**", "({})", "{}.", "{},", "{} .", "[{}]"]))
    head = draw(st.sampled_from(["ANSWER: ", "ANSWER:", "answer : ", "Answer:\n", "The ANSWER: ", "", "ANSWER: B\n",
                                 "So\nANSWER: ", "ANSWER:  "]))
    tail = draw(st.sampled_from(["", "\n", ".", " ", "\nbecause", " is my answer", "!", "\nANSWER: A"]))
    out = draw(st.sampled_from(["", "   ", "Let me think.\n"])) + head + wrap.format(joiner.join(said)) + tail
    if draw(st.integers(0, 6)) == 0:
        out = draw(st.text(alphabet="ANSWERanswer: ABCDabcd,.$*()\n ſKı1", max_size=20))
    tlabel = st.sampled_from(labels[:n] + [x.lower() for x in labels[:3]] + ["A, C", "AC", "B,D", "A A"])
    targets = draw(st.lists(tlabel, min_size=1, max_size=2))
    if draw(st.integers(0, 8)) == 0:
        targets = [draw(st.sampled_from(["Z", "-", "0", "ß", "é", "²", "AB C", ""]))]
    return out, targets, n


@pytest.mark.parametrize("multiple_correct", [False, True])
def test_choice(multiple_correct):
    """Inspect AI's multiple_choice solver reads the output (parse_answers, then marks the choices) and its
    choice() scorer scores the marked choices against the Target; the alias does both from the output."""
    from inspect_ai.scorer import Target, choice
    from inspect_ai.solver._multiple_choice import parse_answers, set_choices_based_on_generated_response
    from inspect_ai.solver._task_state import Choices

    scorer = choice()
    m = em.get("inspect:choice", multiple_correct=multiple_correct)

    def theirs(x):
        out, targets, n = x
        state = types.SimpleNamespace(output=types.SimpleNamespace(completion=out),
                                      choices=Choices([f"choice {i}" for i in range(n)]))
        answers = parse_answers(state, multiple_correct)
        if answers:
            set_choices_based_on_generated_response(state, answers)
        v = _LOOP.run_until_complete(scorer(state, Target(list(targets)))).value
        return {"C": 1.0, "I": 0.0, "N": 0.0}[v]

    def ours(x):
        out, targets, n = x
        return m.score(out, list(targets), {"choices": [f"choice {i}" for i in range(n)]})

    hand = [("ANSWER: B", ["B"], 4), ("ANSWER: b.", ["B"], 4), ("ANSWER: $B$", ["B"], 4), ("**ANSWER: C**", ["C"], 4),
            ("ANSWER: (C)", ["C"], 4), ("ANSWER: A, C", ["A", "C"], 4), ("ANSWER: AC", ["A, C"], 4),
            ("ANSWER: A and C", ["AC"], 4), ("", ["A"], 4), ("no idea", ["A"], 4), ("ANSWER: E", ["A"], 4),
            ("ANSWER: 1", ["1"], 27), ("ANSWER: A", ["Z"], 4), ("ANSWER: A", ["A A"], 4), ("ANSWER: A,", ["A"], 4)]
    check("inspect:choice", PACKAGE.replace("its scorer,", "its multiple_choice parse_answers and choice() scorer,"),
          ours, theirs, choice_case(), hand, n=max(N_EXAMPLES // 2, 1))


# Token log-probabilities as a model reports them: mostly moderate, with zeros (-0.0 too), tiny and huge magnitudes
# (exp overflows to inf past ~709 nats per token) and -inf (a token the model rules out).
TOKEN_LOGPROB = st.one_of(
    st.floats(min_value=-30.0, max_value=0.0, allow_nan=False),
    st.floats(min_value=-30.0, max_value=0.0, allow_nan=False),
    st.sampled_from([0.0, -0.0, -1e-12, -5e-324, -0.1, -1 / 3, -709.5, -710.0, -1e4, -1e300, -1.7976931348623157e308,
                     float("-inf")]),
    st.floats(max_value=0.0, allow_nan=False),
)


@st.composite
def perplexity_sample(draw):
    """(prompt token log-probabilities, target token count or None for the full-text scorer)."""
    lps = draw(st.lists(TOKEN_LOGPROB, min_size=1, max_size=40))
    n = draw(st.one_of(st.none(), st.integers(1, len(lps))))
    return lps, n


perplexity_corpus = st.lists(perplexity_sample(), min_size=1, max_size=12)
PERPLEXITY_HAND = [
    [([-1.0, -2.0], None)], [([-0.0], None)], [([0.0, 0.0], 1)], [([-6.0, -1.0, -0.5], 2), ([-3.0], None)],
    [([-710.0], None)], [([-710.0] * 3, None), ([-0.1], None)], [([float("-inf"), -1.0], None)],
    [([-1e308, -1e308], None)], [([-0.1] * 10, None), ([-0.1] * 3, 3), ([-0.2, -0.3, -0.7], 1)],
    [([-5e-324], None), ([-1e-12, -3.0], None)],
    # issue 18: Score metadata as given (not from a scorer): 0 tokens (per_seq skips it, per_token adds its log-prob),
    # no metadata / a key missing or None (Inspect AI warns and counts it as 0 tokens), nothing scored at all (NaN)
    [{"sum_log_probs": -10.0, "num_tokens": 5}, {"sum_log_probs": 0.0, "num_tokens": 0}],
    [{"sum_log_probs": -10.0, "num_tokens": 5}, {"sum_log_probs": -4.0, "num_tokens": 0}],
    [{"sum_log_probs": -10.0, "num_tokens": 5}, None, ([-1.0, -2.0], None)],
    [{}, {"sum_log_probs": -3.0}, {"num_tokens": 4}, {"sum_log_probs": None, "num_tokens": 2}, ([-0.5], None)],
    [None], [{}, {}], [{"sum_log_probs": -2.0, "num_tokens": 0}], [{"sum_log_probs": 0.0, "num_tokens": 0}, None],
]


def _perplexity_scores(corpus):
    """Inspect AI's own scorer Scores for each sample: perplexity() over every prompt token, or
    target_perplexity() over the last N (N as the argument or the sample's metadata, alternately)."""
    from inspect_ai.scorer import SampleScore, Target, perplexity, target_perplexity

    from inspect_ai.scorer import Score

    out = []
    for i, sample in enumerate(corpus):
        if sample is None or isinstance(sample, dict):  # a Score's metadata as given (None: a Score without any)
            out.append(SampleScore(score=Score(value=0.0, metadata=sample), sample_id=i))
            continue
        lps, n = sample
        content = [types.SimpleNamespace(logprob=lp) for lp in lps]
        choice = types.SimpleNamespace(prompt_logprobs=types.SimpleNamespace(content=content))
        metadata = {} if n is None or i % 2 == 0 else {"num_target_tokens": n}
        state = types.SimpleNamespace(output=types.SimpleNamespace(choices=[choice]), metadata=metadata)
        scorer = perplexity() if n is None else target_perplexity(num_target_tokens=n if i % 2 == 0 else None)
        score = _LOOP.run_until_complete(scorer(state, Target([""])))
        assert score.metadata, score  # a scored sample (the inputs are never empty)
        out.append(SampleScore(score=score, sample_id=i))
    return out


@pytest.mark.parametrize("alias,metric_name", [("inspect:perplexity_per_token", "perplexity_per_token"),
                                               ("inspect:perplexity_per_seq", "perplexity_per_seq")])
def test_perplexity(alias, metric_name):
    """Inspect AI's perplexity metrics over its perplexity / target_perplexity scorers' Scores; the alias reads
    each Score's metadata (sum_log_probs, num_tokens) as the scorer recorded it."""
    import inspect_ai.scorer as isc

    m = em.get(alias)
    metric = getattr(isc, metric_name)()

    def ours(corpus):
        try:
            r = m.compute([s.score.metadata for s in _perplexity_scores(corpus)])
        except em.InvalidInput as e:  # nothing left to score: Inspect AI's NaN, which evalmetrics refuses to return
            assert "Inspect AI reports NaN" in str(e), e
            return float("nan")
        skipped = [i for i, s in enumerate(corpus) if s is None or (isinstance(s, dict) and (
            any(s.get(k) is None for k in ("sum_log_probs", "num_tokens"))
            or (metric_name == "perplexity_per_seq" and s["num_tokens"] == 0)))]
        assert r.provenance.get("skipped", []) == skipped  # nothing left out unsaid
        return r.score

    def theirs(corpus):
        return float(metric(_perplexity_scores(corpus)))

    check(alias, PACKAGE.replace("its scorer,", "its perplexity / target_perplexity scorers and metric,"),
          ours, theirs, perplexity_corpus, PERPLEXITY_HAND, n=N_EXAMPLES)


def test_the_runner_detects_a_wrong_metric():
    """The checks can fail: a match without the 5-significant-digit rule disagrees with Inspect AI's."""
    from inspect_ai.scorer import match

    from conftest import RESULTS

    wrong = em.get("inspect:match", numeric=False)
    with pytest.raises(AssertionError):
        check("meta:inspect-wrong", PACKAGE, _ours(wrong), _theirs(match(numeric=True)), numeric_pair(), HARD, n=50)
    RESULTS.pop("meta:inspect-wrong", None)


COVERED = ["inspect:match", "inspect:includes", "inspect:pattern", "inspect:answer", "inspect:exact", "inspect:f1",
           "inspect:choice", "inspect:perplexity_per_token", "inspect:perplexity_per_seq"]
