"""lm_eval's task filters beyond one regex, against lm-eval 0.4.13's own filter classes.

Each check feeds one (response, document) pair to the evalmetrics step and to the real filter's ``apply([[resp]],
[doc])`` and compares the filtered text exactly ("both raise" counts as agreement):

* ``lm_eval:filter/multi_choice_regex``: ``lm_eval.filters.extraction.MultiChoiceRegexFilter`` with the
  configurations the shipped tasks use (acpbench, mmlu flan, gpqa) and variations (regexes_to_ignore, case,
  punctuation, group_select, fallback), on documents whose ``choices`` include prefixes of each other, equal texts,
  punctuation, regex syntax, edge spaces and the empty text;
* the bbh folder's ``utils.MultiChoiceRegexFilter``, ``MapRegexFilter``, ``NumberParseRegexFilter``,
  ``WordSortFilter`` and kormedmcqa's ``utils.ExtractChoiceFilter``, loaded from the installed task folders (the
  configurations are read from the bbh YAMLs), and darija's ``custom`` filter function ``utils.strip``.

Responses are shaped like the tasks' outputs: answer sentences naming a choice by its text or letter, ``(B)``,
``Answer: C``, numbers in digits and words, lists of words, Korean answer phrases, mixed with generated text.

    PYTHONPATH=. ~/.cache/evalmetrics-conformance/harness/bin/python -m pytest -o addopts="" \\
        tests/conformance/test_filters_lm_eval.py
"""
from __future__ import annotations

import glob
import importlib.util
import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

pytest.importorskip("lm_eval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")

import lm_eval  # noqa: E402
from lm_eval.filters.extraction import MultiChoiceRegexFilter  # noqa: E402

import evalmetrics as em  # noqa: E402
from _diff import N_EXAMPLES, check, phrase, text  # noqa: E402
from evalmetrics.integrations.lm_eval_tasks import load_task_yaml  # noqa: E402
from evalmetrics.integrations.lm_eval_tasks.filter_classes import known_filter  # noqa: E402
from evalmetrics.integrations.lm_eval_tasks.loading import FunctionRef  # noqa: E402

LM = "lm-eval==0.4.13"
TASKS = os.path.join(os.path.dirname(lm_eval.__file__), "tasks")

COVERED = [
    "lm_eval:filter/multi_choice_regex",
    "lm_eval:bbh/filter/multi_choice_regex",
    "lm_eval:bbh/filter/map_regex",
    "lm_eval:bbh/filter/number_parse_regex",
    "lm_eval:bbh/filter/word_sort",
    "lm_eval:kormedmcqa/filter/extract_choice",
]


def _module(path):
    spec = importlib.util.spec_from_file_location(f"_h2_{abs(hash(path))}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


BBH = _module(os.path.join(TASKS, "bbh", "zeroshot", "utils.py"))
KORMED = _module(os.path.join(TASKS, "kormedmcqa", "utils.py"))


def _run(filt, resp, doc):
    out = filt.apply([[resp]], [doc])
    return list(out)[0][0]


def _ours(step, resp, doc):
    if isinstance(step, em.ChoiceLetterExtract) or isinstance(step, em.ListedWordsInOrder):
        return step.apply_doc(resp, doc)
    return step.apply(resp)


# ------------------------------------------------------------------------------------------------ documents

CHOICE_TEXTS = ["Guilty", "Guilty of Romance", "Paris", "paris", "Rome", "New York City", "New York", "yes", "no",
                "True", "False", "1", "12", "1,000", "3.5", "$5", "a+b", "(x)", "[1]", "A", "B", "a.", " spaced ",
                "", "it's", "“quoted”", "semi; colon", "Paris!", "日本", "İstanbul", "x^2", "back\\slash", "C) D",
                "none of the above", "All of the above", "tab\there"]
choice_text = st.sampled_from(CHOICE_TEXTS) | phrase(3)
choices = st.lists(choice_text, min_size=0, max_size=6)


@st.composite
def answer_like(draw, texts):
    """A response that names a choice (by text, letter or label) or not, inside generated text."""
    letters = [chr(ord("A") + i) for i in range(max(len(texts), 1))] + ["E", "Z"]
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 9))
        if kind <= 2 and texts:
            t = draw(st.sampled_from(texts))
            t = draw(st.sampled_from([t, t.lower(), t.upper(), t + ".", t.strip() + "!", f"“{t}”"]))
            parts.append(t)
        elif kind == 3:
            parts.append(f"({draw(st.sampled_from(letters))})")
        elif kind == 4:
            parts.append(draw(st.sampled_from(["Answer: ", "answer:", "The answer is ", "Final Answer: ",
                                               "**Answer**: ", ":", ": ", ":\n"])) + draw(st.sampled_from(letters)))
        elif kind == 5:
            parts.append(draw(st.sampled_from(letters)) + draw(st.sampled_from(["", ".", "\n", " ", ")"])))
        elif kind == 6:
            parts.append(f"[{draw(st.sampled_from(letters))}]")
        else:
            parts.append(draw(text))
    sep = draw(st.sampled_from([" ", "\n", ", ", ". ", ""]))
    return sep.join(parts)


