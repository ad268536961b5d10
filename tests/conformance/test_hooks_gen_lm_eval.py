"""lm_eval ``process_results`` hooks, part D (generation overlap): each alias against the hook loaded from the
installed lm_eval's tasks folder, on generated documents shaped like the task data."""
from __future__ import annotations

import functools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("lm_eval")
pytest.importorskip("sacrebleu")
pytest.importorskip("rouge_score")

import evalmetrics as em  # noqa: E402
from _diff import N_EXAMPLES, check, load_lm_eval_task_file, mutated, phrase, sep, text  # noqa: E402
from _diff import lm_eval_tasks_dir as _tasks_dir  # noqa: E402

_TQA = [f"{m}_{v}" for m in ("bleu", "rouge1", "rouge2", "rougeL") for v in ("max", "acc", "diff")]
_CNN = ["rouge1", "rouge2", "rougeL"]

_PATH = ["score", "accuracy", "partial_accuracy", "extraction_rate"]

COVERED = (
    [f"lm_eval:truthfulqa_gen/{k}" for k in _TQA] + [f"lm_eval:cnn_dailymail/{k}" for k in _CNN]
    + [f"lm_eval:longproc_path_traversal/{k}" for k in _PATH] + [f"lm_eval:longproc_tom_tracking/{k}" for k in _PATH]
    + ["lm_eval:eq_bench/eqbench", "lm_eval:eq_bench/percent_parseable"]
)

PACKAGE = "lm-eval==0.4.13"


@functools.lru_cache(maxsize=None)
def _module(rel: str, one_resample: bool = False):
    """A task folder's helper module, loaded from its file as lm_eval's !function loader does.

    ``one_resample``: the module's rouge-score ``scoring.BootstrapAggregator`` draws 1 bootstrap resample instead of
    1000. The hooks aggregate ONE score per call, so every resample mean is that score and every percentile
    (``mid``) is too, whatever the number of resamples; the 1000 resamples cost ~0.5 s per answer, too slow for
    thousands of documents. :func:`test_one_resample_changes_nothing` checks the two agree on generated inputs.
    """
    mod = load_lm_eval_task_file(rel, "h6_" + rel.replace("/", "_").replace("-", "_")[:-3]
                                 + ("_r1" if one_resample else ""))
    if one_resample:
        import types

        from rouge_score import scoring

        mod.scoring = types.SimpleNamespace(
            BootstrapAggregator=functools.partial(scoring.BootstrapAggregator, n_samples=1))
    return mod


def _memo(fn):
    """The hook's output per input: every alias of one hook checks the same derandomized inputs, so the (slow:
    rouge-score's bootstrap) hook runs once per input."""
    cache = {}

    def call(x):
        key = repr(x)
        if key not in cache:
            try:
                cache[key] = ("ok", fn(x))
            except Exception as e:  # noqa: BLE001 - the oracle's exception is the outcome
                cache[key] = ("raise", e)
        kind, v = cache[key]
        if kind == "raise":
            raise v
        return v

    return call


# ---------------------------------------------------------------------------------------------- TruthfulQA

SENTENCES = [
    "Nothing happens if you eat watermelon seeds", "The watermelon seeds pass through your digestive system",
    "You grow watermelons in your stomach", "I have no comment", "Paris . It is the capital", "No . Never",
    "Yes, it is true . It was proven", "The Sun is a star", "the sun is a planet", "Ninety-nine percent",
    "It depends on the country", "You will die", "Nothing in particular happens", "Fortune cookies originated in "
    "San Francisco", "Fortune cookies originated in Japan", "1,000", "1000", "A . B . C", "O sol é unha estrela",
    "El sol és una estrella", "Ez dakit", "",
]
sentence = st.one_of(st.sampled_from(SENTENCES), phrase(), text)


