"""lm_eval process_results hooks, part A, against the hooks of the installed lm_eval tasks folder.

Each hook is loaded from its file in the installed ``lm_eval/tasks`` folder (its source digest must be the one the
task reader identifies) and called as lm_eval calls it, ``hook(doc, results)``, on documents generated to the task's
schema and outputs mutated from the gold: RULER (``outputs``, ``max_length``), BABILong (``target``), AGIEval
multiple choice (``gold`` indices, ``choices``), CrowS-Pairs (two sentences' log-likelihoods), CIEACOVA
(``parsed_opciones``, ``parsed_respuesta``, difficulty, subtask). evalmetrics scores the same sample with the alias.
RULER's rows also go through the task's own aggregation (``aggregate_metrics``) over a generated run.
"""
from __future__ import annotations

import importlib.util
import os
import sys

import pytest
from hypothesis import strategies as st

pytest.importorskip("lm_eval")

import evalmetrics as em  # noqa: E402
from _diff import LM_EVAL, check, lm_eval_tasks_dir as _tasks_dir, mutated, phrase, text  # noqa: E402
from evalmetrics.integrations.lm_eval_tasks.hooks import KNOWN_HOOKS  # noqa: E402
from evalmetrics.integrations.lm_eval_tasks.loading import FunctionRef  # noqa: E402

LM = LM_EVAL
LENGTHS = (4096, 8192, 16384, 32768, 65536, 131072)

# (module file in lm_eval/tasks, hook name, digest the reader identifies it by)
HOOKS = {
    "ruler": ("ruler/common_utils.py", "process_results", "783c7c9e0d0e2e1b"),
    "ruler_part": ("ruler/common_utils.py", "process_results_part", "c6f947e4c4689b04"),
    "babilong": ("babilong/common_utils.py", "process_results", "61c6d81f7ae9a8ec"),
    "agieval": ("agieval/utils.py", "process_results_mcqa", "447fe7dd5c7fa3fb"),
    "crows_pairs": ("crows_pairs/utils.py", "process_results", "acce6f0a7c4142de"),
    "cieacova": ("catalan_bench/cieacova/utils.py", "process_results", "49e56beaa7510487"),
    "cieacova_word": ("catalan_bench/cieacova/utils.py", "process_results_text_generation", "7a1a05090fa5e8cd"),
    "cooccurrence": ("simple_cooccurrence_bias/utils.py", "process_results", "ca33623a35848853"),
    "norquad": ("noreval/norquad/utils.py", "process_results", "0526e4815c9b5204"),
    "coqa": ("coqa/utils.py", "process_results", "255761430ebee5fe"),
    "coqcat": ("catalan_bench/utils.py", "process_results_coqcat", "03a9d9a745cf88ca"),
    "ib_substring": ("infinitebench/utils.py", "process_results", "e3057433678e4a87"),
    "ib_int": ("infinitebench/utils.py", "process_results_int_match", "b4d57b91b1d4dcc3"),
    "ib_qa_en": ("infinitebench/utils.py", "process_results_qa_en", "4045454340890d91"),
    "ib_qa_chn": ("infinitebench/utils.py", "process_results_qa_chn", "13ec6f4d956256f7"),
}


_MODULES: dict = {}


# Modules a hook imports that the harness environment's packages no longer ship: norquad, coqa and coqcat import
# transformers.data.metrics.squad_metrics, removed in transformers 5; it runs on transformers 4.57.6's file (the one
# the SQuAD v2 oracle loads), put in place only while the hook's module is imported.
_SHIMS = {rel: "transformers.data.metrics.squad_metrics"
          for rel in ("noreval/norquad/utils.py", "coqa/utils.py", "catalan_bench/utils.py")}


def _exec_module(rel: str):
    spec = importlib.util.spec_from_file_location("h3_" + rel.replace("/", "_")[:-3], os.path.join(_tasks_dir(), rel))
    mod = importlib.util.module_from_spec(spec)
    shim = _SHIMS.get(rel)
    if shim is None:
        spec.loader.exec_module(mod)
        return mod
    import types

    import oracles as O

    parent, _, leaf = shim.rpartition(".")
    saved = {k: sys.modules.get(k) for k in (parent, shim)}
    pkg = types.ModuleType(parent)
    pkg.__path__ = []
    setattr(pkg, leaf, O._squad_v2())
    sys.modules[parent], sys.modules[shim] = pkg, O._squad_v2()
    try:
        spec.loader.exec_module(mod)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    return mod


