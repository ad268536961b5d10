"""Every string alias against the real package: lm_eval, lighteval, HELM, SQuAD (see conftest for the record)."""
from __future__ import annotations

import functools
import os

import pytest
from hypothesis import strategies as st

pytest.importorskip("lm_eval")
pytest.importorskip("lighteval")
pytest.importorskip("helm")

import evalmetrics as em  # noqa: E402
import oracles as O  # noqa: E402
from _diff import ATOMS, check, multi, mutated, pair, phrase, sep, text  # noqa: E402

LM = "lm-eval==0.4.13"
LE = "lighteval==0.13.0"
HELM = "crfm-helm==0.5.16"

# ---------------------------------------------------------------------------------------------- hand-picked

HARD = [
    (" Paris", "Paris"), ("paris", "Paris"), ("Paris.", "Paris"), ("Eiffel Tower", "the Eiffel Tower"),
    ("1.0", "1"), ("well known", "well-known"), ("Yes, Elmendorf", "Yes"), ("1.5", "15"), ("01", "1"),
    ("1e3", "1000"), ("", ""), (" ", ""), ("", " "), ("a\x00", "a"), ("a ", "a"), ("İ", "i"), ("İx", "ix"),
    ("“Paris”", "Paris"), ("The answer is 1,072.", "1072"), ("$1,072.00", "1072"), ("theory", "the ory"),
    ("-5", "5"), ("nan", "NaN"), ("inf", "infinity"), ("١٢", "12"), ("1_000", "1000"), ("THE cat", "cat"),
    ("<think>4</think>5", "5"), ("<think>4", "4"), ("x" * 3000, "x" * 3000), ("Москва", "москва"),
    ("日本。", "日本"), ("well\u00a0known", "well known"), ("a\u200bb", "ab"), ("1 000", "1000"),
]
HARD_MULTI = [(p, [r]) for p, r in HARD] + [
    ("Paris", ["paris", "City of Light"]), ("", [""]), ("x", ["", "x"]), ("İ", ["i", "İİİİ"]),
    ("the cat", ["a cat", "the dog"]), (" ", [" ", ""]), ("İ", ["İ", "xx"]), ("İx", ["İx", "abcdef"]),
]


# ---------------------------------------------------------------------------------------------- lm_eval

LM_EM_CONFIGS = [
    {},
    {"ignore_case": True},
    {"ignore_punctuation": True},
    {"ignore_numbers": True},
    {"ignore_case": True, "ignore_punctuation": True},
    {"ignore_case": True, "ignore_punctuation": True, "ignore_numbers": True},
    {"regexes_to_ignore": []},
    {"regexes_to_ignore": [",", "\\$", "(?s).*#### ", "\\.$"], "ignore_case": True},
    {"regexes_to_ignore": ["\\b(?:The |the |An |A |The |a |an )"], "ignore_case": True, "ignore_punctuation": True},
    {"regexes_to_ignore": ["\\s+", "\x00"]},
    {"regexes_to_ignore": ["x*"], "ignore_case": True},
]


@pytest.mark.parametrize("alias", ["lm_eval:exact_match", "hf_evaluate:exact_match"])
def test_lm_eval_exact_match(alias):
    def ours(x):
        (p, r), cfg = x
        return em.get(alias, **cfg).score(p, r)

    def oracle(x):
        (p, r), cfg = x
        return O.lm_eval_exact_match(p, r, **cfg)

    hand = [((p, r), cfg) for p, r in HARD for cfg in LM_EM_CONFIGS]
    check(alias, LM, ours, oracle, st.tuples(pair(), st.sampled_from(LM_EM_CONFIGS)), hand)


# Task pipelines run through the real task (its YAML, filters and process_results), reused across inputs.


