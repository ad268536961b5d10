"""unitxt 1.26.10's catalog metrics and processors against the ``unitxt:`` aliases.

unitxt runs in its own environment (``~/.cache/evalmetrics-conformance/unitxt``: unitxt==1.26.10 with
scikit-learn, rouge-score, nltk; no torch); in any other environment this module is skipped (its ``COVERED`` is a
literal list, so the completeness test reads it anywhere). Every oracle is unitxt's own artifact, loaded from the
catalog by its ID as unitxt loads it (``unitxt.artifact.fetch_artifact``, offline), and called the way unitxt calls
it: a metric through ``unitxt.test_utils.metrics.apply_metric`` (its stream path; confidence intervals switched off,
they are not reproduced), a processor through its operator's ``process_value`` (what ``PostProcess`` applies to the
prediction and each reference).

Per metric alias: per-sample values (evalmetrics ``score`` vs unitxt's instance score) and corpus scores
(evalmetrics ``compute(...).score`` vs unitxt's global ``score``) on hand-picked and generated inputs.
"""
from __future__ import annotations

import functools
import os
import warnings

import pytest
from hypothesis import strategies as st

import evalmetrics as em
from _diff import check, multi, mutated, text

try:  # unitxt's own environment only
    import unitxt  # noqa: F401

    HAVE_UNITXT = True
except ImportError:
    HAVE_UNITXT = False

pytestmark = pytest.mark.skipif(not HAVE_UNITXT, reason="unitxt==1.26.10 runs in its own conformance environment")

PACKAGE = "unitxt==1.26.10"

METRICS = {  # alias -> (catalog ID, the global score key unitxt reports)
    "unitxt:metrics.accuracy": ("metrics.accuracy", "score"),
    "unitxt:metrics.string_containment": ("metrics.string_containment", "score"),
    "unitxt:metrics.f1_micro": ("metrics.f1_micro", "score"),
    "unitxt:metrics.f1_macro": ("metrics.f1_macro", "score"),
    "unitxt:metrics.token_overlap": ("metrics.token_overlap", "score"),
    "unitxt:metrics.rouge": ("metrics.rouge", "score"),
    "unitxt:metrics.rouge/rouge1": ("metrics.rouge", "rouge1"),
    "unitxt:metrics.rouge/rouge2": ("metrics.rouge", "rouge2"),
    "unitxt:metrics.rouge/rougeLsum": ("metrics.rouge", "rougeLsum"),
    "unitxt:metrics.exact_match_mm": ("metrics.exact_match_mm", "score"),
    "unitxt:metrics.jaccard_index_words": ("metrics.jaccard_index_words", "score"),
    "unitxt:metrics.char_edit_distance": ("metrics.char_edit_distance", "score"),
    "unitxt:metrics.char_edit_dist_accuracy": ("metrics.char_edit_dist_accuracy", "score"),
}
PROCESSORS = [
    "lower_case", "upper_case", "to_string_stripped", "take_first_non_empty_line", "take_last_non_empty_line",
    "take_first_word", "first_character", "get_string_after_colon", "lower_case_till_punc", "remove_articles",
    "remove_punctuations", "fix_whitespace", "str_to_float_format", "to_yes_or_none", "yes_no_to_int",
    "predictions_yes_1_else_0", "stance_to_pro_con", "toxic_or_not_toxic", "hate_speech_or_not_hate_speech",
    "extract_from_double_brackets",
]

COVERED = [
    "unitxt:metrics.accuracy", "unitxt:metrics.string_containment", "unitxt:metrics.f1_micro",
    "unitxt:metrics.f1_macro", "unitxt:metrics.token_overlap", "unitxt:metrics.rouge", "unitxt:metrics.rouge/rouge1",
    "unitxt:metrics.rouge/rouge2", "unitxt:metrics.rouge/rougeLsum", "unitxt:metrics.exact_match_mm",
    "unitxt:metrics.jaccard_index_words", "unitxt:metrics.char_edit_distance", "unitxt:metrics.char_edit_dist_accuracy",
    "unitxt:processors.lower_case", "unitxt:processors.upper_case", "unitxt:processors.to_string_stripped",
    "unitxt:processors.take_first_non_empty_line", "unitxt:processors.take_last_non_empty_line",
    "unitxt:processors.take_first_word", "unitxt:processors.first_character",
    "unitxt:processors.get_string_after_colon", "unitxt:processors.lower_case_till_punc",
    "unitxt:processors.remove_articles", "unitxt:processors.remove_punctuations", "unitxt:processors.fix_whitespace",
    "unitxt:processors.str_to_float_format", "unitxt:processors.to_yes_or_none", "unitxt:processors.yes_no_to_int",
    "unitxt:processors.predictions_yes_1_else_0", "unitxt:processors.stance_to_pro_con",
    "unitxt:processors.toxic_or_not_toxic", "unitxt:processors.hate_speech_or_not_hate_speech",
    "unitxt:processors.extract_from_double_brackets",
]