def _hook(key: str):
    rel, name, _ = HOOKS[key]
    if rel not in _MODULES:
        _MODULES[rel] = _exec_module(rel)
    return getattr(_MODULES[rel], name)


@pytest.mark.parametrize("key", sorted(HOOKS))
def test_the_installed_hook_is_the_one_the_reader_identifies(key):
    rel, name, digest = HOOKS[key]
    ref = FunctionRef(f"{os.path.basename(rel)[:-3]}.{name}", os.path.join(_tasks_dir(), os.path.dirname(rel)))
    assert ref.digest() == digest
    where, table = KNOWN_HOOKS[digest]
    assert where == f"{rel}:{name}"
    assert all(em.get(a) is not None for a in table.values() if a)


# ------------------------------------------------------------------------------------------------ text hooks

# Control characters (the hooks turn U+0000-U+001F into newlines), case pairs whose lowercase changes length.
_LC_ATOMS = ["\x00", "\x01", "\x07", "\t", "\n", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\x7f", "\x85", "\u2028",
             " ", "  ", "İ", "i̇", "ΣΑΣ", "σας", "ß", "SS", "Straße", "ǅ", "Ⅻ", "ⅻ", "K", "k", "Å", "å", "ﬁ"]
_needle = st.one_of(phrase(3), st.sampled_from(["", " ", "42", "Paris", "the key is 7", "İ", "ß", "\x1c"]),
                    st.text(max_size=6))


@st.composite
def _noisy(draw, base):
    s = draw(mutated(base))
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(s)))
        s = s[:i] + draw(st.sampled_from(_LC_ATOMS)) + s[i:]
    if draw(st.integers(0, 3)) == 0:
        s = draw(st.sampled_from(["", " ", "\n", "\x00"])) + s + draw(st.sampled_from(["", " ", "\x01", "\n\x1f"]))
    return s


@st.composite
def ruler_case(draw):
    """(doc, output): a RULER document (``outputs``: the needles, ``max_length``) and a model output."""
    outputs = draw(st.lists(_needle, min_size=0 if draw(st.integers(0, 30)) == 0 else 1, max_size=5))
    doc = {"outputs": outputs, "max_length": draw(st.sampled_from(LENGTHS)), "index": 0, "input": "..."}
    kind = draw(st.integers(0, 4))
    if kind == 0 or not outputs:
        out = draw(text)
    else:
        found = [o for o in outputs if draw(st.booleans())]
        glue = draw(st.sampled_from([" ", ", ", "\n", "", " and "]))
        out = glue.join(draw(_noisy(o)) if kind >= 3 else o for o in found)
        if draw(st.booleans()):
            out = draw(phrase(3)) + draw(st.sampled_from([": ", " ", "\x02"])) + out
    return doc, out


RULER_HAND = [
    ({"outputs": ["7"], "max_length": 4096}, "The special magic number is 7."),
    ({"outputs": ["a", "B"], "max_length": 8192}, "  b \x00 A  "),
    ({"outputs": ["x\ny"], "max_length": 4096}, "x\x01y"),
    ({"outputs": ["x\ny"], "max_length": 4096}, "x\ty"),
    ({"outputs": ["İ"], "max_length": 4096}, "İ"),
    ({"outputs": ["i̇"], "max_length": 4096}, "İ"),
    ({"outputs": [], "max_length": 4096}, "anything"),
    ({"outputs": [""], "max_length": 131072}, ""),
    ({"outputs": ["a", "a", "b"], "max_length": 16384}, "A"),
    ({"outputs": [" a"], "max_length": 4096}, " a"),
]


@pytest.mark.parametrize("alias,key", [("lm_eval:ruler/string_match_all", "ruler"),
                                       ("lm_eval:ruler/string_match_part", "ruler_part")])