@st.composite
def choice_case(draw):
    cs = draw(choices)
    return draw(answer_like(cs)), {"choices": cs}


# lm_eval's configurations as the shipped tasks write them, then variations.
ACP = r"(((?<=[answer is ])[A-D])|([A-D]\n)|([A-D]\.)|( [A-D] )|(^[A-D]$)|(\[[A-D]\])|([A-D])|(?<=..Final Answer..: )(.*)(?=.)|(?<=..answer..: )(.*)(?=.)|(?<=..Answer..: )(.*)(?=.))"
MC_CONFIGS = [
    dict(group_select=-1, ignore_case=True, ignore_punctuation=True, regex_pattern=ACP),
    dict(group_select=-1, ignore_case=True, ignore_punctuation=True, regex_pattern=r"(\([A-Z]\))"),
    dict(group_select=0, ignore_case=True, ignore_punctuation=True, regex_pattern=r"(\([A-Z]\))"),
    dict(group_select=0, regex_pattern=r"(\([A-Z]\))"),
    dict(group_select=0, regex_pattern=r"(\([A-Z]\))|(\[[A-Z]\])|(zzz)", fallback="?"),
    dict(group_select=-1, ignore_case=False, ignore_punctuation=True, regex_pattern=r"answer is \(([A-Z])\)",
         regexes_to_ignore=[",", "\\.$", " "]),
    dict(group_select=0, ignore_case=True, regex_pattern=r"\(([A-Z])\)", regexes_to_ignore=["the ", "\\$"]),
    dict(),
]


def _real_mc(cfg):
    return MultiChoiceRegexFilter(**cfg)