class Task:
    """A real lm_eval ConfigurableTask built once; ``score(raw_doc, generation)`` runs filters + process_results."""

    def __init__(self, name, seed_doc):
        import datasets
        from lm_eval.api.task import ConfigurableTask

        cfg = dict(O._lm_task_config(name))
        splits = {cfg.get(k) for k in ("training_split", "validation_split", "test_split", "fewshot_split")} - {None}
        cfg["custom_dataset"] = lambda **_: datasets.DatasetDict({s: datasets.Dataset.from_list([seed_doc]) for s in splits})
        cfg.pop("dataset_path", None)
        cfg.pop("dataset_name", None)
        datasets.disable_progress_bars()
        self.t = ConfigurableTask(config=cfg)
        self.name = name

    def score(self, doc, generation, pipeline=None):
        """Run the task's filter pipelines (only ``pipeline`` if given: another pipeline's filter may raise)."""
        from lm_eval.api.instance import Instance

        resps = [generation] if isinstance(generation, str) else list(generation)
        inst = Instance(request_type=self.t.OUTPUT_TYPE, doc=doc, arguments=("", {}), idx=0,
                        metadata=(self.name, 0, len(resps)))
        inst.resps = resps
        for f in self.t._filters:
            if pipeline is None or f.name == pipeline:
                f.apply([inst])
        return {k: {m: float(v) for m, v in self.t.process_results(doc, [r]).items()}
                for k, r in inst.filtered_resps.items()}


@functools.cache
def task(name):
    seeds = {
        "triviaqa": {"question": "q", "answer": {"aliases": ["a", "b"], "normalized_aliases": ["a"]}},
        "nq_open": {"question": "q", "answer": ["a", "b"]},
    }
    return Task(name, seeds.get(name, {"question": "q", "answer": "r\n#### 1"}))


NUMBER = st.sampled_from(["72", "1,072", "1072", "-5", "3.5", "1,000,000", "0", "18", "$5", "10.", "007"])


@st.composite
def gsm8k_pair(draw):
    n = draw(NUMBER)
    gold = draw(phrase(5)) + "\n#### " + n
    end = draw(st.sampled_from([
        f"#### {n}", f"The answer is {n}.", f"The answer is {n}", f"The final answer is {n}.",
        f"The final answer is ${n}", f"so {n}", f"#### {draw(NUMBER)}", "", f"{n}.\n\nQuestion:", f"{n}",
    ]))
    pred = draw(st.sampled_from(["", draw(phrase(4)) + draw(sep)])) + end + draw(st.sampled_from(["", "\n", " ok", "."]))
    if draw(st.integers(0, 5)) == 0:
        pred = draw(text)
    if draw(st.integers(0, 7)) == 0:
        gold = draw(text)
    return pred, gold


GSM8K = [
    ("lm_eval:gsm8k/strict-match", "gsm8k", "strict-match"),
    ("lm_eval:gsm8k/flexible-extract", "gsm8k", "flexible-extract"),
    ("lm_eval:gsm8k-cot/strict-match", "gsm8k_cot", "strict-match"),
    ("lm_eval:gsm8k-cot/flexible-extract", "gsm8k_cot", "flexible-extract"),
    ("lm_eval:gsm8k-cot-llama/strict-match", "gsm8k_cot_llama", "strict-match"),
    ("lm_eval:gsm8k-cot-llama/flexible-extract", "gsm8k_cot_llama", "flexible-extract"),
]


@pytest.mark.parametrize("alias,task_name,pipeline", GSM8K, ids=[g[0] for g in GSM8K])
def test_lm_eval_gsm8k_pipelines(alias, task_name, pipeline):
    m = em.get(alias)

    def ours(x):
        return m.score(x[0], x[1])

    def oracle(x):
        return task(task_name).score({"question": "q", "answer": x[1]}, x[0])[pipeline]["exact_match"]

    hand = [(p, r) for p, r in HARD] + [("#### 1,072", "x\n#### 1072"), ("The answer is 1072", "x\n#### 1072"),
                                          ("The answer is 1072.", "x\n#### 1072"), ("$1,072.00", "#### 1072"),
                                          ("[1, 2]", "[1,2]"), ("[]", "[]"), ("x", "[{[]: 1}]"), ("[1]", "[1][0]"),
                                          ("[1, 2]", "#### [1,2]"), ("['a']", "[\"a\"]")]
    check(alias, LM, ours, oracle, st.one_of(gsm8k_pair(), pair()), hand)


