"""IFEval (instruction following) against lm_eval 0.4.13's ``tasks/ifeval/utils.process_results`` (the hook of
``ifeval`` and ``leaderboard_ifeval``) and lighteval 0.13.0's ``IFEvalMetrics``, called directly.

For each of the 25 instruction checkers, generated (keyword arguments, response) pairs built to satisfy or narrowly
miss the instruction (counts at and around the threshold, near-miss spellings, first / last lines and ``*`` that only
the loose readings remove); then documents with several instructions; then the aggregations over batches.

Two things the harnesses leave to chance are pinned for the comparison: langdetect's draws are seeded (0, as
evalmetrics seeds them) and a random draw of a missing parameter raises instead (``random`` in the harness's
instruction modules is replaced by an object that raises), so "the harness would draw at random" meets evalmetrics'
InvalidInput as "both raise". nltk's Punkt English model is the real one when punkt_tab is found (NLTK_DATA, or
``~/.cache/evalmetrics-conformance/nltk_data``), else a stand-in model both sides share; the record says which.
"""
from __future__ import annotations

import functools
import logging
import os
import random
import tempfile

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

pytest.importorskip("lm_eval")
pytest.importorskip("lighteval")
pytest.importorskip("langdetect")
import nltk  # noqa: E402

import evalmetrics as em  # noqa: E402
from _diff import N_EXAMPLES, _call, _same  # noqa: E402
from conftest import RESULTS  # noqa: E402
from evalmetrics.metrics.instructions import CHECKERS, RELATIONS  # noqa: E402

VALUES = ("prompt_level_strict_acc", "inst_level_strict_acc", "prompt_level_loose_acc", "inst_level_loose_acc")
COVERED = [f"{h}:ifeval/{v}" for h in ("lm_eval", "lighteval") for v in VALUES]

_LOCAL_NLTK = os.path.expanduser("~/.cache/evalmetrics-conformance/nltk_data")


class _NoRandom:
    """Stands in for ``random`` in the harness modules: a random draw raises, so it is compared as an error."""

    def __getattr__(self, name):
        def draw(*a, **k):
            raise RuntimeError(f"the harness drew random.{name} (a missing or out-of-range parameter)")

        return draw


@functools.cache
def _punkt_source() -> str:
    if os.path.isdir(_LOCAL_NLTK) and _LOCAL_NLTK not in nltk.data.path:
        nltk.data.path.insert(0, _LOCAL_NLTK)
    try:
        nltk.data.find("tokenizers/punkt_tab/english/")
        return "nltk punkt_tab english (real model)"
    except LookupError:
        added = tempfile.mkdtemp(prefix="punkt_tab_stub_")
        d = os.path.join(added, "tokenizers", "punkt_tab", "english")
        os.makedirs(d)
        for name in ("abbrev_types.txt", "collocations.tab", "sent_starters.txt", "ortho_context.tab"):
            open(os.path.join(d, name), "w").close()
        nltk.data.path.insert(0, added)
        return "a stand-in Punkt model with no parameters (punkt_tab not found)"


@functools.cache
def _harness():
    _punkt_source()
    real_download = nltk.download
    nltk.download = lambda *a, **k: True  # both harnesses call nltk.download at import (network)
    try:
        import lighteval.tasks.tasks.ifeval.instructions as le_inst
        import lighteval.tasks.tasks.ifeval.instructions_utils as le_util
        import lighteval.tasks.tasks.ifeval.main as le_main
        import lm_eval.tasks.ifeval.instructions as lm_inst
        import lm_eval.tasks.ifeval.instructions_util as lm_util
        import lm_eval.tasks.ifeval.utils as lm_utils
    finally:
        nltk.download = real_download
    for mod in (le_inst, le_util, lm_inst, lm_util):
        mod.random = _NoRandom()
    from langdetect.detector_factory import DetectorFactory

    DetectorFactory.seed = 0  # the harnesses leave langdetect unseeded; evalmetrics seeds it with 0
    logging.getLogger(lm_inst.__name__).setLevel(logging.CRITICAL)
    logging.getLogger().setLevel(logging.CRITICAL)  # lighteval logs langdetect failures on the root logger
    return lm_utils, le_main


STRICT_P, STRICT_I = em.get("lm_eval:ifeval/prompt_level_strict_acc"), em.get("lm_eval:ifeval/inst_level_strict_acc")
LOOSE_P, LOOSE_I = em.get("lm_eval:ifeval/prompt_level_loose_acc"), em.get("lm_eval:ifeval/inst_level_loose_acc")


