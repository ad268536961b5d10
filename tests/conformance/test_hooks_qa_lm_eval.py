"""lm_eval's extractive-QA hooks against their evalmetrics aliases (evalmetrics/presets/lm_eval_qa.py).

Each hook (``process_results`` or ``!function`` metric) is loaded from the installed lm_eval's tasks folder and
called as lm_eval calls it, with a document shaped like the task's data (the fields the hook reads) and the
model's output; its value for each reported metric is compared with the alias's ``score`` on the same output and
the references the hook reads. Texts mix the languages of each task (articles, Unicode punctuation, Arabic ال,
CJK ideographs inside and outside U+4E00..U+9FA5, Unicode whitespace) with the shared generators of ``_diff``.
"""
from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import sys
import types

import pytest
from hypothesis import strategies as st

pytest.importorskip("lm_eval")

import evalmetrics as em  # noqa: E402
import oracles as O  # noqa: E402
from _diff import N_EXAMPLES, check, mutated, sep, text  # noqa: E402
from conftest import RESULTS  # noqa: E402

LM = "lm-eval==0.4.13"
# Generated inputs per check: at least 2,000 per hook (issue 16), at most 2,500 so that the 33 checks run in minutes.
N = min(N_EXAMPLES, 2500)
TASKS = os.path.join(os.path.dirname(importlib.util.find_spec("lm_eval").origin), "tasks")


@contextlib.contextmanager
def _squad_metrics_module():
    """``import transformers.data.metrics.squad_metrics`` resolves to the vendored transformers 4.57.6 file (lm-eval
    0.4.13 installs transformers 5, which no longer has it), for the duration of one module load."""
    names = ["transformers.data", "transformers.data.metrics", "transformers.data.metrics.squad_metrics"]
    saved = {n: sys.modules.get(n) for n in names}
    for n in names[:2]:
        if n not in sys.modules:
            m = types.ModuleType(n)
            m.__path__ = []
            sys.modules[n] = m
    sys.modules[names[2]] = O._squad_v2()
    try:
        yield
    finally:
        for n, m in saved.items():
            if m is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = m


@functools.cache
def task_module(rel: str, squad: bool = False):
    """A module of the installed lm_eval tasks folder, loaded from its file (as lm_eval's YAML loader does)."""
    path = os.path.join(TASKS, rel)
    name = "_h5_" + rel.replace("/", "_").replace(".py", "")
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    with _squad_metrics_module() if squad else contextlib.nullcontext():
        spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------------------------------------ inputs

LANG_ATOMS = {
    "en": ["the", "The", "a", "an", "An", "theory", "another", "Paris", "cat's", "U.S.", "well-known"],
    "es": ["el", "El", "la", "los", "las", "un", "una", "unos", "unas", "unas.", "¿Dónde", "está?", "¡Hola!",
           "«Madrid»", "elemento", "Unamuno", "ÉL"],
    "de": ["der", "Der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "eines", "einer",
           "Einer", "dieser", "„Berlin“", "Straße", "STRASSE"],
    "vi": ["của", "là", "cái", "chiếc", "những", "Những", "người", "Hà Nội", "cáix", "là.", "Của"],
    "ar": ["الكتاب", "ال", "الـ", "والكتاب", "كتاب", "، ", "؟", "«القاهرة»", "مصر.", "ﺍﻟ", "ال-كتاب", "١٩٤٥"],
    "zh": ["北京", "中国。", "，", "、", "「上海」", "鿦", "龥", "一", "〇", "㐀", "abc", "12", "《书》", "（注）",
           "：", "！", "𠀀"],
    "hi": ["भारत", "की", "राजधानी", "।", "नई दिल्ली", "१९४७", "॥"],
    "bn": ["বাংলাদেশ", "।", "ঢাকা", "১৯৭১"],
    "fi": ["Helsinki", "on", "Suomen", "pääkaupunki.", "se", "yksi"],
    "id": ["Jakarta", "adalah", "ibu", "kota", "Indonesia."],
    "ko": ["서울은", "한국의", "수도이다.", "「서울」", "·"],
    "ru": ["Москва", "столица", "России.", "«Кремль»", "—", "Ё", "ё"],
    "sw": ["Nairobi", "ni", "mji", "mkuu", "wa", "Kenya."],
    "te": ["హైదరాబాద్", "తెలంగాణ", "రాజధాని."],
    "fr": ["le", "Le", "la", "les", "un", "une", "des", "l'homme", "L'", "d'un", "«Paris»", "à", "Où", "est-ce",
           "Impossible", "lequel", "unes"],
    "no": ["å", "gå", "over", "bekken", "etter", "vann.", "Det", "er", "ikke", "min", "kopp", "te!", "ÆØÅ"],
}
PUNCT_ATOMS = [".", ",", "!", "?", ";", ":", "'", '"', "-", "(", ")", "…", "—", "“", "”", "’", "«", "»", "¿", "¡",
               "。", "，", "、", "・", "·", "§", "¶", "$", "+", "<", "=", "^", "`", "|", "~", "\u00a0", "\u3000",
               "\u200b", "0", "7", "42", "٣", "３"]