@pytest.mark.parametrize("alias,task_name", [("lm_eval:triviaqa", "triviaqa"), ("lm_eval:nq_open", "nq_open")])
def test_lm_eval_multi_target_tasks(alias, task_name):
    m = em.get(alias)

    def doc(refs):
        if task_name == "triviaqa":
            return {"question": "q", "answer": {"aliases": list(refs), "normalized_aliases": list(refs)}}
        return {"question": "q", "answer": list(refs)}

    def ours(x):
        return m.score(x[0], x[1])

    def oracle(x):
        return task(task_name).score(doc(x[1]), x[0])["remove_whitespace"]["exact_match"]

    check(alias, LM, ours, oracle, multi(), HARD_MULTI)


@st.composite
def drop_case(draw):
    def answer():
        k = draw(st.integers(1, 3)) if draw(st.integers(0, 3)) == 0 else 1
        return [draw(text) for _ in range(k)]

    golds = [answer() for _ in range(draw(st.integers(1, 3)))]
    base = draw(st.sampled_from(golds))[0]
    pred = draw(st.one_of(st.just(base), mutated(base), text))
    return pred, golds


@pytest.mark.parametrize("alias,value", [("lm_eval:drop/em", "em"), ("lm_eval:drop/f1", "f1")])
def test_lm_eval_drop(alias, value):
    m = em.get(alias)
    hand = [(p, [[r]]) for p, r in HARD] + [("1.5 yards", [["1.5"], ["yards"]]), ("-5", [["5"]]),
                                            ("0.975", [["0.975 x", "y"]]), ("", [[""]]), ("a", [[" "], ["a"]])]
    check(alias, LM, lambda x: m.score(x[0], x[1]), lambda x: O.lm_eval_drop(x[0], x[1])[value], drop_case(), hand)


@pytest.mark.parametrize("alias,value", [("lm_eval:squadv2/exact", 0), ("lm_eval:squadv2/f1", 1),
                                         ("squad@v2:exact_match", 0), ("squad@v2:f1", 1)])
def test_squad_v2(alias, value):
    m = em.get(alias)
    check(alias, "SQuAD v2.0 official functions (transformers 4.57.6 squad_metrics)",
          lambda x: m.score(x[0], x[1]), lambda x: O.squad_v2_raw_scores(x[1], x[0])[value], multi(), HARD_MULTI)


@pytest.mark.parametrize("alias,fn", [("squad@v1.1:exact_match", "exact"), ("squad@v1.1:f1", "f1")])
def test_squad_v1(alias, fn):
    m = em.get(alias)
    one = O.squad_v1_exact if fn == "exact" else O.squad_v1_f1

    def oracle(x):
        return max(one(g, x[0]) for g in x[1])  # metric_max_over_ground_truths

    check(alias, "SQuAD v1.1 official normalize_answer/f1 (lm-eval qasper copy)",
          lambda x: m.score(x[0], x[1]), oracle, multi(), HARD_MULTI)


# ---------------------------------------------------------------------------------------------- lighteval

LE_EM_CONFIGS = [
    {},
    {"normalize_gold": "helm_normalizer", "normalize_pred": "helm_normalizer"},
    {"type_exact_match": "prefix"},
    {"type_exact_match": "suffix", "strip_strings": False},
    {"strip_strings": False},
    {"normalize_pred": "harness_triviaqa_normalizer"},
    {"normalize_gold": "gsm8k_normalizer", "normalize_pred": "gsm8k_normalizer"},
    {"normalize_gold": "remove_braces", "normalize_pred": "remove_braces_and_strip"},
    {"normalize_gold": "bigbench_normalizer", "normalize_pred": "bigbench_normalizer"},
]


def _think(pred):
    from lighteval.utils.utils import remove_reasoning_tags

    return remove_reasoning_tags(pred, [("<think>", "</think>")])


def _only(d):
    (v,) = d.values()
    return v


@pytest.mark.parametrize("alias,member,configs", [
    ("lighteval@0.13:exact_match", "exact_match", LE_EM_CONFIGS),
    ("lighteval@0.13:f1_score", "f1_score", [{}, {"normalize_gold": "helm_normalizer", "normalize_pred": "helm_normalizer"},
                                              {"normalize_pred": "harness_triviaqa_normalizer"}]),
])
def test_lighteval_013(alias, member, configs):
    def ours(x):
        (p, refs), cfg = x
        return em.get(alias, **cfg).score(p, refs)

    def oracle(x):
        (p, refs), cfg = x
        # lighteval's pipeline removes reasoning tags before metrics (remove_reasoning_tags=True by default).
        return _only(O.lighteval_metric(member, refs, [p], sample_params=cfg or None, text_post_processed=[_think(p)]))

    hand = [((p, r), cfg) for p, r in HARD_MULTI for cfg in configs]
    check(alias, LE, ours, oracle, st.tuples(multi(), st.sampled_from(configs)), hand)