def _ours(doc, response):
    s, lo = STRICT_I.verdicts(response, doc), LOOSE_I.verdicts(response, doc)
    return {"prompt_level_strict_acc": float(all(s)), "inst_level_strict_acc": s,
            "prompt_level_loose_acc": float(all(lo)), "inst_level_loose_acc": lo}


def _lm_eval(doc, response):
    lm_utils, _ = _harness()
    out = lm_utils.process_results(dict(doc, key=0, prompt="p"), [response])
    return {k: (float(v) if isinstance(v, bool) else list(v)) for k, v in out.items()}


def _lighteval(doc, response):
    _, le_main = _harness()
    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.requests import Doc

    d = Doc(task_name="ifeval", query="p", choices=[""], gold_index=0, instruction="",
            specific={"instructions_id_list": doc["instruction_id_list"], "kwargs": doc["kwargs"]})
    out = le_main.IFEvalMetrics().compute(doc=d, model_response=ModelResponse(text=[response]))
    return {k: (float(v) if isinstance(v, int) else list(v)) for k, v in out.items()}


def _per_value(result):
    """One outcome per reported value ("raise" outcomes stay whole)."""
    if result[0] == "raise":
        return dict.fromkeys(VALUES, ("raise", result[1]))
    return {k: ("ok", result[1][k]) for k in VALUES}


def _stats(harness, v):
    return RESULTS.setdefault(f"{harness}:ifeval/{v}", {
        "n": 0, "mismatches": 0, "examples": [],
        "package": ("lm-eval==0.4.13 tasks/ifeval/utils.py:process_results" if harness == "lm_eval" else
                    "lighteval==0.13.0 tasks/tasks/ifeval/main.py:IFEvalMetrics") + f"; punkt: {_punkt_source()}"})


def _record(x, ours, theirs, harness):
    for v in VALUES:
        stats = _stats(harness, v)
        stats["n"] += 1
        if not _same(ours[v], theirs[v]):
            stats["mismatches"] += 1
            if len(stats["examples"]) < 5:
                stats["examples"].append({"input": repr(x), "evalmetrics": repr(ours[v]), "reference": repr(theirs[v])})


def _compare(x):
    doc, response = x
    ours = _per_value(_call(lambda _: _ours(doc, response), None))
    for harness, fn in (("lm_eval", _lm_eval), ("lighteval", _lighteval)):
        _record(x, ours, _per_value(_call(lambda _: fn(doc, response), None)), harness)