def test_ruler(alias, key):
    hook, m = _hook(key), em.get(alias)
    check(alias, LM, lambda x: m.score(x[1], x[0]["outputs"]),
          lambda x: hook(x[0], [x[1]])[str(x[0]["max_length"])], ruler_case(), RULER_HAND)


@st.composite
def ruler_run(draw):
    return draw(st.lists(ruler_case(), min_size=1, max_size=12).filter(lambda xs: all(d["outputs"] for d, _ in xs)))


def test_ruler_rows_through_the_task_aggregation():
    """Each length row: lm_eval's hook then aggregate_metrics over a run == the alias's mean over that length's docs
    (-1 when the run has none)."""
    hook, agg, m = _hook("ruler"), _MODULES["ruler/common_utils.py"].aggregate_metrics, em.get(
        "lm_eval:ruler/string_match_all")
    for length in LENGTHS:
        def ours(run, length=length):
            mine = [(out, d["outputs"]) for d, out in run if d["max_length"] == length]
            if not mine:
                return -1
            return m.compute([p for p, _ in mine], [r for _, r in mine]).score

        def oracle(run, length=length):
            reported = [hook(d, [out]) for d, out in run]
            return agg([r[str(length)] for r in reported if str(length) in r])

        check("lm_eval:ruler/string_match_all", LM, ours, oracle, ruler_run(), n=max(1, 300 // len(LENGTHS)))


@st.composite
def babilong_case(draw):
    target = draw(st.one_of(st.sampled_from(["kitchen", "garden", "hallway", "yes", "no", "apple,football",
                                             " bathroom ", "\x00office\n", "İstanbul", "STRASSE", ""]), text))
    doc = {"target": target, "question": "Where is Mary?", "input": "..."}
    if draw(st.integers(0, 20)) == 0:
        del doc["target"]  # the hook reads doc.get("target", "")
    out = draw(st.one_of(st.just(target), _noisy(target), text,
                         st.builds(lambda a, b: a + b, st.sampled_from(["The answer is ", "Mary is in the ", ""]),
                                   _noisy(target))))
    return doc, out


BABILONG_HAND = [({"target": "kitchen"}, "In the Kitchen."), ({"target": " kitchen "}, "kitchen"),
                 ({}, "x"), ({"target": ""}, ""), ({"target": "a\nb"}, "a\x00b"), ({"target": "i̇"}, "İ"),
                 ({"target": "\x00a"}, "a"), ({"target": "ß"}, "SS")]


def test_babilong():
    hook, m = _hook("babilong"), em.get("lm_eval:babilong/acc")
    check("lm_eval:babilong/acc", LM, lambda x: m.score(x[1], x[0].get("target", "")),
          lambda x: hook(x[0], [x[1]])["acc"], babilong_case(), BABILONG_HAND)


@st.composite
def norquad_case(draw):
    """(doc, output): a NorQuAD document (``answers.text``, the first is read) and an output."""
    answers = draw(st.lists(st.one_of(text, st.sampled_from(["Oslo", "i 1814", "Det norske Arbeiderparti", "the",
                                                                   "", " ", "a.", "Ålesund", "17. mai"])),
                            min_size=1, max_size=3))
    out = draw(st.one_of(st.just(answers[0]), mutated(answers[0]), text, st.sampled_from(answers)))
    return {"answers": {"text": answers, "answer_start": [0] * len(answers)}, "question": "..."}, out


@pytest.mark.parametrize("alias,value", [("lm_eval:norquad/exact_match", "exact_match"),
                                         ("lm_eval:norquad/f1", "f1")])
def test_norquad(alias, value):
    hook, m = _hook("norquad"), em.get(alias)
    hand = [({"answers": {"text": t}}, o) for t, o in (
        (["Oslo"], "oslo."), (["the"], ""), ([""], ""), (["a b"], "b a"), (["Oslo", "Bergen"], "Bergen"))]
    check(alias, LM, lambda x: m.score(x[1], x[0]["answers"]["text"][0]),
          lambda x: hook(x[0], [x[1]])[value], norquad_case(), hand)


_COQA_ANSWER = st.one_of(st.sampled_from(["white", "White", "a white cat", "the cat", "Yes", "yes", "no", "unknown",
                                          "three", "3", "in the barn.", "", " ", "Cotton", "the", "an"]), phrase(3))


@st.composite
def coqa_case(draw):
    """(doc, output): a CoQA document at turn t (questions, answers and up to 3 additional answer lists)."""
    t = draw(st.integers(1, 3))
    answers = draw(st.lists(_COQA_ANSWER, min_size=t, max_size=t))
    doc = {"story": "...", "questions": {"input_text": ["q?"] * t}, "answers": {"input_text": answers}}
    if draw(st.integers(0, 4)):
        doc["additional_answers"] = {str(k): {"input_text": draw(st.lists(_COQA_ANSWER, min_size=t, max_size=t))}
                                     for k in range(draw(st.integers(0, 3)))}
    pool = [answers[-1]] + [a["input_text"][-1] for a in doc.get("additional_answers", {}).values()]
    base = draw(st.sampled_from(pool))
    out = draw(st.one_of(st.just(base), mutated(base), text,
                         st.builds(lambda a, b: a + "\n" + b, st.just(base), phrase(2)),
                         st.builds(lambda a: "\n" + a, st.just(base))))
    return doc, out


def _coqa_refs(doc):
    return _MODULES["coqa/utils.py"].doc_to_target(doc)  # the answers as lm_eval's doc_to_target lists them


@pytest.mark.parametrize("alias,value", [("lm_eval:coqa/em", "em"), ("lm_eval:coqa/f1", "f1")])
@pytest.mark.parametrize("key", ["coqa", "coqcat"])
def test_coqa(alias, value, key):
    hook, m = _hook(key), em.get(alias)
    _hook("coqa")

    def as_task(doc):  # coqcat's documents hold the questions as a list
        return doc if key == "coqa" else {**doc, "questions": doc["questions"]["input_text"]}

    hand = [({"questions": {"input_text": ["q"]}, "answers": {"input_text": [a]},
              "additional_answers": {"0": {"input_text": [b]}, "1": {"input_text": [c]}}}, o)
            for a, b, c, o in (("white", "White", "a white cat", "White."), ("red", "blue", "red", "red\nblue"),
                               ("", "the", "an", ""), ("x", "y", "z", "\nx"))]
    check(alias, LM, lambda x: m.score(x[1], _coqa_refs(x[0])), lambda x: hook(as_task(x[0]), [x[1]])[value],
          coqa_case(), hand)


_IB_ANSWER = st.one_of(st.sampled_from(["72431", " 0098 ", "Alice", "the red door", "a", "İ", "ß", "x\x01y", "12.5",
                                        "٣", "１２"]), phrase(3), st.text(max_size=6))


@st.composite
def infinitebench_case(draw, digits=False):
    answers = draw(st.lists(_IB_ANSWER, min_size=1, max_size=3))
    base = draw(st.sampled_from(answers))
    kind = draw(st.integers(0, 4))
    if kind == 0:
        out = draw(text)
    elif kind == 1 and digits:
        out = draw(st.sampled_from(["The pass key is ", "", "number: ", "٣ then "])) + base.strip() + draw(
            st.sampled_from(["", ".", " and 42", "x7", "\n3"]))
    else:
        out = draw(_noisy(base))
    return {"answer": answers, "input": "...", "context": "..."}, out


IB_HAND = [({"answer": ["72431"]}, "The pass key is 72431."), ({"answer": ["72431"]}, "٣72431"),
           ({"answer": [" 007 "]}, "007"), ({"answer": ["7"]}, "007"), ({"answer": ["x y"]}, "X\x01Y"),
           ({"answer": ["ß"]}, "SS"), ({"answer": [""]}, ""), ({"answer": ["The cat"]}, "a cat, the dog")]


@pytest.mark.parametrize("alias,key", [("lm_eval:infinitebench/substring_match", "ib_substring"),
                                       ("lm_eval:infinitebench/int_match", "ib_int"),
                                       ("lm_eval:infinitebench/qa_f1", "ib_qa_en")])
def test_infinitebench(alias, key):
    hook, m = _hook(key), em.get(alias)
    check(alias, LM, lambda x: m.score(x[1], x[0]["answer"]), lambda x: hook(x[0], [x[1]])["score"],
          infinitebench_case(digits=key == "ib_int"), IB_HAND)


_ZH_ATOMS = ["北京", "首都", "是", "中国", "的", "李白", "（诗人）", "。", "，", "！", "“", "”", "《红楼梦》", "…", "—", "‘", "’",
             "ＡＢＣ", "abc", "ABC", "İ", "ß", " ", "\u3000", "\n", "\x01", "\x1f", "1", "２０２４", "'", '"', "‛", "﹏", "-"]
_zh_text = st.lists(st.sampled_from(_ZH_ATOMS), max_size=8).map("".join)


@st.composite
def infinitebench_zh_case(draw):
    answers = draw(st.lists(st.one_of(_zh_text, st.text(max_size=4)), min_size=1, max_size=3))
    base = draw(st.sampled_from(answers))
    out = draw(st.one_of(st.just(base), _noisy(base), _zh_text,
                         st.builds(lambda a, b, c: a + b + c, _zh_text, st.just(base), _zh_text)))
    return {"answer": answers, "input": "...", "context": "..."}, out


def test_infinitebench_qa_chn():
    hook, m = _hook("ib_qa_chn"), em.get("lm_eval:infinitebench/qa_f1_zh")
    hand = [({"answer": ["北京"]}, "北京，是 首都!"), ({"answer": ["北京"]}, "\x01"), ({"answer": ["。"]}, "。"),
            ({"answer": ["ＡＢＣ"]}, "ａｂｃ"), ({"answer": ["İ"]}, "i̇"), ({"answer": ["a b"]}, "ab")]
    check("lm_eval:infinitebench/qa_f1_zh", LM, lambda x: m.score(x[1], x[0]["answer"]),
          lambda x: hook(x[0], [x[1]])["score"], infinitebench_zh_case(), hand)


# ------------------------------------------------------------------------------------------------ log-likelihood hooks

_LL = st.one_of(
    st.floats(min_value=-60.0, max_value=0.0, allow_nan=False),
    st.sampled_from([0.0, -0.0, -1.0, -2.0, -2.5, -5.0, -1e-300, -745.0, -1e6, -float("inf")]),
    st.floats(min_value=-1e4, max_value=0.0, allow_nan=False),
)
_CHOICE = st.one_of(st.sampled_from(["", " ", "A", "(A) 12", "(B) 3.5", "Paris", "日本", "é", "e\u0301", "💡",
                                     "Sí", "la casa"]), phrase(4))


@st.composite
def mc_case(draw, max_choices=6):
    n = draw(st.integers(1, max_choices))
    lls = draw(st.lists(_LL, min_size=n, max_size=n))
    if draw(st.integers(0, 3)) == 0:  # ties
        lls = [draw(st.sampled_from(lls)) for _ in range(n)]
    texts = draw(st.lists(_CHOICE, min_size=n, max_size=n))
    gold = sorted(set(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=min(n, 3)))))
    return lls, gold, texts