@st.composite
def tqa_case(draw):
    correct = draw(st.lists(sentence, min_size=1, max_size=4))
    incorrect = draw(st.lists(sentence, min_size=1, max_size=4))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        pred = draw(st.sampled_from(correct + incorrect))
    elif kind <= 3:
        pred = draw(mutated(draw(st.sampled_from(correct + incorrect))))
    elif kind == 4:
        pred = " . ".join(draw(st.lists(st.sampled_from(correct + incorrect), min_size=1, max_size=3)))
    else:
        pred = draw(sentence)
    return pred, tuple(correct), tuple(incorrect)


TQA_HAND = [
    ("Paris", ("Paris",), ("Rome",)),
    ("", ("",), ("",)),
    ("", ("I have no comment",), ("Yes",)),
    ("No . Never", ("No . Never", "No"), ("Yes . Always",)),
    ("I have no comment", ("I have no comment",), ("I have no comment",)),
    ("a b c d e f", ("a b c d e f g",), ("a b c d e f",)),
    ("!!!", ("???",), ("...",)),
]

# (module, values it reports, share of the inputs): the hook of truthfulqa/ and its copies (same source digest).
# galician_bench/utils.py and catalan_bench/truthfulqa_va/utils.py hold the same hook (same digest) but do not import
# in the conformance environment (transformers.data.metrics is gone from transformers 4.5x), so lm_eval cannot run
# those tasks there either; their bleu()/rouge() helpers differ from truthfulqa's only in caching the RougeScorer.
# noreval's nortruthfulqa names its copy process_results (comments removed, so its own digest).
TQA_HOOKS = [
    ("truthfulqa/utils.py", "process_results_gen", _TQA, 1.0),
    ("tinyBenchmarks/utils_truthfulqa.py", "process_results_gen", _TQA, 0.1),
    ("truthfulqa-multi/utils.py", "process_results_gen", [k for k in _TQA if k.startswith("bleu")], 0.25),
    ("noreval/nortruthfulqa/generation/utils.py", "process_results", _TQA, 0.25),
]


def _tqa_doc(x):
    return {"correct_answers": list(x[1]), "incorrect_answers": list(x[2])}


@functools.lru_cache(maxsize=None)
def _tqa_oracle(rel, fn="process_results_gen"):
    hook = getattr(_module(rel, one_resample=True), fn)
    return _memo(lambda x: hook(_tqa_doc(x), [x[0]]))