N = int(os.environ.get("EVALMETRICS_CONFORMANCE_EXAMPLES", "5000"))
N_CORPORA = max(1, N // 5)  # corpora of 1-12 samples each
_LOCAL_NLTK = os.path.expanduser("~/.cache/evalmetrics-conformance/nltk_data")


@functools.cache
def _artifact(catalog_id):
    from unitxt.artifact import fetch_artifact

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        art, _ = fetch_artifact(catalog_id)
    if hasattr(art, "set_confidence_interval_calculation"):
        art.set_confidence_interval_calculation(False)
    return art


def _scores(catalog_id, preds, refs):
    """unitxt's (instance scores, global scores) of a corpus, through its stream path."""
    from unitxt.test_utils.metrics import apply_metric

    out = apply_metric(_artifact(catalog_id), list(preds), [list(r) for r in refs])
    return [o["score"]["instance"] for o in out], out[0]["score"]["global"]


def _key(alias):
    catalog_id, key = METRICS[alias]
    return key if key != "score" else None


def _need_punkt(alias):
    if "rouge" not in alias:
        return
    import nltk

    if os.path.isdir(_LOCAL_NLTK) and _LOCAL_NLTK not in nltk.data.path:
        nltk.data.path.insert(0, _LOCAL_NLTK)
    try:
        nltk.data.find("tokenizers/punkt_tab/english/")
    except LookupError:
        pytest.skip("unitxt's Rouge splits sentences with nltk's punkt_tab, not found (setup_envs.sh fetches it)")


# Hand-picked: exact vs contained vs case, empty texts, unicode whitespace, repeated labels, punctuation-only.
HAND_SAMPLES = [
    ("Paris", ["Paris"]), ("paris", ["Paris"]), ("Paris.", ["Paris"]), ("", [""]), ("", ["a"]), ("a", [""]),
    ("the cat sat", ["cat sat", "The cat"]), ("The Eiffel Tower.", ["eiffel tower"]), ("  yes\n", ["yes"]),
    ("yes", ["yes", "no"]), ("no", ["yes", "no"]), ("...", ["!!!"]), ("a b. c d! e?", ["c d e", "a b"]),
    ("1,000", ["1000"]), ("İstanbul", ["i̇stanbul"]), ("cat cat cat", ["cat"]), ("x\u00a0y", ["x y"]),
    ("Mr. Smith went. Then he left.", ["Smith went then he left"]), ("the", ["a"]),
]
MM_HAND = [
    ("B", ["b"]), ("(b) Paris", ["B"]), ("Option C", ["c"]), ("The answer is D.", ["d"]), ("the answer is", ["t"]),
    ("(", ["("]), ("option ", ["o"]), ("İ", ["i"]), ("  \nb", ["b"]), ("ab", ["ab"]), ("a", [""]), ("", [""]),
    ("the\nanswer is e", ["e"]), ("( b", [" "]), ("x", ["\u212a", "x"]),
]
LABELS = st.sampled_from(["yes", "no", "maybe", "Yes", "positive", "negative", "neutral", "", " yes", "A", "B", "C"])


@st.composite
def label_sample(draw):
    refs = draw(st.lists(LABELS, min_size=1, max_size=2))
    pred = draw(st.one_of(LABELS, st.sampled_from(refs), text))
    return pred, refs


sample = st.one_of(multi(), label_sample())
corpus = st.lists(sample, min_size=1, max_size=12)
# unitxt's edit-distance metrics take exactly one reference (several raise, on both sides): mostly single references
ONE_REF = {"unitxt:metrics.char_edit_distance", "unitxt:metrics.char_edit_dist_accuracy"}
single = sample.map(lambda x: (x[0], x[1][:1]))
one_ref_sample = st.one_of(single, single, single, sample)
one_ref_corpus = st.one_of(st.lists(single, min_size=1, max_size=12), st.lists(single, min_size=1, max_size=12),
                           st.lists(single, min_size=1, max_size=12), corpus)


# exact_match_mm reads a one-character answer at the start or after "(" / "option " / "the answer is ": outputs built
# from those lead-ins (any case, padded, line breaks), letters whose lowercase is longer (İ), and near misses.
_MM_LEADS = st.sampled_from(["", "(", "option ", "the answer is ", "The Answer Is ", "OPTION ", "Option", "(  ",
                             "the answer is", "\n", " ", "\t", "answer: ", "the\nanswer is ", "option\n"])
_MM_CHARS = st.sampled_from(["A", "b", "C", "d", "(", ")", " ", "\n", "İ", "i", "ß", "K", "1", ".", "", "AB",
                             "option", "\u212a", "ǅ"])


@st.composite
def mm_sample(draw):
    refs = draw(st.lists(st.one_of(_MM_CHARS, _MM_CHARS.map(lambda c: f" {c}\n"), text), min_size=1, max_size=3))
    lead = draw(_MM_LEADS)
    pred = lead + draw(st.one_of(st.sampled_from(refs), _MM_CHARS)) + draw(st.sampled_from(["", ")", ". Paris",
                                                                                          "\n", " x", "b"]))
    if draw(st.integers(0, 5)) == 0:
        pred = draw(text)
    return pred, refs


# Sentences for rougeLsum (Punkt's cues: abbreviations, initials, numbers, quotes, line breaks) and whitespace for
# the word sets of jaccard_index_words.
_SENTENCE_BITS = st.sampled_from(["Mr. Smith went.", "Then he left!", "Why?", "e.g. this", "the cat sat.", "U.S.",
                                  "3.5 cups.", '"Quote."', "He said: no.", "a", "cat", "The", "sat", "\n", "\n\n",
                                  " ", "  ", "\t", "\x1c", "\u2003", "...", "Dr. No", "(see p. 5)."])


@st.composite
def sentence_sample(draw):
    refs = draw(st.lists(st.lists(_SENTENCE_BITS, max_size=8).map(" ".join), min_size=1, max_size=3))
    kind = draw(st.integers(0, 3))
    if kind == 0:
        pred = draw(st.sampled_from(refs))
    elif kind == 1:
        pred = draw(mutated(draw(st.sampled_from(refs))))
    else:
        pred = draw(st.lists(_SENTENCE_BITS, max_size=8).map(lambda xs: "".join(xs)))
    return pred, refs


OWN_SAMPLES = {  # aliases with inputs of their own, beside the shared ones
    "unitxt:metrics.exact_match_mm": mm_sample(),
    "unitxt:metrics.rouge/rougeLsum": sentence_sample(),
    "unitxt:metrics.jaccard_index_words": sentence_sample(),
}


def _sample_strategy(alias):
    if alias in ONE_REF:
        return one_ref_sample
    if alias in OWN_SAMPLES:
        return st.one_of(OWN_SAMPLES[alias], OWN_SAMPLES[alias], sample)
    return sample


def _corpus_strategy(alias):
    if alias in ONE_REF:
        return one_ref_corpus
    return st.lists(_sample_strategy(alias), min_size=1, max_size=12)


def _hand_corpora():
    out = [HAND_SAMPLES, HAND_SAMPLES[:3], [("yes", ["yes"])] * 9 + [("no", ["yes"])]]
    out.append([(p, r[:1]) for p, r in HAND_SAMPLES])
    out.append([("yes", ["yes"]), ("no", ["maybe"]), ("maybe", ["no"]), ("yes", ["no"]), ("other", ["yes"])])
    out.append([(p, [r]) for p, r in zip("abcabcabcd", "abcbcacbad")])
    return out


@pytest.mark.parametrize("alias", list(METRICS))
def test_metric_per_sample(alias):
    _need_punkt(alias)
    m = em.get(alias)
    catalog_id, key = METRICS[alias]
    name = _artifact(catalog_id).main_score if key == "score" else key

    def ours(x):
        return m.score(x[0], list(x[1]))

    def oracle(x):
        inst, _ = _scores(catalog_id, [x[0]], [x[1]])
        return float(inst[0][name])

    check(alias, PACKAGE, ours, oracle, _sample_strategy(alias), hand=HAND_SAMPLES + MM_HAND, n=N)


@pytest.mark.parametrize("alias", list(METRICS))
def test_metric_corpus(alias):
    _need_punkt(alias)
    m = em.get(alias)
    catalog_id, key = METRICS[alias]

    def ours(xs):
        return m.compute([p for p, _ in xs], [list(r) for _, r in xs]).score

    def oracle(xs):
        _, glob = _scores(catalog_id, [p for p, _ in xs], [r for _, r in xs])
        return float(glob[key])

    check(alias, PACKAGE, ours, oracle, _corpus_strategy(alias), hand=_hand_corpora(), n=N_CORPORA)


# Hand-picked texts for the processors: their markers and edge cases.
HAND_TEXTS = [
    "", " ", "\n", "yes", "no", "Yes", "yes ", "yes\n", "positive", "negative", "suggestion", "neutral", "toxic",
    "Toxic", "not toxic", "It is NOT Toxic.", "nontoxic", "hate speech", "Not hate speech", "HATE SPEECH!",
    "hatespeech",
    "İ toxic", "[[5]]", "[[a]] and [[b]]", "[[\n]]", "[[]]", "Answer: B", "a:b:c", ":", "no colon", " x : y \n",
    "-12.5.3abc", "--3", "-.5", "3.", "abc def", "  ١٢ x", "_x", "Hello, world. Bye!", "HELLO; there",
    "first\n\nsecond\n", "\n\n  last line  \n", "a\r\nb", "the a an The theory", "1", "01", "1e3", "1_000",
    " 1.50 ", "inf", "nan", "-0", "1,000", "x\u00a0\u2003y", "\x0bz\x1c", "ß", "ǅ", "ﬁ",
]
_MARKS = st.sampled_from(["yes", "no", "toxic", "not ", "hate speech", "Hate", "[[", "]]", ":", ".", ",", "!", "?",
                          ";", "-", "3", "1.5", "\n", " ", "the", "a", "An", "positive", "İ", "١"])
proc_text = st.one_of(text, st.lists(st.one_of(_MARKS, text), max_size=6).map("".join))


@pytest.mark.parametrize("name", PROCESSORS)
def test_processor(name):
    alias = f"unitxt:processors.{name}"
    step = em.get(alias)
    op = _artifact(f"processors.{name}").operator

    check(alias, PACKAGE, step.apply, op.process_value, proc_text, hand=HAND_TEXTS, n=N)


def test_processor_catalog_sides():
    """The sides each alias's summary names are the catalog's own ``process_prediction`` / ``process_references``."""
    table = em.registry.aliases()
    for name in PROCESSORS:
        pp = _artifact(f"processors.{name}")
        summary = table[f"unitxt:processors.{name}"].summary
        expect = ("prediction only" if not pp.process_references else
                  "prediction and to each reference" if pp.process_prediction else "each reference only")
        assert expect in summary, (name, summary)


# ---- lm_eval 0.4.13's tasks/unitxt (recipes of a card and a template): the catalog tables the lm_eval reader reads
# them with (evalmetrics.presets.unitxt), and each row it reads against unitxt's own evaluate(), called the way
# lm_eval's Unitxt task class calls it (the documents' metrics replaced by the row's one metric). The task YAMLs are
# read from the harness environment's lm_eval (no lm_eval here); without it the row test is skipped.
LM_EVAL_UNITXT = os.path.expanduser(os.environ.get(
    "EVALMETRICS_LM_EVAL_UNITXT_TASKS",
    "~/.cache/evalmetrics-conformance/harness/lib/python3.11/site-packages/lm_eval/tasks/unitxt"))


def test_recipe_tables():
    """CARD_METRICS, TEMPLATE_POSTPROCESSORS, TEMPLATE_TARGET_PREFIX and CARD_FIELDS are unitxt's catalog's."""
    from evalmetrics.presets import unitxt as pu

    for card, metrics in pu.CARD_METRICS.items():
        assert tuple(_artifact(card).task.metrics) == metrics, card
    for template, procs in pu.TEMPLATE_POSTPROCESSORS.items():
        t = _artifact(template)
        assert tuple(t.postprocessors) == procs, template
        assert (t.target_prefix or "") == pu.TEMPLATE_TARGET_PREFIX.get(template, ""), template
    for card, fields in pu.CARD_FIELDS.items():
        c = _artifact(card)
        values = dict(c.task.defaults or {})
        for step in c.preprocess_steps:
            if type(step).__name__ == "Set":
                values.update(step.fields)
        assert {k: values.get(k) for k in fields} == fields, card


def _recipe_rows():
    import glob

    from evalmetrics.integrations.lm_eval_tasks import load_task_yaml, read_lm_eval_task
    from evalmetrics.integrations.lm_eval_tasks.unitxt_recipes import parse_recipe

    out = {}
    for path in sorted(glob.glob(os.path.join(LM_EVAL_UNITXT, "*.yaml"))):
        cfg = load_task_yaml(path)
        recipe = parse_recipe(cfg["recipe"])
        for r in read_lm_eval_task(path).readings:
            if r.reproduced:  # one check per distinct (ID, unitxt inputs)
                out.setdefault((r.id, r.metric, recipe["card"], recipe["template"]), r)
    return out


def _recipe_corpus(rng, labels, prefix):
    """A corpus of (prediction, [reference]) for a recipe: references drawn from ``labels``, predictions the label
    (or another, or noise) with the template's target prefix, case, punctuation, line breaks and spaces varied."""
    xs = []
    for _ in range(rng.randint(1, 10)):
        ref = rng.choice(labels)
        pred = rng.choice([ref, rng.choice(labels), rng.choice(HAND_TEXTS)])
        for _ in range(rng.randint(0, 3)):
            op = rng.randint(0, 6)
            if op == 0:
                pred = rng.choice([prefix, prefix.strip(), " " + prefix, prefix + "  ", prefix.upper()]) + pred
            elif op == 1:
                pred = pred.upper() if rng.random() < 0.5 else pred.lower()
            elif op == 2:
                pred += rng.choice([".", "! more", ", x", "\nsecond line", " ; y", "?"])
            elif op == 3:
                pred = rng.choice([" ", "\n", "\t", "\n\n"]) + pred + rng.choice(["", " ", "\n"])
            elif op == 4:
                pred = pred.replace(" ", rng.choice(["  ", "", "\u00a0"]))
            elif op == 5:
                pred = rng.choice(HAND_TEXTS)
        xs.append((pred, [ref]))
    return xs


_RECIPE_LABELS = ["World", "Sports", "Sci/Tech", "hate speech", "not hate speech", "card arrival", "Refund not "
                  "showing up", "Governing Laws", "Mr. Smith went. Then he left!", "the cat sat on the mat.", "",
                  "He go to school yesterday.", "He went to school yesterday."]


def test_recipe_rows():
    """Each row the lm_eval reader reads from tasks/unitxt, computed by its canonical ID, equals unitxt's evaluate()
    global score for the row's metric with the template's postprocessors and target prefix."""
    import json
    import random

    from unitxt import evaluate

    from evalmetrics.presets import unitxt as pu

    if not os.path.isdir(LM_EVAL_UNITXT):
        pytest.skip(f"lm_eval's tasks/unitxt not found at {LM_EVAL_UNITXT} (EVALMETRICS_LM_EVAL_UNITXT_TASKS)")
    rows = _recipe_rows()
    assert len(rows) >= 10, sorted(rows)
    rng = random.Random(20261208)
    n_corpora = max(2, N // 1000)  # unitxt.evaluate is slow (about a second a call): a few corpora per row
    bad = []
    for (mid, metric, card, template), r in rows.items():
        if "rouge" in metric:
            _need_punkt("rouge")
        m = em.get(mid)
        fields = pu.CARD_FIELDS.get(card, {})
        prefix = pu.TEMPLATE_TARGET_PREFIX.get(template, "").format(**fields)
        name = "metrics." + metric
        by_field = "[reference_field=" in metric
        for _ in range(n_corpora):
            xs = _recipe_corpus(rng, _RECIPE_LABELS, prefix or "Answer: ")
            docs = [{"references": ["unused"] if by_field else refs, "metrics": [name],
                     "postprocessors": list(pu.TEMPLATE_POSTPROCESSORS[template]),
                     "task_data": json.dumps({"metadata": {"template": template,
                                                           "data_classification_policy": ["public"]},
                                              "original_text": refs[0], **fields}),
                     "source": "", "data_classification_policy": ["public"], "subset": [], "groups": []}
                    for _, refs in xs]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = float(evaluate([p for p, _ in xs], docs)[0]["score"]["global"]["score"])
            ours = m.compute([p for p, _ in xs], [refs for _, refs in xs]).score
            if not (ours == theirs or (ours != ours and theirs != theirs)):
                bad.append((r.task, metric, xs, ours, theirs))
    assert not bad, bad[:3]