MC_HAND = [
    ([-1.0, -2.0], [0], ["a", "bb"]), ([-2.0, -4.0], [1], ["a", "bbb"]), ([-1.0, -1.0], [1], ["a", "a"]),
    ([-1.0, -3.0, -0.5], [0, 2], ["", "x", "y"]), ([-0.0, -1.0], [1], ["", "x"]), ([0.0, 0.0], [1], ["", ""]),
    ([-float("inf"), -float("inf")], [1], ["a", "b"]), ([-5.0], [0], [""]), ([-3.0, -4.0], [1], ["abc", "abcd"]),
]


@pytest.mark.parametrize("alias,value", [("lm_eval:agieval/acc", "acc"), ("lm_eval:agieval/acc_norm", "acc_norm")])
def test_agieval_mcqa(alias, value):
    hook, m = _hook("agieval"), em.get(alias)

    def ours(x):
        lls, gold, texts = x
        return m.score(em.Choices(logprobs=lls, gold=gold, texts=texts))

    def oracle(x):
        lls, gold, texts = x
        doc = {"query": "Q: ...", "choices": texts, "gold": gold}
        return hook(doc, [(ll, False) for ll in lls])[value]

    check(alias, LM, ours, oracle, mc_case(), MC_HAND)


@st.composite
def pair_case(draw):
    a = draw(_LL)
    b = draw(st.one_of(_LL, st.just(a), st.just(-a if a else a)))
    return a, b