LE_010 = {
    "lighteval@0.10:exact_match": ("exact_match", {"strip_strings": True}),
    "lighteval@0.10:quasi_exact_match": ("exact_match", {"normalize_gold": "helm_normalizer",
                                                         "normalize_pred": "helm_normalizer", "strip_strings": True}),
    "lighteval@0.10:prefix_exact_match": ("exact_match", {"strip_strings": True, "type_exact_match": "prefix"}),
    "lighteval@0.10:prefix_quasi_exact_match": ("exact_match", {"normalize_gold": "helm_normalizer",
                                                                "normalize_pred": "helm_normalizer",
                                                                "strip_strings": False, "type_exact_match": "prefix"}),
    "lighteval@0.10:perfect_exact_match": ("exact_match", {"strip_strings": False}),
    "lighteval@0.10:quasi_exact_match_triviaqa": ("exact_match", {"strip_strings": True,
                                                                  "normalize_pred": "harness_triviaqa_normalizer"}),
    "lighteval@0.10:quasi_exact_match_gsm8k": ("exact_match", {"strip_strings": True,
                                                               "normalize_gold": "gsm8k_normalizer",
                                                               "normalize_pred": "gsm8k_normalizer"}),
    "lighteval@0.10:f1_score_quasi": ("f1_score", {"normalize_gold": "helm_normalizer",
                                                   "normalize_pred": "helm_normalizer"}),
}


@pytest.mark.parametrize("alias", sorted(LE_010))
def test_lighteval_010_names(alias):
    """The 0.10-era names, as 0.13's ExactMatches / F1_score with the v0.10 parameters (no reasoning stripping)."""
    member, params = LE_010[alias]
    m = em.get(alias)
    check(alias, LE + " (0.10 parameters)", lambda x: m.score(x[0], x[1]),
          lambda x: _only(O.lighteval_metric(member, x[1], [x[0]], sample_params=params)),
          st.one_of(multi(), gsm8k_pair().map(lambda pg: (pg[0], [pg[1]]))), HARD_MULTI)


@pytest.mark.parametrize("alias,value", [("lighteval@0.13:drop/em", "em"), ("lighteval@0.13:drop/f1", "f1")])
def test_lighteval_drop(alias, value):
    m = em.get(alias)
    check(alias, LE, lambda x: m.score(x[0], x[1]), lambda x: O.lighteval_drop([x[0]], x[1])[value], drop_case(),
          [(p, [[r]]) for p, r in HARD])


# ---------------------------------------------------------------------------------------------- HELM

HELM_NAMES = ["exact_match", "quasi_exact_match", "quasi_leave_articles_exact_match", "prefix_exact_match",
              "quasi_prefix_exact_match", "f1_score", "exact_match_indicator", "final_number_exact_match",
              "exact_set_match", "iou_set_match", "f1_set_match"]


@st.composite
def set_pair(draw):
    items = st.lists(st.sampled_from(["A", "B", "C", "the cat", "1.5", "x.y", ""]), min_size=0, max_size=3)
    def say(xs):
        if not xs and draw(st.booleans()):
            return "Nothing."
        return draw(st.sampled_from(["The answer is ", "It is ", "", "is "])) + " and ".join(xs) + draw(
            st.sampled_from([".", "", "\nmore", ". "]))
    return say(draw(items)), [say(draw(items))]


@pytest.mark.parametrize("name", HELM_NAMES)
def test_helm(name):
    alias = f"helm@0.5:{name}"
    m = em.get(alias)
    strategy = st.one_of(multi(3), set_pair()) if "set" in name else multi(3)
    check(alias, HELM, lambda x: m.score(x[0], x[1]),
          lambda x: O.helm_reference_metric(name, x[1], [x[0]])[name], strategy, HARD_MULTI)