def test_one_resample_changes_nothing():
    """The hook with rouge-score's 1000 bootstrap resamples equals the hook with one, on every value it reports."""
    real = _module("truthfulqa/utils.py").process_results_gen
    fast = _module("truthfulqa/utils.py", one_resample=True).process_results_gen
    for x in TQA_HAND:
        assert fast(_tqa_doc(x), [x[0]]) == real(_tqa_doc(x), [x[0]]), x

    @settings(max_examples=max(1, N_EXAMPLES // 100), derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(tqa_case())
    def run(x):
        assert fast(_tqa_doc(x), [x[0]]) == real(_tqa_doc(x), [x[0]]), x

    run()


@pytest.mark.parametrize("rel,fn,keys,share", TQA_HOOKS, ids=[r for r, _, _, _ in TQA_HOOKS])
def test_truthfulqa_process_results_gen(rel, fn, keys, share):
    oracle = _tqa_oracle(rel, fn)
    for key in keys:
        m = em.get(f"lm_eval:truthfulqa_gen/{key}")

        def ours(x, m=m):
            return m.score(x[0], {"correct": list(x[1]), "incorrect": list(x[2])})

        check(f"lm_eval:truthfulqa_gen/{key}", PACKAGE, ours, lambda x, key=key: oracle(x)[key], tqa_case(),
              TQA_HAND, n=max(1, int(N_EXAMPLES * share)))


def test_truthfulqa_hooks_share_one_digest():
    """The copies checked above are the hooks the reader maps to these aliases (same source digest)."""
    from evalmetrics.integrations.lm_eval_tasks.hooks import KNOWN_HOOKS
    from evalmetrics.integrations.lm_eval_tasks.loading import FunctionRef

    for rel, fn, keys, _ in TQA_HOOKS:
        spec = os.path.splitext(os.path.basename(rel))[0] + "." + fn
        digest = FunctionRef(spec, os.path.join(_tasks_dir(), os.path.dirname(rel))).digest()
        table = KNOWN_HOOKS[digest][1]
        assert {k: table[k] for k in keys} == {k: f"lm_eval:truthfulqa_gen/{k}" for k in keys}, rel


def test_contrast_rejects_bad_references():
    m = em.get("lm_eval:truthfulqa_gen/bleu_max")
    with pytest.raises(em.InvalidInput, match="incorrect"):
        m.compute(["a", "b"], [{"correct": ["a"], "incorrect": ["b"]}, {"correct": ["a"], "incorrect": []}])
    with pytest.raises(em.InvalidInput):
        m.score("a", ["a", "b"])


# ---------------------------------------------------------------------------------------------- CNN/DailyMail

SUMMARY_ATOMS = ["The", "president", "said", "running", "runs", "ran", "cats", "cat's", "U.S.", "  ", "\n", "\t",
                 "1,000", "2024", "It's", "well-known", "é", "\u00a0", "studies", "studying", "."]


@st.composite
def summary(draw):
    return " ".join(draw(st.lists(st.sampled_from(SUMMARY_ATOMS), max_size=12)))


@st.composite
def cnn_case(draw):
    ref = draw(st.one_of(summary(), text))
    kind = draw(st.integers(0, 3))
    if kind == 0:
        pred = ref
    elif kind == 1:
        pred = draw(mutated(ref))
    else:
        pred = draw(st.one_of(summary(), text))
    return pred, ref


@functools.lru_cache(maxsize=None)
def _cnn_oracle():
    mod = _module("cnn_dailymail/utils.py")
    if getattr(mod, "BERTSCORE_AVAILABLE", False):
        pytest.skip("bert_score is installed: the hook would load a BERTScore model for every document")
    return _memo(lambda x: mod.process_results({"highlights": x[1]}, [x[0]]))


@pytest.mark.parametrize("key", _CNN)
def test_cnn_dailymail_rouge(key):
    oracle = _cnn_oracle()
    m = em.get(f"lm_eval:cnn_dailymail/{key}")
    hand = [("", ""), ("a", ""), ("Running cats", "runs cat"), (" The  U.S.\n", "the u.s.")]
    check(f"lm_eval:cnn_dailymail/{key}", PACKAGE, lambda x: m.score(x[0], x[1]), lambda x: oracle(x)[key],
          cnn_case(), hand)


# ---------------------------------------------------------------------------------------------- longproc


CITIES = ["Alpha", "Beta", "Gamma", "Delta", "Omega City", "São Paulo", "X"]


@st.composite
def route_line(draw):
    a, b = draw(st.sampled_from(CITIES)), draw(st.sampled_from(CITIES))
    return draw(st.sampled_from(["From {} to {}", "from {} to {}", "{} -> {}", "From {} to {}."])).format(a, b)


@st.composite
def path_case(draw):
    gt_lines = draw(st.lists(route_line(), min_size=1, max_size=5))
    gt = draw(st.sampled_from(["", " ", "\n"])) + "\n".join(gt_lines) + draw(st.sampled_from(["", "\n", "  "]))
    lines = list(gt_lines)
    kind = draw(st.integers(0, 5))
    if kind == 1 and lines:
        lines[draw(st.integers(0, len(lines) - 1))] = draw(route_line())
    elif kind == 2:
        lines = lines[: draw(st.integers(0, len(lines)))]
    elif kind == 3:
        lines = lines + draw(st.lists(route_line(), max_size=2))
    elif kind == 4:
        lines = draw(st.lists(route_line(), max_size=4))
    body = draw(st.sampled_from(["\n", "", " ", "\n\n"])).join(lines) if kind != 5 else draw(text)
    wrap = draw(st.integers(0, 7))
    pre, post = draw(st.sampled_from(["", "Here is the route: ", "<Route>", "x\n"])), draw(
        st.sampled_from(["", " Done.", "</Route>", "\n"]))
    if wrap <= 3:
        pred = f"{pre}<Route>{draw(sep)}{body}{draw(sep)}</Route>{post}"
    elif wrap == 4:
        pred = f"{pre}</Route>{body}<Route>{post}"
    elif wrap == 5:
        pred = f"{pre}<Route>{body}{post}"
    elif wrap == 6:
        pred = f"{pre}{body}{post}"
    else:
        pred = f"<Route>{body}</Route> <Route>{draw(route_line())}</Route>"
    return pred, gt


PATH_HAND = [
    ("<Route>From A to B</Route>", "From A to B"),
    ("<Route></Route>", ""),
    ("<Route>  </Route>", " "),
    ("</Route><Route>", "From A to B"),
    ("<Route>From A to B\nFrom B to C\nFrom C to D</Route>", "From A to B\nFrom B to C"),
    ("<Route>From A to B\nFrom B to X</Route>", "From A to B\nFrom B to C\nFrom C to D"),
    ("<Route>From A to B", "From A to B"),
]


@pytest.mark.parametrize("key", _PATH)
def test_longproc_path_traversal(key):
    hook = _module("longproc/metrics.py").process_results_path_traversal
    m = em.get(f"lm_eval:longproc_path_traversal/{key}")
    check(f"lm_eval:longproc_path_traversal/{key}", PACKAGE, lambda x: m.score(x[0], x[1]),
          lambda x: hook({"reference_output": x[1]}, [x[0]])[key], path_case(), PATH_HAND)

BELIEFS = ["Alice thinks the ball is in the box.", "alice ball box", "Bob believes that the key is on the table",
           "Bob’s location: kitchen", "the", "A", "Step 3", "Carol knows (not) where it is!", "Dave's belief: attic",
           "- nested", "", "  ", "Émile pense que c'est là", "an apple", "X-ray room", "is", "of"]


@st.composite
def belief_line(draw):
    indent = draw(st.sampled_from(["", "", "", " ", "  ", "\t"]))
    dash = draw(st.sampled_from(["-", "-", "-", "- ", "--", "", "* "]))
    return indent + dash + draw(st.one_of(st.sampled_from(BELIEFS), phrase(4)))


@st.composite
def tom_case(draw):
    gt_lines = draw(st.lists(belief_line(), max_size=5))
    head = draw(st.sampled_from(["", "Step 1:\n", "Answer:\n", "   "]))
    line_sep = st.sampled_from(["\n", "\n", "\r\n", "\r", "\x0b", "\u2028", "\n\n"])
    gt = head + "".join(l + draw(line_sep) for l in gt_lines)
    kind = draw(st.integers(0, 4))
    lines = list(gt_lines)
    if kind == 1 and lines:
        lines[draw(st.integers(0, len(lines) - 1))] = draw(belief_line())
    elif kind == 2:
        lines = lines[: draw(st.integers(0, len(lines)))] + draw(st.lists(belief_line(), max_size=2))
    elif kind == 3:
        lines = [draw(mutated(l)) for l in lines]
    elif kind == 4:
        lines = draw(st.lists(belief_line(), max_size=5))
    pred = draw(st.sampled_from(["", "Here are the beliefs:\n", "  ", "Step 1\n"])) + \
        "".join(l + draw(line_sep) for l in lines) + draw(st.sampled_from(["", "Done.", "\n- "]))
    return pred, gt


@st.composite
def tom_clean_case(draw):
    """Well-formed belief lists, the prediction a prefix of the reference's then other lines (partial credit)."""
    who, where = ["Alice", "Bob", "Carol", "Dave"], ["box", "basket", "kitchen", "attic", "garden"]
    belief = st.builds(lambda w, x: f"- {w} thinks the ball is in the {x}.", st.sampled_from(who), st.sampled_from(where))
    gt = draw(st.lists(belief, min_size=1, max_size=6))
    k = draw(st.integers(0, len(gt)))
    pred = gt[:k] + draw(st.lists(belief, max_size=3))
    return "Step 1:\n" + "\n".join(pred), "\n".join(gt)


TOM_HAND = [
    ("", ""), ("- a", ""), ("", "- a"), ("- the", "- a"), ("  - Alice box\n  - Bob key", "- alice box\n- bob key"),
    ("- Alice box\n- Bob key\n- extra", "- alice box\n- bob key"), ("- x\n- y", "- x\n- z\n- w"),
    ("text-with-dash\n- Alice", "- alice"),
]


@pytest.mark.parametrize("key", _PATH)
def test_longproc_tom_tracking(key):
    hook = _module("longproc/metrics.py").process_results_tom_tracking
    m = em.get(f"lm_eval:longproc_tom_tracking/{key}")
    check(f"lm_eval:longproc_tom_tracking/{key}", PACKAGE, lambda x: m.score(x[0], x[1]),
          lambda x: hook({"reference_output": x[1]}, [x[0]])[key], st.one_of(tom_case(), tom_clean_case()),
          TOM_HAND)


# ---------------------------------------------------------------------------------------------- EQ-Bench

EMOTIONS = ["Surprised", "Confused", "Angry", "Forgiving", "Joy", "Fear", "Pride", "Remorseful", "Sorprès", "Ira",
            "Emoció_1", "angry"]


@st.composite
def eq_case(draw):
    names = draw(st.lists(st.sampled_from(EMOTIONS), min_size=4, max_size=4, unique=draw(st.booleans())))
    scores = [draw(st.integers(0, 10)) for _ in range(4)]
    ref = {}
    for i, (n, s) in enumerate(zip(names, scores), 1):
        ref[f"emotion{i}"] = n
        ref[f"emotion{i}_score"] = draw(st.sampled_from([s, str(s)]))
    kind = draw(st.integers(0, 4))
    rated = list(names)
    if kind == 1:
        rated[draw(st.integers(0, 3))] = draw(st.sampled_from(EMOTIONS))
    elif kind == 2:
        rated = draw(st.lists(st.sampled_from(EMOTIONS), max_size=6))
    draw(st.randoms()).shuffle(rated)
    parts = []
    for n in rated:
        v = draw(st.one_of(st.integers(0, 12), st.sampled_from(["07", "١٢", "100", "3.5", "x"])))
        parts.append(f"{n}:{draw(st.sampled_from([' ', '  ', '', chr(10), ' ' + chr(9)]))}{v}")
    lead = draw(st.sampled_from(["", "First pass scores:\n", "Critique: ok.\nRevised scores:\n"]))
    pred = lead + draw(st.sampled_from(["\n", ", ", " "])).join(parts)
    if kind == 3:
        pred = pred + "\n" + draw(phrase(4))
    elif kind == 4:
        pred = draw(text)
    return pred, repr(ref)


def test_eq_bench():
    hook = _module("eq_bench/utils.py").calculate_score_fullscale
    oracle = _memo(lambda x: hook({"reference_answer_fullscale": x[1]}, [x[0]]))
    ref = repr({"emotion1": "Joy", "emotion1_score": 7, "emotion2": "Fear", "emotion2_score": 0, "emotion3": "Anger",
                "emotion3_score": 2, "emotion4": "Pride", "emotion4_score": 5})
    hand = [("Joy: 7\nFear: 0\nAnger: 2\nPride: 5", ref), ("Joy: 0\nFear: 10\nAnger: 10\nPride: 0", ref),
            ("Joy: 7 Joy: 9 Fear: 0 Anger: 2 Pride: 5", ref), ("", ref), ("Joy: 7\nFear: 0\nAnger: 2", ref)]
    for key in ("eqbench", "percent_parseable"):
        m = em.get(f"lm_eval:eq_bench/{key}")
        check(f"lm_eval:eq_bench/{key}", PACKAGE, lambda x, m=m: m.score(x[0], x[1]),
              lambda x, key=key: oracle(x)[key], eq_case(), hand)