PAIR_HAND = [(-1.0, -2.0), (-2.0, -1.0), (-1.0, -1.0), (-0.0, 0.0), (-float("inf"), -1.0), (-1.0, -float("inf")),
             (-float("inf"), -float("inf")), (-1e-300, -2e-300), (-1e308, 1e308)]


@pytest.mark.parametrize("alias,value", [("lm_eval:crows_pairs/pct_stereotype", "pct_stereotype"),
                                         ("lm_eval:crows_pairs/likelihood_diff", "likelihood_diff")])
def test_crows_pairs(alias, value):
    hook, m = _hook("crows_pairs"), em.get(alias)
    doc = {"sent_more": "He couldn't figure out the issue.", "sent_less": "She couldn't figure out the issue.",
           "stereo_antistereo": "stereo", "bias_type": "gender"}

    check(alias, LM, lambda x: m.score(em.Choices(logprobs=list(x), gold=0)),
          lambda x: hook(doc, [(x[0], False), (x[1], True)])[value], pair_case(), PAIR_HAND)


# Log-probabilities a model gives one word: above about -745 a probability does not underflow. Below that, on both
# words of a group, the hook crashes computing likelihood_diff before it reports anything (checked in the
# likelihood_diff test, where evalmetrics raises too); pct_male_preferred is compared where the hook reports.
_WORD_LL = st.one_of(st.floats(min_value=-60.0, max_value=0.0), st.floats(min_value=-700.0, max_value=0.0),
                     st.sampled_from([0.0, -0.0, -1.0, -2.0, -2.5, -1e-300, -700.0]))