# ---------------------------------------------------------------------------------------------- sampling


@st.composite
def samples_case(draw, gsm=False):
    gold = draw(gsm8k_pair())[1] if gsm else draw(text)
    base = gold.split("####")[-1].strip() if gsm else gold
    pool = [base, draw(text), draw(text)]
    def sample():
        b = draw(st.sampled_from(pool))
        if gsm:
            return draw(st.sampled_from(["", draw(phrase(3)) + " "])) + draw(st.sampled_from(
                [f"The answer is {b}.", f"The answer is {b}", b, f"so {b}"]))
        return draw(st.one_of(st.just(b), mutated(b)))
    k = draw(st.integers(1, 12))
    return [sample() for _ in range(k)], gold


SC = [("lm_eval:gsm8k-cot-self-consistency/score-first", "score-first"),
      ("lm_eval:gsm8k-cot-self-consistency/maj@64", "maj@64"),
      ("lm_eval:gsm8k-cot-self-consistency/maj@8", "maj@8")]


@pytest.mark.parametrize("alias,pipeline", SC, ids=[a for a, _ in SC])
def test_lm_eval_self_consistency(alias, pipeline):
    m = em.get(alias)

    def oracle(x):
        samples, gold = x
        return task("gsm8k_cot_self_consistency").score({"question": "q", "answer": gold}, samples, pipeline)[
            pipeline]["exact_match"]

    hand = [(["The answer is 1,072.", "The answer is 1072.", "The answer is 1072."], "x #### 1072"),
            (["The answer is 5"] * 3 + ["The answer is 6"] * 3, "#### 6"), ([""], "#### 1")]
    check(alias, LM, lambda x: m.score(x[0], x[1]), oracle, samples_case(gsm=True), hand)


LE_SAMPLING_CONFIGS = {
    "maj_at_n": [{"n": 1}, {"n": 4}, {"n": 8, "strip_strings": True},
                 {"n": 5, "normalize": "gsm8k_normalizer", "strip_strings": True},
                 {"n": 3, "normalize": "helm_normalizer", "type_exact_match": "prefix"}],
    "pass_at_k": [{"k": 1}, {"k": 1, "n": 4}, {"k": 2, "n": 8}, {"k": 5, "n": 3, "strip_strings": False},
                  {"k": 1, "normalize": "harness_triviaqa_normalizer"}],
    "avg_at_n": [{"n": 1}, {"n": 2}, {"n": 4}],
}


@pytest.mark.parametrize("member", sorted(LE_SAMPLING_CONFIGS))
def test_lighteval_sampling(member):
    alias = f"lighteval@0.13:{member}"
    configs = LE_SAMPLING_CONFIGS[member]

    def ours(x):
        (samples, gold), cfg = x
        return em.get(alias, **cfg).score(samples, gold)

    def oracle(x):
        (samples, gold), cfg = x
        return _only(O.lighteval_metric(member, [gold], samples, sample_params=cfg,
                                        text_post_processed=[_think(p) for p in samples]))

    strategy = st.tuples(st.one_of(samples_case(), samples_case(gsm=True)), st.sampled_from(configs))
    check(alias, LE, ours, oracle, strategy)


# ---------------------------------------------------------------------------------------------- filters

FILTERS = {
    "lm_eval@0.4:filter/regex": ("regex", [{}, {"regex_pattern": "(-?[$0-9.,]{2,})|(-?[0-9]+)", "group_select": -1},
                                            {"regex_pattern": "The answer is (\\-?[0-9\\.\\,]+).", "fallback": " x "},
                                            {"regex_pattern": "(a?)(b?)c", "fallback": " none "},
                                            {"regex_pattern": "[a-z]+", "group_select": 1}]),
    "lm_eval@0.4:filter/remove_whitespace": ("remove_whitespace", [{}]),
    "lm_eval@0.4:filter/lowercase": ("lowercase", [{}]),
    "lm_eval@0.4:filter/uppercase": ("uppercase", [{}]),
    "lm_eval@0.4:filter/map": ("map", [{"mapping_dict": {"A": "1", "B": "2", " A": "3"}},
                                       {"mapping_dict": {"yes": "True"}, "default_value": "False"}, {}]),
}