def _run(strategy, hand=(), n=N_EXAMPLES):
    _harness()
    for x in hand:
        _compare(x)

    @settings(max_examples=max(n, 1), derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(x):
        _compare(x)

    if n > 0:
        run()
    bad = {k: r for k, r in RESULTS.items() if k in COVERED and r["mismatches"]}
    assert not bad, bad


# ------------------------------------------------------------------------------------------------ generators

WORDS = ["the", "The", "THE", "cat", "Cat", "CAT", "category", "cats", "dog", "hello", "Hello", "HELLO", "world",
         "Paris", "is", "a", "I", "AI", "USA", "U.S.", "NASA's", "A1", "ok", "yes", "é", "É", "naïve", "ß", "İ",
         "ſ", "\u212a", "Москва", "МОСКВА", "日本", "١٢", "42", "3.14", "e.g.", "Mr.", "Dr.", "etc.", "it's", "don't",
         "_cat", "cat_", "c.t", "word-word", "x"]
PUNCT = [".", ",", "!", "?", ";", ":", "'", '"', "“", "”", "*", "**", "***", "-", "(", ")", "[", "]", "<<", ">>",
         "，", "...", "?!"]
SEPS = [" ", " ", " ", " ", "\n", "\n\n", "\t", "  ", "", "\r\n", "\u00a0"]
FIRST_LINES = ["Sure! Here is my answer:", "**Answer**", "*", "Okay, here you go.", "\"", "P.S. first", ""]
LAST_LINES = ["I hope this helps!", "**End**", "Let me know, ok?", "***", "\"", "P.S. bye", ""]


class _Draw:
    """Fast seeded draws: hypothesis picks the seed (derandomized), a ``random.Random`` builds the input."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def pick(self, xs):
        return self.rng.choice(xs)

    def int(self, lo, hi):
        return self.rng.randint(lo, hi)

    def coin(self, p=0.5):
        return self.rng.random() < p

    def filler(self, max_size=8):
        parts = [self.pick(WORDS) if self.coin(0.7) else self.pick(PUNCT) for _ in range(self.int(0, max_size))]
        return "".join(p + self.pick(SEPS) for p in parts)

    def framed(self, body):
        """The body, sometimes with a first and / or last line and stars that only loose readings remove."""
        text = body
        if self.int(0, 2) == 0:
            text = "*" + text + "*" if self.coin() else text.replace(" ", "** ", 1)
        if self.coin():
            text = self.pick(FIRST_LINES) + "\n" + text
        if self.coin():
            text = text + "\n" + self.pick(LAST_LINES)
        if self.int(0, 3) == 0:
            text = self.pick(["", " ", "\n", "  \n "]) + text + self.pick(["", " ", "\n"])
        return text

    def count(self, lo=0, hi=6):
        """Mostly a count in range; sometimes 0, -1 or None (the harness would draw at random)."""
        return self.int(lo, hi) if self.coin(0.9) else self.pick([0, -1, None])

    def relation(self):
        return self.pick(RELATIONS) if self.coin(0.93) else self.pick(["", None, "more than", "Less than"])

    def repeated(self, units, around):
        """``around`` (± 2) copies of units mixed into filler."""
        k = max(0, (around if isinstance(around, int) else 2) + self.int(-2, 2))
        out = [self.filler(3)]
        for _ in range(k):
            out.append(self.pick(units))
            out.append(self.filler(2))
        return self.pick(SEPS).join(out)

    def kwargs(self, kw):
        """Keyword arguments as the dataset gives them: sometimes with other instructions' keys set to None."""
        if self.int(0, 3) == 0:
            kw = {"num_highlights": None, "relation": None, "language": None, **kw}
        if self.int(0, 60) == 0:
            kw["unexpected_key"] = 3  # the harness raises TypeError
        return kw


KEYWORDS = ["cat", "Paris", "hello world", "c.t", "a+", "(x)", r"\d+", "é", "İ", "s", "ſ", "k", "dog ", " cat",
            "NASA", "日本", "Москва"]
LANG_TEXTS = [
    "The quick brown fox jumps over the lazy dog and keeps running through the field.",
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG.", "the weather is lovely today, let us go outside and play.",
    "El rápido zorro marrón salta sobre el perro perezoso.", "Le renard brun rapide saute par-dessus le chien.",
    "Der schnelle braune Fuchs springt über den faulen Hund.", "Быстрая коричневая лиса прыгает через ленивую собаку.",
    "素早い茶色の狐がのろまな犬を飛び越える。", "12345 678", "", "!!!", "ok", "hello", "HELLO WORLD", "Bonjour",
    "o rápido raposo marrom pula sobre o cão preguiçoso", "तेज भूरी लोमड़ी आलसी कुत्ते के ऊपर कूदती है",
    "Nopea ruskea kettu hyppää laiskan koiran yli.", "빠른 갈색 여우가 게으른 개를 뛰어넘는다",
]
SENTENCES = ["Mr. Smith went to Washington.", "He said hi!", "Is it e.g. this one?", "The U.S. is big.",
             "Pi is 3.14 today.", "Wait...", "Really?!", "no period here", "Dr. Who arrived", "\"Quoted.\"",
             "It costs $5.50.", "A. B. C.", "Done."]


def make(inst, d: _Draw):
    """(kwargs, response) for one instruction, built to follow it or narrowly miss it."""
    kw, body = {}, d.filler()
    if inst == "keywords:existence":
        kw = {"keywords": [d.pick(KEYWORDS) for _ in range(d.int(1, 3))] if d.coin(0.95) else d.pick([[], ["("]])}
        body = d.repeated(KEYWORDS + ["CAT", "hello  world", "PARIS"], 2)
    elif inst == "keywords:frequency":
        k = d.pick(KEYWORDS)
        kw = {"keyword": k, "frequency": d.count(), "relation": d.relation()}
        body = d.repeated([k, k.upper(), k + "s", k.strip()], kw["frequency"])
    elif inst == "keywords:forbidden_words":
        kw = {"forbidden_words": [d.pick(KEYWORDS + ["cat", "the"]) for _ in range(d.int(0, 3))]}
        body = d.repeated(["cats", "cat!", "_cat", "Cat", "the", "THE", "x", "Paris"], 1)
    elif inst == "keywords:letter_frequency":
        letter = d.pick(["a", "A", "z", "e", "s", "t", "O"]) if d.coin(0.9) else d.pick([" ", "ab", "é", "1", ""])
        kw = {"letter": letter, "let_frequency": d.count(0, 12), "let_relation": d.relation()}
        body = d.repeated([letter, letter.upper(), "x", "İ", letter * 2], kw["let_frequency"])
    elif inst == "language:response_language":
        kw = {"language": d.pick(["en", "es", "fr", "de", "ru", "ja", "pt", "hi", "fi", "ko"]) if d.coin(0.93)
              else d.pick(["xx", "EN", ""])}
        body = d.pick(LANG_TEXTS) + d.pick(["", " ", " " + d.filler(2)])
    elif inst == "length_constraints:number_sentences":
        kw = {"num_sentences": d.count(0, 8), "relation": d.relation()}
        body = d.repeated(SENTENCES, kw["num_sentences"])
    elif inst == "length_constraints:number_paragraphs":
        kw = {"num_paragraphs": d.count(0, 6)}
        parts = [d.filler(4) if d.coin(0.8) else d.pick(["", " "]) for _ in range(d.int(0, 7))]
        body = "".join(p + d.pick(["***", " *** ", "\n***\n", "****", "* * *", "**", "\n\n"]) for p in parts)
    elif inst == "length_constraints:number_words":
        kw = {"num_words": d.count(0, 15), "relation": d.relation()}
        body = d.repeated(WORDS, kw["num_words"])
    elif inst == "length_constraints:nth_paragraph_first_word":
        n = d.count(1, 5)
        kw = {"num_paragraphs": n, "nth_paragraph": d.int(1, n) if isinstance(n, int) and n > 0 and d.coin(0.9)
              else d.count(0, 6), "first_word": d.pick(["the", "The", "hello", "I", "naïve", "it's", "x", ""])}
        starts = ['"Hello,', "'the", "The.", "hello-world", "THE", "it's", "naïve!", "I", "x?", "\"'the", "the"]
        parts = [(d.pick(starts + [""]), d.filler(3)) for _ in range(d.int(0, 6))]
        body = "".join(a + " " + b + d.pick(["\n\n", "\n\n", "\n\n\n", "\n \n", "\n"]) for a, b in parts)
    elif inst == "detectable_content:number_placeholders":
        kw = {"num_placeholders": d.count(0, 5)}
        body = d.repeated(["[x]", "[]", "[a\nb]", "[[x]]", "[name", "]", "[address]"], kw["num_placeholders"])
    elif inst == "detectable_content:postscript":
        kw = {"postscript_marker": d.pick(["P.S.", "P.P.S", "P.S.", "P.P.S", "PS:", "p.s.", " P.S. ", "Note:",
                                           "(", "***", ""])}
        body = d.filler(4) + d.pick(SEPS) + d.pick(["P.S. hi", "p. s. x", "P.P.S. more", "P. P. S", "PS: y", "pps",
                                                   "Note: z", "ps", "(x)", ""])
    elif inst == "detectable_format:number_bullet_lists":
        kw = {"num_bullets": d.count(0, 5)}
        body = "\n".join(d.pick(["* item", "- item", "  * x", "**bold**", "*", "-", "--", "", "1. x", "\t- y",
                                 "*\nfoo", "text", "* * *"]) for _ in range(d.int(0, 7)))
    elif inst == "detectable_format:constrained_response":
        body = d.filler(2) + d.pick(["My answer is yes.", "My answer is no.", "My answer is maybe.",
                                     "My answer is yes", "my answer is yes.", "My answer is  no.", "Yes."]) + d.filler(2)
    elif inst == "detectable_format:number_highlighted_sections":
        kw = {"num_highlights": d.count(0, 5)}
        body = d.repeated(["*a*", "**b**", "* *", "***", "*\n*", "**", "*x", "** c **", "*d**"], kw["num_highlights"])
    elif inst == "detectable_format:multiple_sections":
        kw = {"section_spliter": d.pick(["Section", "SECTION", "Part", "Sec.", " Section ", "Day"]) if d.coin(0.9)
              else d.pick(["(", ""]), "num_sections": d.count(0, 5)}
        body = d.repeated(["Section 1", "SECTION 2", "Section1", "section 3", "Section X", "Part 4", "Day 12",
                           " Sec. 5 "], kw["num_sections"])
    elif inst == "detectable_format:json_format":
        body = d.pick(["", " ", "\n"]) + d.pick([
            '{"a": 1}', '```json\n{"a":1}\n```', '```JSON[1,2]```', '```\n[1]\n```', "{'a':1}", '```Json {} ```',
            "NaN", "true", '"x"', "```json```", '```json\n{"a": [1, 2,]}\n```', "[[[]]]", '{"a": "\\u00e9"}',
            "```", "1 2", d.filler(3)]) + d.pick(["", " ", "\n", "```"])
    elif inst == "detectable_format:title":
        body = d.repeated(["<<Title>>", "<< >>", "<<a\nb>>", "<<<x>>>", "<<>>", "< <y> >", "<<z"], 1)
    elif inst == "combination:two_responses":
        parts = [d.pick(["one", "two", " one ", "", " ", "a\nb"]) for _ in range(d.int(0, 4))]
        body = d.pick(["******", "*******", "***** *", "\n******\n"]).join(parts)
    elif inst == "combination:repeat_prompt":
        p = d.pick(["Write a poem.", " Write a poem. ", "Name it", "ÉCOLE", "x"])
        kw = {"prompt_to_repeat": p if d.coin(0.95) else ""}
        body = d.pick([p, p.upper(), p.lower(), p[:-1], " " + p, "\n" + p]) + d.filler(3)
    elif inst == "startend:end_checker":
        e = d.pick(["Any other questions?", "Is there anything else I can help with?", " Bye ", '"quoted"', "İ", "x"])
        kw = {"end_phrase": e}
        body = d.filler(3) + d.pick([e, e.upper(), e.strip(), e + '"', e + ' "', e[:-1]])
    elif inst == "change_case:capital_word_frequency":
        kw = {"capital_frequency": d.count(-1, 6), "capital_relation": d.relation()}
        body = d.repeated(["HELLO", "U.S.A.", "I", "A1", "NASA's", "É", "Ab", "CAN'T", "ÉCOLE"], kw["capital_frequency"])
    elif inst in ("change_case:english_capital", "change_case:english_lowercase"):
        t = d.pick(LANG_TEXTS)
        body = d.pick([t, t.upper(), t.lower()]) + d.pick(["", " 123", "\nOK"])
    elif inst == "punctuation:no_comma":
        body = d.filler() + d.pick(["", ",", "，", "‚", "a, b"])
    elif inst == "startend:quotation":
        body = d.pick(['"', '""', '"x"', ' "x" ', '"x', "“x”", "'x'", '"a\nb"']) + d.pick(["", "\n", '"'])
    return d.kwargs(kw) if kw else kw, d.framed(body)


def _doc(pairs):
    return {"instruction_id_list": [i for i, _ in pairs], "kwargs": [k for _, (k, _) in pairs]}


def single(inst):
    return st.integers(0, 2 ** 32).map(lambda seed: (lambda kw_r: (_doc([(inst, (kw_r[0], None))]), kw_r[1]))(
        make(inst, _Draw(seed))))


def _several(seed):
    d = _Draw(seed)
    insts = [d.pick(sorted(CHECKERS)) for _ in range(d.int(1, 4))]
    pairs = [(i, make(i, d)) for i in insts]
    return _doc(pairs), d.pick(["\n", "\n\n", " "]).join(r for _, (_, r) in pairs)


def several():
    return st.integers(0, 2 ** 32).map(_several)


HAND = [
    ({"instruction_id_list": ["punctuation:no_comma"], "kwargs": [{}]}, ""),
    ({"instruction_id_list": ["punctuation:no_comma"], "kwargs": [{}]}, "   \n "),
    ({"instruction_id_list": ["startend:quotation"], "kwargs": [{}]}, 'Sure:\n"quoted"\nBye'),
    ({"instruction_id_list": ["detectable_format:json_format"], "kwargs": [{}]}, "[" * 5000 + "]" * 5000),
    ({"instruction_id_list": ["change_case:english_lowercase"], "kwargs": [{}]}, "12345"),
    ({"instruction_id_list": ["language:response_language"], "kwargs": [{"language": "en"}]}, "!!!"),
    ({"instruction_id_list": ["length_constraints:nth_paragraph_first_word"],
      "kwargs": [{"num_paragraphs": 2, "nth_paragraph": 2, "first_word": "The"}]}, "\n\nA\n\nthe end"),
    ({"instruction_id_list": ["keywords:existence"], "kwargs": [{"keywords": ["("]}]}, "x"),
    ({"instruction_id_list": ["nonexistent:thing"], "kwargs": [{}]}, "x"),
]


# langdetect's detection (7 seeded trials per call, up to nine readings per response, three implementations) makes
# the three language families about 100x slower than the others: they run a fifth as many generated inputs.
_LANGDETECT = {"language:response_language", "change_case:english_capital", "change_case:english_lowercase"}


@pytest.mark.parametrize("inst", sorted(CHECKERS))
def test_each_checker_family(inst):
    _run(single(inst), hand=[h for h in HAND if h[0]["instruction_id_list"][0] == inst],
         n=N_EXAMPLES // 5 if inst in _LANGDETECT else N_EXAMPLES)


def test_documents_with_several_instructions():
    _run(several(), hand=[h for h in HAND if h[0]["instruction_id_list"][0] not in CHECKERS])


def batch():
    return st.lists(st.integers(0, 2 ** 32), min_size=1, max_size=8).map(lambda seeds: [_several(x) for x in seeds])


def test_aggregations_over_batches():
    """The corpus values: lm_eval's ``mean`` / ``agg_inst_level_acc`` and lighteval's ``np.mean`` /
    ``agg_inst_level_acc`` over the per-sample values, against ``compute().score``."""
    lm_utils, le_main = _harness()
    from lm_eval.api.metrics import mean

    fns = {"prompt_level_strict_acc": mean, "prompt_level_loose_acc": mean,
           "inst_level_strict_acc": lm_utils.agg_inst_level_acc, "inst_level_loose_acc": lm_utils.agg_inst_level_acc}
    le_fns = le_main.ifeval_metrics.corpus_level_fn

    def one(b):
        docs, responses = [d for d, _ in b], [r for _, r in b]
        try:
            lm_rows = [_lm_eval(d, r) for d, r in b]
            le_rows = [_lighteval(d, r) for d, r in b]
        except Exception:  # noqa: BLE001 - a batch with a sample the harness refuses: not an aggregation case
            return
        for v in VALUES:
            ours = em.get(f"lm_eval:ifeval/{v}").compute(responses, docs).score
            for harness, rows, agg in (("lm_eval", lm_rows, fns[v]), ("lighteval", le_rows, le_fns[v])):
                theirs = float(agg([row[v] for row in rows]))
                stats = _stats(harness, v)
                stats["n"] += 1
                if ours != theirs:
                    stats["mismatches"] += 1
                    stats["examples"].append({"input": repr(b)[:300], "evalmetrics": ours, "reference": theirs})

    @settings(max_examples=max(N_EXAMPLES // 10, 1), derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(batch())
    def run(b):
        one(b)

    run()
    bad = {k: r for k, r in RESULTS.items() if k in COVERED and r["mismatches"]}
    assert not bad, bad


@pytest.mark.xfail(strict=True, reason="Known difference: a keyword that is a regular expression with a quantifier "
                   "runs on the time-bounded `regex` engine, whose ignore-case matching lacks Python re's i/ı "
                   "(dotless i) equivalence; keywords without quantifiers (IFEval's are words) run on `re` itself")
def test_quantified_keyword_and_dotless_i():
    d = {"instruction_id_list": ["keywords:frequency"],
         "kwargs": [{"keyword": "i+", "frequency": 1, "relation": "at least"}]}
    assert _ours(d, "xıy") == _lm_eval(d, "xıy")


def test_task_reader_reads_ifeval_and_leaves_the_multilingual_copies_unread():
    """ifeval and leaderboard_ifeval read as the aliases; ifeval_ca / ifeval_es share the hook's source text but run
    Catalan and Spanish checkers, so the reader must not take them for IFEval."""
    from pathlib import Path

    import lm_eval

    from evalmetrics.integrations.coverage import lm_eval_coverage

    tasks = Path(lm_eval.__file__).parent / "tasks"
    assert lm_eval_coverage(tasks / "leaderboard" / "ifeval").read == 4
    cov = lm_eval_coverage(tasks / "ifeval")
    assert (cov.rows, cov.read) == (12, 4)
    assert all("ifeval_ca" in str(g) or "ifeval_es" in str(g) for g in cov.reasons.values())