@pytest.mark.parametrize("k", range(len(MC_CONFIGS)))
def test_multi_choice_regex(k):
    cfg = MC_CONFIGS[k]
    ours, real = em.get("lm_eval:filter/multi_choice_regex", **cfg), _real_mc(cfg)
    hand = [
        ("I think it is Guilty of Romance.", {"choices": ["Guilty", "Guilty of Romance"]}),
        ("guilty", {"choices": ["Guilty", "Guilty of Romance"]}),
        ("The answer is (B)", {"choices": ["x", "y"]}),
        ("Answer: C", {"choices": ["x", "y", "z"]}),
        ("nothing", {"choices": []}),
        ("paris", {"choices": ["Paris", "paris"]}),
        ("x spaced y", {"choices": [" spaced ", "a"]}),
        ("it is a+b", {"choices": ["a+b", "(x)"]}),
        ("", {"choices": ["", "a"]}),
        ("so: A and: B", {"choices": ["1", "2"]}),
        ("(A)", {"choices": ["c"] * 27}),
        ("x", {"choices": [1, 2]}),
    ]
    # lm_eval's filter builds its punctuation table (every code point) on each apply call: the generated inputs are
    # drawn first and filtered in batches, then compared one by one.
    xs = hand + _draw(choice_case(), max(N_EXAMPLES // len(MC_CONFIGS), 300))
    outcomes = _batched(real, xs)
    check("lm_eval:filter/multi_choice_regex", LM, lambda x: ours.apply_doc(*x), lambda x: _replay(outcomes[repr(x)]),
          st.nothing(), hand=xs, n=0)


def _draw(strategy, n):
    """``n`` inputs of ``strategy``, the same ones on every run (derandomized)."""
    xs = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(x):
        xs.append(x)

    collect()
    return xs


def _batched(real, xs) -> dict:
    """{repr(input): ("ok", output) or ("raise", exception)} from the real filter, applied to many inputs at once
    (halves retried where one input raises)."""
    out = {}

    def go(part):
        try:
            got = [r[0] for r in real.apply([[resp] for resp, _ in part], [doc for _, doc in part])]
        except Exception as e:  # noqa: BLE001 - an exception is an outcome to compare
            if len(part) == 1:
                out[repr(part[0])] = ("raise", e)
                return
            go(part[: len(part) // 2])
            go(part[len(part) // 2:])
            return
        for x, y in zip(part, got):
            out[repr(x)] = ("ok", y)

    go(list(xs))
    return out


def _replay(outcome):
    kind, value = outcome
    if kind == "raise":
        raise value
    return value


# ------------------------------------------------------------------------------------------------ bbh classes


def _bbh_configs():
    """{class name: [kwargs]} of the filter classes the bbh YAMLs use (zeroshot, cot_zeroshot)."""
    out: dict = {}
    for path in sorted(glob.glob(os.path.join(TASKS, "bbh", "*", "*.yaml"))):
        cfg = load_task_yaml(path)
        for f in cfg.get("filter_list") or ():
            for fn in f.get("filter", ()):
                func = fn["function"]
                if isinstance(func, FunctionRef):
                    kw = {k: v for k, v in fn.items() if k != "function"}
                    key, _, _ = known_filter(func, kw)  # every one is known (else the reader would not read it)
                    if kw not in out.setdefault(func.name, []):
                        out[func.name].append(kw)
    return out


BBH_CONFIGS = _bbh_configs()


def test_bbh_yamls_use_the_known_classes():
    assert sorted(BBH_CONFIGS) == ["MapRegexFilter", "MultiChoiceRegexFilter", "NumberParseRegexFilter",
                                   "WordSortFilter"]


@st.composite
def bbh_choice_case(draw):
    cs = draw(st.lists(choice_text.filter(lambda t: "\n" not in t), min_size=0, max_size=6))
    opener = draw(st.sampled_from(["Which is right?\nOptions:\n", "Q: pick one. ", "", "Options: (note) "]))
    sep = draw(st.sampled_from(["\n", " ", "\n\n"]))
    body = sep.join(f"({chr(ord('A') + i)}) {c}" for i, c in enumerate(cs))
    return draw(answer_like(cs)), {"input": opener + body}


@pytest.mark.parametrize("k", range(len(BBH_CONFIGS["MultiChoiceRegexFilter"]) + 2))
def test_bbh_multi_choice_regex(k):
    configs = BBH_CONFIGS["MultiChoiceRegexFilter"] + [
        dict(group_select=0, regex_pattern=r"(\([A-Z]\))|(zz)", regexes_to_ignore=[" "]),
        dict(group_select=-1, regex_pattern=r"answer: ([A-Z])?", ignore_punctuation=True),
    ]
    cfg = configs[k]
    ours, real = em.get("lm_eval:bbh/filter/multi_choice_regex", **cfg), BBH.MultiChoiceRegexFilter(**cfg)
    hand = [("so (B)", {"input": "Q\nOptions:\n(A) red\n(B) blue"}), ("blue!", {"input": "(A) red\n(B) blue"}),
            ("answer: ", {"input": "(A) x (B) y"}), ("Answer: B", {"input": "no labels here"})]
    check("lm_eval:bbh/filter/multi_choice_regex", LM, lambda x: ours.apply_doc(*x), lambda x: _run(real, *x),
          bbh_choice_case(), hand=hand, n=max(N_EXAMPLES // len(configs), 300))


MAP_WORDS = ["no", "not plausible", "yes", "plausible", "does not tell the truth", "is not telling the truth",
             "tells the truth", "is telling the truth", "No", "YES", "Plausible.", "implausible", "nope", "yes,",
             "truth", "telling"]


@st.composite
def map_case(draw):
    parts = [draw(st.sampled_from(MAP_WORDS)) if draw(st.booleans()) else draw(text) for _ in range(
        draw(st.integers(1, 5)))]
    return draw(st.sampled_from([" ", "\n", ". ", ""])).join(parts), None


@pytest.mark.parametrize("k", range(len(BBH_CONFIGS["MapRegexFilter"]) + 2))
def test_bbh_map_regex(k):
    configs = BBH_CONFIGS["MapRegexFilter"] + [
        dict(regex_pattern_to_value={r"(not) plausible|(never)": "no", r"\b(yes)\b": "yes"}, group_select=-1,
             ignore_punctuation=True, regexes_to_ignore=["\\.", " "]),
        dict(regex_pattern_to_value={r"\b(no)\b": "no", r"(x)(y)?": "xy"}, group_select=1, fallback="F"),
    ]
    cfg = configs[k]
    ours, real = em.get("lm_eval:bbh/filter/map_regex", **cfg), BBH.MapRegexFilter(**cfg)
    hand = [("Plausible.", None), ("so the answer is no", None), ("nothing", None), ("yes no yes", None)]
    check("lm_eval:bbh/filter/map_regex", LM, lambda x: ours.apply(x[0]), lambda x: _run(real, *x), map_case(),
          hand=hand, n=max(N_EXAMPLES // len(configs), 300))


NUMBER_WORDS = ["one", "two", "three", "twelve", "fourteen", "fifteen", "twenty", "twenty-one", "twenty one",
                "thirty", "forty", "ninety nine", "eighty", "eighteen", "hundred", "one hundred", "two hundred and five",
                "thousand", "a thousand", "million", "zero", "seven", "eleven", "sixty", "and", "&", ",", "point",
                "none", "someone", "often", "Twenty", "THREE", "4", "-7", "12", "1,000", "3-4", "-", "billion",
                "one million two hundred thousand", "nine hundred ninety nine"]


@st.composite
def number_case(draw):
    parts = [draw(st.sampled_from(NUMBER_WORDS)) if draw(st.integers(0, 3)) else draw(text) for _ in range(
        draw(st.integers(1, 5)))]
    return draw(st.sampled_from([" ", "\n", ", ", ". ", ""])).join(parts), None


@pytest.mark.parametrize("k", range(len(BBH_CONFIGS["NumberParseRegexFilter"]) + 1))
def test_bbh_number_parse_regex(k):
    configs = BBH_CONFIGS["NumberParseRegexFilter"] + [dict(group_select=0, regex_pattern=r"answer is (\d+)",
                                                            fallback="?")]
    cfg = configs[k]
    ours, real = em.get("lm_eval:bbh/filter/number_parse_regex", **cfg), BBH.NumberParseRegexFilter(**cfg)
    hand = [("I count twenty three apples", None), ("none", None), ("so 12 or 13", None), ("", None),
            ("one hundred and five", None), ("hundred thousand million", None)]
    check("lm_eval:bbh/filter/number_parse_regex", LM, lambda x: ours.apply(x[0]), lambda x: _run(real, *x),
          number_case(), hand=hand, n=max(N_EXAMPLES // len(configs), 500))


WORDS = ["apple", "banana", "cherry", "dog", "Dog", "zebra", "syndrome", "a", "an", "the", "b", "ab", "abc"]


@st.composite
def word_sort_case(draw):
    listed = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=6))
    doc = {"input": draw(st.sampled_from(["Sort the following words alphabetically: List: ", "List:", "List: ",
                                          "x List: "])) + " ".join(listed)}
    pool = listed + WORDS[:3] if listed else WORDS
    parts = [draw(st.sampled_from(pool)) if draw(st.integers(0, 3)) else draw(text) for _ in range(
        draw(st.integers(0, 8)))]
    return draw(st.sampled_from([" ", ", ", "\n", ""])).join(parts), doc


def test_bbh_word_sort():
    ours, real = em.get("lm_eval:bbh/filter/word_sort"), BBH.WordSortFilter()
    hand = [("cherry apple banana apple", {"input": "List: apple banana cherry"}),
            ("x", {"input": "no marker"}), ("a+b a", {"input": "List: a+b a"}),
            ("c(x", {"input": "List: c( x"}), ("abab", {"input": "List: (a)(b)"})]
    check("lm_eval:bbh/filter/word_sort", LM, lambda x: ours.apply_doc(*x), lambda x: _run(real, *x),
          word_sort_case(), hand=hand)


KOREAN = ["정답: B", "정답:C", "정답 D", "정답은 A 입니다", "정답은 e입니다", "a.", "B.", "c", "(D)", "E", "정답", "답",
          "A, B", "X", "ABC", "b) c", "정답：A", "정답: f"]


@st.composite
def korean_case(draw):
    parts = [draw(st.sampled_from(KOREAN)) if draw(st.integers(0, 2)) else draw(text) for _ in range(
        draw(st.integers(1, 4)))]
    return draw(st.sampled_from([" ", "\n", ". ", ""])).join(parts), None


def test_kormedmcqa_extract_choice():
    ours, real = em.get("lm_eval:kormedmcqa/filter/extract_choice"), KORMED.ExtractChoiceFilter()
    hand = [("정답은 B 입니다", None), ("A. or b.", None), ("nothing", None), ("", None)]
    check("lm_eval:kormedmcqa/filter/extract_choice", LM, lambda x: ours.apply(x[0]), lambda x: _run(real, *x),
          korean_case(), hand=hand)


def test_darija_custom_strip_is_remove_whitespace():
    """darija_bench's custom filter ``utils.strip`` (identified by its digest) = the first response, str.strip."""
    path = os.path.join(TASKS, "darija_bench", "darija_summarization", "utils.py")
    real = _module(path).strip
    ref = FunctionRef("utils.strip", os.path.dirname(path))
    key, _, takes_first = known_filter("custom", {"filter_fn": ref})
    assert takes_first
    ours = em.get(key)
    for x in ["  a  ", "\n", "", "\u3000x\u3000", "\x1c b \x1f", " \u200b "]:
        assert ours.apply(x) == list(real([[x, "second"]], [None]))[0]
    _strip_agrees(ours, real)


@settings(max_examples=500, derandomize=True, database=None, deadline=None)
@given(text)
def _strip_agrees(ours, real, x):
    assert ours.apply(x) == list(real([[x, "second"]], [None]))[0]