@pytest.mark.parametrize("alias", sorted(FILTERS))
def test_lm_eval_filters(alias):
    name, configs = FILTERS[alias]

    def ours(x):
        resp, cfg = x
        return em.get(alias, **cfg).apply(resp)

    def oracle(x):
        resp, cfg = x
        return O.lm_eval_filter(name, [resp], **cfg)[0]

    resp = st.one_of(text, st.sampled_from(["A", "B", " A", "yes", "c", "abc", "#### 5", "The answer is 7."]),
                     gsm8k_pair().map(lambda pg: pg[0]))
    check(alias, LM, ours, oracle, st.tuples(resp, st.sampled_from(configs)),
          [(p, cfg) for p, _ in HARD for cfg in configs])


# ---- generative bbh / mmlu variants: the real task YAML (filters + exact_match options + doc_to_target) per alias


def _yaml_task(relpath, seed_doc):
    """A Task built from a YAML shipped in lm_eval (its includes resolved by lm_eval's own loader)."""
    import lm_eval
    from lm_eval.tasks._yaml_loader import load_yaml

    path = os.path.join(os.path.dirname(lm_eval.__file__), "tasks", relpath)
    name = "yaml:" + relpath
    t = Task.__new__(Task)
    import datasets
    from lm_eval.api.task import ConfigurableTask

    cfg = dict(load_yaml(path))
    splits = {cfg.get(k) for k in ("training_split", "validation_split", "test_split", "fewshot_split")} - {None}
    cfg["custom_dataset"] = lambda **_: datasets.DatasetDict({s: datasets.Dataset.from_list([seed_doc]) for s in splits})
    cfg.pop("dataset_path", None)
    cfg.pop("dataset_name", None)
    cfg.pop("fewshot_config", None)
    datasets.disable_progress_bars()
    t.t = ConfigurableTask(config=cfg)
    t.name = name
    return t


BBH_TARGETS = ["True", "False", "Yes", "No", "(A)", "(B)", "(F)", "valid", "invalid", "12", "0", "-3",
               "] ) >", "dog cat zebra", "[1, 2]", "['a']", "1,000", 'say "hi".', "a\\b", "İ", ""]
BBH_PREFIXES = ["", "Let's think step by step. ", "So the answer is ", "So the answer is ", "the answer is ",
                "The answer is ", "The answer: ", "The final answer: ", "answer is ", "A: ", " ", "\n"]
BBH_SUFFIXES = ["", ".", ". ", "\n", ".\n\nQ: next", ",", "!", "\x00", " ok"]


@st.composite
def bbh_pair(draw, targets=BBH_TARGETS):
    gold = draw(st.sampled_from(targets)) if draw(st.integers(0, 6)) else draw(text)
    ans = gold if draw(st.integers(0, 2)) else draw(st.sampled_from(targets + [gold.lower(), gold.upper()]))
    if draw(st.integers(0, 3)) == 0:
        ans = draw(mutated(ans))
    pred = draw(st.sampled_from(BBH_PREFIXES)) + ans + draw(st.sampled_from(BBH_SUFFIXES))
    if draw(st.integers(0, 2)) == 0:
        pred = draw(phrase(4)) + draw(sep) + pred
    if draw(st.integers(0, 6)) == 0:
        pred = draw(text)
    return pred, gold


MMLU_LETTERS = {"mmlu/generative/mmlu_anatomy.yaml": ["A", "B", "C", "D"]}
BBH_MMLU = [
    ("lm_eval:bbh_cot_fewshot/get-answer", "bbh/cot_fewshot/boolean_expressions.yaml", "get-answer"),
    ("lm_eval:bbh_fewshot", "bbh/fewshot/boolean_expressions.yaml", "none"),
    ("lm_eval:bbh_zeroshot/strict-match", "bbh/zeroshot/boolean_expressions.yaml", "strict-match"),
    ("lm_eval:bbh_cot_zeroshot/strict-match", "bbh/cot_zeroshot/boolean_expressions.yaml", "strict-match"),
    ("lm_eval:mmlu_generative/get_response", "mmlu/generative/mmlu_anatomy.yaml", "get_response"),
    ("lm_eval:mmlu_flan_cot_zeroshot/strict-match", "mmlu/flan_cot_zeroshot/mmlu_anatomy.yaml", "strict-match"),
    ("lm_eval:mmlu_flan_cot_fewshot/get-answer", "mmlu/flan_cot_fewshot/mmlu_anatomy.yaml", "get-answer"),
    ("lm_eval:mmlu_flan_n_shot_generative/strict-match", "mmlu/flan_n_shot/generative/mmlu_anatomy.yaml",
     "strict-match"),
]