def lang_text(lang: str, max_atoms: int = 7):
    atoms = st.sampled_from(LANG_ATOMS[lang] + PUNCT_ATOMS + ["the", "a"])

    @st.composite
    def build(draw):
        n = draw(st.integers(0, max_atoms))
        parts = [draw(sep) if draw(st.integers(0, 3)) == 0 else ""]
        for i in range(n):
            parts.append(draw(atoms))
            if i < n - 1:
                parts.append(draw(st.sampled_from([" ", " ", " ", "", "  "])) if draw(st.booleans()) else draw(sep))
        if draw(st.integers(0, 3)) == 0:
            parts.append(draw(sep))
        return "".join(parts)

    return st.one_of(build(), build(), build(), text)


def qa_pair(lang: str, max_refs: int = 4):
    """(prediction, [answers]): answers in the task's language; the prediction is one of them, mutated, or any text."""
    t = lang_text(lang)

    @st.composite
    def build(draw):
        refs = draw(st.lists(t, min_size=1, max_size=max_refs))
        kind = draw(st.integers(0, 5))
        if kind == 0:
            pred = draw(st.sampled_from(refs))
        elif kind <= 3:
            pred = draw(mutated(draw(st.sampled_from(refs))))
            if draw(st.booleans()):
                pred = draw(st.sampled_from(["", " ", "\n", "  "])) + pred + draw(st.sampled_from(["", " ", "\n"]))
        else:
            pred = draw(t)
        return pred, refs

    return build()


def hand(lang: str):
    base = [("", [""]), (" ", [""]), ("", ["x"]), ("x", [""]), ("...", ["!"]), (" the ", ["a"])]
    extra = {
        "ar": [(" الكتاب", ["كتاب"]), ("الكتاب", ["ال كتاب"]), ("\u00a0الكتاب", ["كتاب"]), ("والكتاب", ["و كتاب"]),
               ("ال", [""]), ("x ال", ["x"])],
        "zh": [("北京大学", ["北京 大学"]), ("鿦龥", ["鿦 龥"]), ("北京。", ["北京"]), ("ab北c", ["ab 北 c"]), ("𠀀", ["𠀀"])],
        "es": [("El Unamuno", ["unamuno"]), ("la casa", ["casa"])],
        "de": [("Der Hund", ["hund"]), ("eines", [""])],
        "vi": [("những người", ["người"]), ("của", [""])],
        "en": [("The Eiffel Tower", ["eiffel tower"]), ("theory", ["the ory"])],
    }.get(lang, [])
    return base + extra


def check_values(aliases, package, oracle, strategy, hand=()):
    """One differential run for several values of one hook: every input is scored by each alias and by one call of
    the hook, and the tuple of values must be equal (floats bit for bit); each alias is recorded with the count."""
    metrics = [em.get(a) for a in aliases]

    def ours(x):
        return tuple(float(m.score(x[0], x[1])) for m in metrics)

    def theirs(x):
        return tuple(float(v) for v in oracle(x))

    check(aliases[0], package, ours, theirs, strategy, hand=hand, n=N)
    for a in aliases[1:]:
        RESULTS[a] = dict(RESULTS[aliases[0]])


# ------------------------------------------------------------------------------------------------ mlqa / tydiqa

MLQA = ("en", "es", "hi", "vi", "de", "ar", "zh")
TYDIQA = ("ar", "bn", "en", "fi", "id", "ko", "ru", "sw", "te")


def _lang_hook(folder, lang):
    fn = getattr(task_module(f"{folder}/utils.py"), f"process_results_{lang}")

    def oracle(x):
        out = fn({"answers": list(x[1])}, [x[0]])
        return out["exact_match"], out["f1"]

    return oracle


@pytest.mark.parametrize("lang", MLQA)
def test_mlqa(lang):
    check_values([f"lm_eval:mlqa_{lang}/exact_match", f"lm_eval:mlqa_{lang}/f1"],
                 LM + f" (mlqa/utils.py process_results_{lang})", _lang_hook("mlqa", lang), qa_pair(lang), hand(lang))