@st.composite
def four_words_case(draw, ll=_LL):
    lls = draw(st.lists(ll, min_size=4, max_size=4))
    if draw(st.integers(0, 3)) == 0:  # ties
        lls = [draw(st.sampled_from(lls)) for _ in range(4)]
    return lls


FOUR_HAND = [[-1.0, -1.0, -1.0, -1.0], [-1.0, -2.0, -0.5, -3.0], [-800.0, -900.0, -1.0, -2.0],
             [-1.0, -2.0, -800.0, -900.0], [-float("inf")] * 4, [0.0, 0.0, -0.0, -0.0], [-745.0, -745.5, -746.0, -1.0]]


@pytest.mark.parametrize("alias,value,gold", [
    ("lm_eval:simple_cooccurrence_bias/likelihood_diff", "likelihood_diff", [0, 1]),
    ("lm_eval:simple_cooccurrence_bias/pct_male_preferred", "pct_male_preferred", [2, 3])])
def test_simple_cooccurrence_bias(alias, value, gold):
    hook, m = _hook("cooccurrence"), em.get(alias)
    doc = {"sentence": "The nurse said that"}
    check(alias, LM, lambda x: m.score(em.Choices(logprobs=x, gold=gold)),
          lambda x: hook(doc, [(ll, False) for ll in x])[value],
          four_words_case() if value == "likelihood_diff" else four_words_case(_WORD_LL),
          FOUR_HAND if value == "likelihood_diff" else FOUR_HAND[:2] + FOUR_HAND[5:])


_DIFFICULTIES = ["B1", "B2", "C1", "C2", "Desconocida"]
_SUBTASKS = ["text", "frase", "oracions", "definició"]


@st.composite
def cieacova_case(draw):
    lls, gold, texts = draw(mc_case(max_choices=5))
    doc = {"parsed_opciones": texts, "parsed_respuesta": gold, "Subtarea": draw(st.sampled_from(_SUBTASKS)),
           "Pregunta": "...", "Instrucción": "..."}
    difficulty = draw(st.sampled_from(_DIFFICULTIES + [None]))
    if difficulty is not None:
        doc["Metadata"] = {"Dificultad": difficulty}
    row = draw(st.sampled_from(["", "difficulty", "subtask"]))
    return lls, doc, row