@pytest.mark.parametrize("alias,relpath,pipeline", BBH_MMLU, ids=[b[0] for b in BBH_MMLU])
def test_lm_eval_bbh_mmlu_pipelines(alias, relpath, pipeline):
    """The reference is what the task's doc_to_target renders: bbh's doc['target'] (any text), mmlu's answer
    letter ('A' or '(A)' .. 'D', picked by doc['answer'])."""
    m = em.get(alias)
    mmlu = relpath.startswith("mmlu/")
    letters = MMLU_LETTERS.get(relpath, ["(A)", "(B)", "(C)", "(D)"])
    if mmlu:
        t = _yaml_task(relpath, {"question": "q", "choices": ["w", "x", "y", "z"], "answer": 0, "subject": "anatomy"})
    else:
        t = _yaml_task(relpath, {"input": "q", "target": "t"})

    def ours(x):
        pred, gold = x
        return m.score(pred, letters[gold] if mmlu else gold)

    def oracle(x):
        pred, gold = x
        doc = ({"question": "q", "choices": ["w", "x", "y", "z"], "answer": gold, "subject": "anatomy"} if mmlu
               else {"input": "q", "target": gold})
        return t.score(doc, pred, pipeline)[pipeline]["exact_match"]

    if mmlu:
        strategy = st.tuples(st.integers(0, 3), bbh_pair(letters + ["A", "(a)", "a", "E", "(A) w"])).map(
            lambda x: (x[1][0].replace(x[1][1], letters[x[0]]) if x[1][1] and x[1][1] in letters else x[1][0], x[0]))
        hand = [(p, g) for g in range(4) for p in ["", letters[g], " " + letters[g], letters[g].lower(),
                                                     f"The answer is {letters[g]}.", f"answer is {letters[g]}.",
                                                     f"{letters[g]}\nmore", f"The final answer: {letters[g]}!"]]
    else:
        strategy = bbh_pair()
        hand = [(p, r) for p, r in HARD] + [("the answer is True.", "True"), ("So the answer is (A).", "(A)"),
                                              ("The answer is valid.", "valid"), ("True", "True"), ("true.", "True")]
    check(alias, LM, ours, oracle, strategy, hand)


def test_the_runner_detects_a_wrong_metric():
    """Meta-test: feeding the runner a metric that is not the harness's must produce mismatches."""
    from conftest import RESULTS

    wrong = em.get("helm:quasi_exact_match")
    with pytest.raises(AssertionError, match="mismatches"):
        check("meta:wrong", "-", lambda x: wrong.score(x[0], x[1]),
              lambda x: _only(O.lighteval_metric("exact_match", x[1], [x[0]], sample_params=LE_010[
                  "lighteval@0.10:quasi_exact_match"][1])), multi(), HARD_MULTI, n=200)
    assert RESULTS.pop("meta:wrong")["mismatches"] > 0


COVERED = (["lm_eval:exact_match", "hf_evaluate:exact_match"] + [g[0] for g in GSM8K]
           + ["lm_eval:triviaqa", "lm_eval:nq_open", "lm_eval:drop/em", "lm_eval:drop/f1", "lm_eval:squadv2/exact",
              "lm_eval:squadv2/f1", "squad@v2:exact_match", "squad@v2:f1", "squad@v1.1:exact_match", "squad@v1.1:f1",
              "lighteval@0.13:exact_match", "lighteval@0.13:f1_score", "lighteval@0.13:drop/em",
              "lighteval@0.13:drop/f1"]
           + sorted(LE_010) + [f"helm@0.5:{n}" for n in HELM_NAMES] + [a for a, _ in SC]
           + [f"lighteval@0.13:{m}" for m in LE_SAMPLING_CONFIGS] + sorted(FILTERS) + [b[0] for b in BBH_MMLU])