@pytest.mark.parametrize("lang", TYDIQA)
def test_tydiqa(lang):
    check_values([f"lm_eval:tydiqa_goldp_{lang}/exact_match", f"lm_eval:tydiqa_goldp_{lang}/f1"],
                 LM + f" (tydiqa/utils.py process_results_{lang})", _lang_hook("tydiqa", lang), qa_pair(lang),
                 hand(lang))


# ------------------------------------------------------------------------------------------------ xquad / catalan


def test_xquad_and_catalanqa():
    """One alias per value for both hooks: xquad reads doc['answers']['text'][0], catalanqa doc['answers'][0]['text'];
    both are called on every input and must agree; the alias is scored against the first answer alone."""
    xq = task_module("xquad/utils.py", squad=True).process_results_qa
    ca = task_module("catalan_bench/utils.py", squad=True).process_results_qa

    def oracle(x):
        pred, refs = x
        a = xq({"answers": {"text": list(refs)}}, [pred])
        b = ca({"answers": [{"text": r} for r in refs]}, [pred])
        if a != b:
            raise AssertionError(f"xquad {a!r} != catalanqa {b!r}")
        return a["exact_match"], a["f1"]

    first = qa_pair("es").map(lambda x: (x[0], x[1][:1], x[1]))
    check_values(["lm_eval:xquad/exact_match", "lm_eval:xquad/f1"],
                 LM + " (xquad/utils.py and catalan_bench/utils.py process_results_qa; transformers 4.57.6 "
                 "squad_metrics)", lambda x: oracle((x[0], x[2])), first,
                 [(p, r[:1], r) for p, r in hand("en") + hand("es")])


# ------------------------------------------------------------------------------------------------ noridiom


def test_noridiom():
    fn = task_module("noreval/noridiom/utils.py").process_results

    def oracle(x):
        out = fn({"accepted_completions": list(x[1]), "completion": x[1][0]}, [x[0]])
        return out["em"], out["fscore"]

    check_values(["lm_eval:noridiom/em", "lm_eval:noridiom/fscore"],
                 LM + " (noreval/noridiom/utils.py process_results)", oracle, qa_pair("no"),
                 hand("en") + [("Gå over bekken!", ["gå over bekken"]), (" x ", ["x"]), ("a  b", ["a b"])])


# ------------------------------------------------------------------------------------------------ french_bench


def _lm_eval_metric_call(fn, gold, result):
    """How lm_eval's ConfigurableTask calls a metric function on one generate_until response (single target)."""
    try:
        return fn(references=[gold], predictions=[result])
    except TypeError:
        return fn([gold, result])


@pytest.mark.parametrize("value", ["exact", "f1", "is_included"])
def test_french_bench(value):
    alias = f"lm_eval:french_bench/{value}"
    m = em.get(alias)
    fn = getattr(task_module("french_bench/utils.py"), value)

    def pairs():
        return qa_pair("fr", max_refs=1).map(lambda x: (x[0], x[1][0]))

    fr_hand = [(p, r[0]) for p, r in hand("en")] + [("l'homme", "homme"), ("Le Louvre", "louvre"), ("Paris", "par"),
                                                     ("", ""), ("abc", ""), ("Impossible", "Impossible")]
    check(alias, LM + f" (french_bench/utils.py {value})", lambda x: m.score(x[0], x[1]),
          lambda x: _lm_eval_metric_call(fn, x[1], x[0]), pairs(), hand=fr_hand, n=N)


# ------------------------------------------------------------------------------------------------ longbench

LONGBENCH_HOOKS = {
    "qa_f1_score": "get_qa_f1_with_score",
    "count_score": "get_count_with_score",
    "retrieval_score": "get_retrieval_with_score",
    "retrieval_zh_score": "get_retrieval_zh_with_score",
    "qa_f1_zh_score": "get_qa_f1_zh_with_score",
    "rouge_score": "get_rouge_with_score",
    "rouge_zh_score": "get_rouge_zh_with_score",
    "code_sim_score": "get_code_sim_with_score",
}
CODE_LINES = ["x = foo(1)", "x = foo(2)", "return x", "    return self.x", "```python", "# comment", "// note",
              "int a = b;", "}", "", " ", "\t", "y = `x`", "print('#')", "a // b", "for i in range(10):", "é = 1"]


def _code_pair():
    line = st.sampled_from(CODE_LINES)

    @st.composite
    def build(draw):
        refs = [draw(line) for _ in range(draw(st.integers(1, 2)))]
        lines = [draw(st.one_of(line, st.sampled_from(refs), mutated(draw(st.sampled_from(refs)))))
                 for _ in range(draw(st.integers(0, 5)))]
        return "\n".join(lines) + draw(st.sampled_from(["", "\n", " "])), refs

    return build()