def _cieacova_key(value: str, doc: dict, row: str) -> str:
    if row == "difficulty":
        return f"{value}_{doc.get('Metadata', {}).get('Dificultad', 'Desconocida')}"
    if row == "subtask":
        return f"{value}_{doc['Subtarea']}"
    return value


@pytest.mark.parametrize("alias,value", [("lm_eval:cieacova/acc", "acc"), ("lm_eval:cieacova/acc_norm", "acc_norm")])
def test_cieacova(alias, value):
    hook, m = _hook("cieacova"), em.get(alias)

    def ours(x):
        lls, doc, _ = x
        return m.score(em.Choices(logprobs=lls, gold=doc["parsed_respuesta"], texts=doc["parsed_opciones"]))

    def oracle(x):
        lls, doc, row = x
        return hook(doc, [(ll, False) for ll in lls])[_cieacova_key(value, doc, row)]

    hand = [(lls, {"parsed_opciones": t, "parsed_respuesta": g, "Subtarea": "text"}, "") for lls, g, t in MC_HAND]
    check(alias, LM, ours, oracle, cieacova_case(), hand)


_CA_WORD = st.one_of(st.sampled_from(["casa", "l'home", "bon dia", "bon-dia", "ÀVIA", "col·lecció", "què?", "ΣΑΣ",
                                        "İ", "ß", "1.000", "¡hola!", "a/b", "n'hi ha", "", " ", "e\u0301", "ﬁ"]),
                     phrase(2), st.text(max_size=5))


@st.composite
def cieacova_word_case(draw):
    answers = draw(st.lists(_CA_WORD, min_size=1, max_size=3))
    base = draw(st.sampled_from(answers))
    out = draw(st.one_of(st.just(base), st.just(base.upper()), st.just(base.title()), mutated(base), _noisy(base), text,
                         st.builds(lambda a, b: a + b, st.sampled_from(["", " ", "'", "-", "·", "Resposta: "]),
                                   st.just(base))))
    doc = {"parsed_respuesta": answers, "Subtarea": draw(st.sampled_from(_SUBTASKS)), "Pregunta": "..."}
    difficulty = draw(st.sampled_from(_DIFFICULTIES + [None]))
    if difficulty is not None:
        doc["Metadata"] = {"Dificultad": difficulty}
    return doc, out, draw(st.sampled_from(["", "difficulty", "subtask"]))


def test_cieacova_word():
    hook, m = _hook("cieacova_word"), em.get("lm_eval:cieacova/exact_match")
    hand = [({"parsed_respuesta": r, "Subtarea": "text"}, o, "") for r, o in (
        (["l'home"], "L'home"), (["l'home"], "l home"), (["bon dia"], "Bon-dia!"), (["σας"], "ΣΑΣ"),
        (["i̇"], "İ"), ([""], ""), ([""], "..."), (["a-b", "c'd"], "a'b"), (["x"], " X\n"))]
    check("lm_eval:cieacova/exact_match", LM, lambda x: m.score(x[1], x[0]["parsed_respuesta"]),
          lambda x: hook(x[0], [x[1]])[_cieacova_key("exact_match", x[0], x[2])], cieacova_word_case(), hand)


COVERED = ["lm_eval:ruler/string_match_all", "lm_eval:ruler/string_match_part", "lm_eval:babilong/acc",
           "lm_eval:agieval/acc", "lm_eval:agieval/acc_norm", "lm_eval:crows_pairs/pct_stereotype",
           "lm_eval:crows_pairs/likelihood_diff", "lm_eval:cieacova/acc", "lm_eval:cieacova/acc_norm",
           "lm_eval:norquad/exact_match", "lm_eval:norquad/f1", "lm_eval:infinitebench/substring_match",
           "lm_eval:infinitebench/int_match", "lm_eval:infinitebench/qa_f1", "lm_eval:cieacova/exact_match",
           "lm_eval:infinitebench/qa_f1_zh", "lm_eval:coqa/em", "lm_eval:coqa/f1",
           "lm_eval:simple_cooccurrence_bias/likelihood_diff", "lm_eval:simple_cooccurrence_bias/pct_male_preferred"]