ZH_WORDS = ["北京", "是", "中国", "的", "首都", "。", "，", "上海", "浦东", "新区", "人工智能", "研究", "会议", "在", "举行",
            "“", "”", "《", "》", "！", "？", "ABC", "abc", "3.5", "2024年", "%", "～", "——", "…", " ", "\u3000",
            "\n", ".", "﹏", "鿦"]
EN_SENTENCES = ["The cat sat on the mat", "the cat", "A report on the budget", "It was approved", "Nothing",
                "mat", "The", "3.5 million", "the report. It was approved", "..", " . ", "cat cat cat"]


def _words_pair(words, joiner):
    w = st.sampled_from(words)

    @st.composite
    def build(draw):
        def one():
            return joiner(draw(st.lists(w, min_size=0, max_size=12)), draw)

        refs = [one() for _ in range(draw(st.integers(1, 3)))]
        kind = draw(st.integers(0, 3))
        pred = draw(st.sampled_from(refs)) if kind == 0 else (draw(mutated(draw(st.sampled_from(refs))))
                                                                if kind == 1 else one())
        return pred, refs

    return build()


# ROUGE's sentences are split on "." before whitespace is collapsed: a blank piece between periods is an empty
# sentence (one empty word), and the hook strips the output but not the answers.
SENTENCE_EDGES = [("x. ", ["x. "]), ("x.", ["x. "]), ("北京. 上海", ["北京.  "]), (" . ", [" . "]), ("a.b", ["a. b"]),
                  (". .", ["."]), ("北京。 ", ["北京。"]), ("a .", ["a . "]), ("x", ["x\u3000. "])]


def _zh_join(ws, draw):
    return "".join(ws)


def _en_join(ws, draw):
    return "".join(x + draw(st.sampled_from([". ", ".", " ", "  ", ".\n", "\n"])) for x in ws)


def _numbers_pair(lang: str):
    nums = st.sampled_from(["0", "1", "3", "12", "30", "007", "٣", "३", "３", "3.5", "1,2"])
    words = {"en": ["Paragraph", "paragraph", "There", "are", "passages", "unique", "and", "or"],
             "zh": ["段落", "段", "落", "答案", "是", "，"]}[lang]
    piece = st.one_of(nums, nums, st.sampled_from(words))

    @st.composite
    def build(draw):
        k = draw(st.integers(1, 3))
        if lang == "en":
            refs = [draw(st.sampled_from(["Paragraph ", "Paragraph  ", "xParagraph "])) + draw(nums) +
                    draw(st.sampled_from(["", ".", " Paragraph 4", ": text"])) for _ in range(k)]
        else:
            refs = [draw(st.sampled_from(["段落", "xx段落"])) + draw(nums) + draw(st.sampled_from(["", "。", "段落4"]))
                    for _ in range(k)]
        out = [draw(piece) for _ in range(draw(st.integers(0, 6)))]
        pred = "".join(p + draw(st.sampled_from([" ", "", ", ", "\n"])) for p in out)
        return pred, refs

    return build()


def _count_pair():
    nums = st.sampled_from(["0", "1", "3", "12", "30", "007", "٣", "３", "3.5"])

    @st.composite
    def build(draw):
        refs = [draw(nums) for _ in range(draw(st.integers(1, 2)))]
        out = [draw(st.one_of(nums, st.sampled_from(["There", "are", "unique", "paragraphs", "x"])))
               for _ in range(draw(st.integers(0, 6)))]
        return " ".join(out) + draw(st.sampled_from(["", " ", "\n"])), refs

    return build()


@pytest.mark.parametrize("value", sorted(LONGBENCH_HOOKS))
def test_longbench(value):
    alias = f"lm_eval:longbench/{value}"
    m = em.get(alias)
    fn = getattr(task_module("longbench/metrics.py"), LONGBENCH_HOOKS[value])
    strategy = {"qa_f1_score": qa_pair("en"), "count_score": _count_pair(),
                "retrieval_score": _numbers_pair("en"), "retrieval_zh_score": _numbers_pair("zh"),
                "qa_f1_zh_score": st.one_of(_words_pair(ZH_WORDS, _zh_join), qa_pair("zh")),
                "rouge_score": st.one_of(_words_pair(EN_SENTENCES, _en_join), qa_pair("en")),
                "rouge_zh_score": st.one_of(_words_pair(ZH_WORDS, _zh_join), qa_pair("zh")),
                "code_sim_score": st.one_of(_code_pair(), qa_pair("en"))}[value]

    def oracle(x):
        out = fn({"answers": list(x[1])}, [x[0]])
        if out["score"] != out[value]:
            raise AssertionError(f"score {out['score']!r} != {value} {out[value]!r}")
        return out["score"]

    check(alias, LM + f" (longbench/metrics.py {LONGBENCH_HOOKS[value]})", lambda x: m.score(x[0], x[1]), oracle,
          strategy, hand=(hand("en") + SENTENCE_EDGES) if value in ("qa_f1_score", "rouge_score") else
          (hand("zh") + SENTENCE_EDGES) if value in ("qa_f1_zh_score", "rouge_zh_score") else (), n=N)


COVERED = (
    [f"lm_eval:mlqa_{lang}/{v}" for lang in MLQA for v in ("exact_match", "f1")]
    + [f"lm_eval:tydiqa_goldp_{lang}/{v}" for lang in TYDIQA for v in ("exact_match", "f1")]
    + ["lm_eval:xquad/exact_match", "lm_eval:xquad/f1", "lm_eval:noridiom/em", "lm_eval:noridiom/fscore"]
    + [f"lm_eval:french_bench/{v}" for v in ("exact", "f1", "is_included")]
    + [f"lm_eval:longbench/{v}" for v in sorted(LONGBENCH_HOOKS)]
)


# ------------------------------------------------------------------------------------------------ the reader

READ = [
    (("mlqa", "mlqa_en_de.yaml"), "exact_match", "lm_eval:mlqa_en/exact_match"),
    (("mlqa", "mlqa_zh_ar.yaml"), "f1", "lm_eval:mlqa_zh/f1"),
    (("mlqa", "mlqa_ar_hi.yaml"), "f1", "lm_eval:mlqa_ar/f1"),
    (("tydiqa", "tydiqa_goldp_ar.yaml"), "exact_match", "lm_eval:tydiqa_goldp_ar/exact_match"),
    (("tydiqa", "tydiqa_goldp_ko.yaml"), "f1", "lm_eval:tydiqa_goldp_ko/f1"),
    (("xquad", "xquad_ar.yaml"), "f1", "lm_eval:xquad/f1"),
    (("catalan_bench", "catalanqa.yaml"), "exact_match", "lm_eval:xquad/exact_match"),
    (("noreval", "noridiom", "nno", "noridiom_nno_p0.yaml"), "fscore", "lm_eval:noridiom/fscore"),
    (("french_bench", "french_bench_fquadv2.yaml"), "f1", "lm_eval:french_bench/f1"),
    (("french_bench", "french_bench_trivia.yaml"), "is_included", "lm_eval:french_bench/is_included"),
    (("qasper", "freeform.yaml"), "f1_abstractive", "squad@v1.1:f1"),
    (("longbench", "2wikimqa.yaml"), "score", "lm_eval:longbench/qa_f1_score"),
    (("longbench", "multifieldqa_zh.yaml"), "qa_f1_zh_score", "lm_eval:longbench/qa_f1_zh_score"),
    (("longbench", "gov_report.yaml"), "score", "lm_eval:longbench/rouge_score"),
    (("longbench", "vcsum.yaml"), "score", "lm_eval:longbench/rouge_zh_score"),
    (("longbench", "lcc.yaml"), "score", "lm_eval:longbench/code_sim_score"),
    (("longbench", "passage_count.yaml"), "score", "lm_eval:longbench/count_score"),
    (("longbench", "passage_retrieval_zh.yaml"), "score", "lm_eval:longbench/retrieval_zh_score"),
]


@pytest.mark.parametrize("path, metric, alias", READ)
def test_reader_reads_the_installed_tasks(path, metric, alias):
    """The installed task YAML's row reads back as the alias's ID (the hook or metric function found by its source
    hash; noridiom's hook is referenced as the module lm_eval.tasks.noreval.noridiom.utils)."""
    from evalmetrics.integrations.lm_eval_tasks import read_lm_eval_task

    r = read_lm_eval_task(os.path.join(TASKS, *path)).get(metric)
    m = em.get(alias)
    if path[0] == "french_bench":
        # a metric function receives the rendered doc_to_target, which lm_eval re-reads when it is a list literal
        import dataclasses

        m = dataclasses.replace(m, ref=(em.ListLiteralRender(),) + m.ref)
    want = m.id
    assert r.id == want, r.lines()
    if path[0] != "french_bench":
        assert r.alias is not None and em.get(r.alias).id == want
