"""LogprobScorer against a naive one-request-at-a-time reference, on a tiny random GPT-2 and local tokenizers.

The reference (``naive_*`` below) is written plainly: lm_eval's tokenization rule, the left-truncated sequence
through the model in one forward, a float64 log-softmax, the continuation positions summed.
"""
from __future__ import annotations

import copy
import math
import pickle
import random
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers", reason="the scorer tests build transformers models: pip install transformers")

import evalmetrics as em  # noqa: E402
from evalmetrics.scoring import LogprobScorer  # noqa: E402
from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2, random_requests  # noqa: E402

MAX_LENGTH = 64  # the tiny model's window: small, so that long requests are truncated


# -- the naive reference ---------------------------------------------------------------------------------------


def prefix_token(tok):
    return tok.bos_token_id if tok.bos_token_id is not None else tok.eos_token_id


def lm_eval_tokens(tok, context, continuation):
    """lm_eval 0.4.13 HFLM: trailing context whitespace moves to the continuation; joint encoding split at
    len(encode(context)); a string starting with the BOS text gets no special tokens; empty context -> prefix."""
    prefix = prefix_token(tok)
    bos_text = tok.decode(prefix)

    def encode(s):
        return tok.encode(s, add_special_tokens=False) if s.startswith(bos_text) else tok.encode(s)

    if context == "":
        cont = tok.encode(continuation, add_special_tokens=False)
        return (cont[:1], cont[1:]) if cont[0] == prefix else ([prefix], cont)
    n = len(context) - len(context.rstrip())
    if n:
        context, continuation = context[:-n], context[-n:] + continuation
    whole, ctx = encode(context + continuation), encode(context)
    return ctx, whole[len(ctx):]


def lighteval_tokens(tok, context, continuation):
    n = len(context) - len(context.rstrip())
    if n:
        context, continuation = context[:-n], context[-n:] + continuation
    ctx = tok.encode(context, add_special_tokens=True)
    if ctx and ctx[-1] == tok.eos_token_id:
        ctx = ctx[:-1]
    return ctx, tok.encode(continuation, add_special_tokens=False)


def naive_tokens(model, ctx, cont, window=MAX_LENGTH + 1):
    """One request alone: forward (ctx + cont)[-window:][:-1], float64 log-softmax, sum the continuation."""
    ctx, cont = list(ctx), list(cont)
    inp = (ctx + cont)[-window:][:-1]
    with torch.no_grad():
        logits = model(torch.tensor([inp])).logits[0].to(torch.float64)
    logprobs = torch.log_softmax(logits, dim=-1)
    first = len(inp) - len(cont)
    total = sum(logprobs[first + j, t].item() for j, t in enumerate(cont))
    greedy = all(int(logits[first + j].argmax()) == t for j, t in enumerate(cont))
    return total, greedy, len(cont)


def naive_strings(model, tok, requests):
    return [naive_tokens(model, *lm_eval_tokens(tok, c, k)) for c, k in requests]


def greedy_continuation(model, ctx, n):
    ids = list(ctx)
    for _ in range(n):
        with torch.no_grad():
            ids.append(int(model(torch.tensor([ids[-MAX_LENGTH:]])).logits[0, -1].argmax()))
    return ids[len(ctx):]


def assert_close_to(results, reference, tol):
    errors = [abs(r.logprob - ref[0]) for r, ref in zip(results, reference, strict=True)]
    assert max(errors) <= tol, f"max |scorer - naive| = {max(errors):.3g} > {tol}"
    assert [r.is_greedy for r in results] == [ref[1] for ref in reference]
    assert [r.n_tokens for r in results] == [ref[2] for ref in reference]
    return max(errors)


# -- fixtures --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny models gain nothing from intra-op threads, and on a busy machine spinning OpenMP threads can make
    every forward tens of times slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def tok():
    return bpe_tokenizer()


@pytest.fixture(scope="module")
def model(tok):
    # Three logits columns more than the tokenizer has, as padded-vocabulary models do.
    return random_gpt2(
        len(tok) + 3, n_positions=MAX_LENGTH, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id
    )


@pytest.fixture(scope="module")
def model64(model):
    return copy.deepcopy(model).double()


@pytest.fixture(scope="module")
def requests(tok, model):
    """~400 string requests: shared-context groups, empty contexts, trailing spaces, uneven and over-long
    lengths, plus continuations that are the model's own greedy decoding (so is_greedy is often true)."""
    reqs = random_requests(150, seed=1)
    rng = random.Random(7)
    for context, _ in rng.sample(reqs, 40):
        context = context.rstrip() or "Hi"
        greedy = greedy_continuation(model, lm_eval_tokens(tok, context, "x")[0], rng.randint(1, 4))
        reqs.append((context, tok.decode(greedy)))
    reqs += [
        ("<|endoftext|>The capital", " of France"),  # context starts with the BOS text: no special tokens
        ("", "<|endoftext|>Paris is"),  # empty context, continuation starts with the prefix token
        ("Answer:  ", " 42"),  # two trailing spaces move to the continuation
    ]
    return reqs


@pytest.fixture(scope="module")
def token_requests(tok, model, requests):
    """The same requests as token ids, plus greedy token continuations (exact, no re-tokenization)."""
    reqs = [lm_eval_tokens(tok, c, k) for c, k in requests]
    rng = random.Random(3)
    for ctx, _ in rng.sample(reqs, 30):
        reqs.append((ctx, greedy_continuation(model, ctx, rng.randint(1, 5))))
    return reqs


@pytest.fixture(scope="module")
def reference(model, tok, requests):
    return naive_strings(model, tok, requests)


# -- equality with the naive reference -------------------------------------------------------------------------


@pytest.mark.parametrize("share_prefix", [True, False], ids=["shared", "plain"])
def test_matches_naive_reference(model, tok, requests, reference, share_prefix):
    results = LogprobScorer(model, tok, batch_size=16, share_prefix=share_prefix).score(requests, per_token=True)
    assert len(requests) >= 350
    assert sum(ref[1] for ref in reference) >= 20, "the request set should contain greedy continuations"
    assert_close_to(results, reference, 1e-5)
    for r in results:
        assert len(r.token_logprobs) == r.n_tokens
        assert r.logprob == math.fsum(r.token_logprobs)


@pytest.fixture(scope="module")
def reference64(model64, tok, requests):
    return naive_strings(model64, tok, requests)


@pytest.mark.parametrize("share_prefix", [True, False], ids=["shared", "plain"])
def test_exact_forward_isolates_logsoftmax_error(model64, tok, requests, reference64, share_prefix):
    # A float64 model makes the forward pass exact on both sides: what remains is the log-softmax dtype.
    reference = reference64
    fp32 = LogprobScorer(model64, tok, batch_size=16, share_prefix=share_prefix).score(requests)
    assert_close_to(fp32, reference, 1e-5)
    fp64 = LogprobScorer(model64, tok, batch_size=16, share_prefix=share_prefix, logprob_dtype="float64")
    assert_close_to(fp64.score(requests), reference, 1e-9)


def test_token_id_requests_need_no_tokenizer(model, token_requests):
    reference = [naive_tokens(model, c, k) for c, k in token_requests]
    as_lists = LogprobScorer(model, batch_size=8).score(token_requests)
    assert_close_to(as_lists, reference, 1e-5)
    assert sum(r.is_greedy for r in as_lists) >= 30
    as_arrays = [(np.array(c), torch.tensor(k)) for c, k in token_requests]
    assert [r.logprob for r in LogprobScorer(model, batch_size=8).score(as_arrays)] == [r.logprob for r in as_lists]


def test_plain_callable_models(model, tok, requests, reference):
    # A plain callable declares no window, so it is given explicitly.
    returns_tensor = LogprobScorer(lambda ids: model(ids).logits, tok, batch_size=16, max_length=MAX_LENGTH)
    returns_output = LogprobScorer(lambda ids: model(ids), tok, batch_size=16, max_length=MAX_LENGTH)
    assert not returns_tensor.share_prefix
    assert returns_tensor.provenance.logits_selection == "all"
    assert_close_to(returns_tensor.score(requests), reference, 1e-5)
    assert_close_to(returns_output.score(requests), reference, 1e-5)
    with pytest.raises(em.InvalidConfig, match="key/value cache"):
        LogprobScorer(lambda ids: model(ids).logits, tok, share_prefix=True)


def test_bos_adding_tokenizer(tok):
    # A Llama-like tokenizer prepends <s>: empty contexts become [<s>], a context already starting with "<s>"
    # must not get a second one.
    bos_tok = bpe_tokenizer(add_bos=True)
    model = random_gpt2(len(bos_tok), n_positions=MAX_LENGTH, seed=5)
    reqs = random_requests(40, seed=9) + [("<s>Paris is", " the capital"), ("", "<s> Rome"), ("", "Rome")]
    results = LogprobScorer(model, bos_tok, batch_size=8).score(reqs)
    assert_close_to(results, naive_strings(model, bos_tok, reqs), 1e-5)
    assert lm_eval_tokens(bos_tok, "<s>Paris is", " x")[0][:2] != [bos_tok.bos_token_id] * 2


def test_lighteval_convention(model, tok, requests):
    reqs = [(c, k) for c, k in requests if c.strip()]
    # lighteval keeps the last max_length tokens of context + continuation (lm_eval keeps max_length + 1).
    reference = [naive_tokens(model, *lighteval_tokens(tok, c, k), window=MAX_LENGTH) for c, k in reqs]
    results = LogprobScorer(model, tok, batch_size=16, convention="lighteval").score(reqs)
    assert_close_to(results, reference, 1e-5)
    assert results.provenance.convention == "lighteval"
    joint = LogprobScorer(model, tok, batch_size=16).score(reqs)
    assert any(a.n_tokens != b.n_tokens for a, b in zip(results, joint)), "the two conventions should differ"


def _tiny_decoder(kind, vocab_size):
    import transformers

    common = dict(vocab_size=vocab_size, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=MAX_LENGTH)
    config = {"llama": lambda: transformers.LlamaConfig(**common),
              "mistral-sliding-window": lambda: transformers.MistralConfig(sliding_window=16, **common)}[kind]()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return transformers.AutoModelForCausalLM.from_config(config).eval()


@pytest.mark.parametrize("kind", ["llama", "mistral-sliding-window"])
def test_rotary_and_sliding_window_models(kind):
    # Rotary positions come from position_ids (padded prefills must pass them); a sliding-window cache must not
    # hold padded contexts, so each context gets its own prefill there.
    bos_tok = bpe_tokenizer(add_bos=True)
    model = _tiny_decoder(kind, len(bos_tok))
    reqs = random_requests(50, seed=4)
    reference = naive_strings(model, bos_tok, reqs)
    shared = LogprobScorer(model, bos_tok, batch_size=8).score(reqs)
    assert shared.provenance.share_prefix
    assert_close_to(shared, reference, 1e-5)
    assert_close_to(LogprobScorer(model, bos_tok, batch_size=8, share_prefix=False).score(reqs), reference, 1e-5)


# -- shared prefixes -------------------------------------------------------------------------------------------


def test_shared_prefix_equals_plain_path(model, tok, requests):
    shared = LogprobScorer(model, tok, batch_size=16, share_prefix=True).score(requests, per_token=True)
    plain = LogprobScorer(model, tok, batch_size=16, share_prefix=False).score(requests, per_token=True)
    assert max(abs(a.logprob - b.logprob) for a, b in zip(shared, plain)) <= 1e-5
    assert [a.is_greedy for a in shared] == [b.is_greedy for b in plain]
    assert shared.stats.tokens_forwarded < plain.stats.tokens_forwarded
    assert shared.stats.logprob_rows == plain.stats.logprob_rows


def test_a_question_forwards_its_context_once(model):
    context = list(range(10, 50))  # 40 tokens
    letters = [[60], [61], [62], [63]]
    cloze = [[70, 71, 72], [73, 74], [75, 76, 77, 78], [79]]
    scorer = LogprobScorer(model, batch_size=8)
    one_token = scorer.score([(context, c) for c in letters])
    # One row, context + nothing, serves all four one-token choices: no prefill and no cache for a lone row.
    assert one_token.stats.tokens_forwarded == 40 and one_token.stats.forward_calls == 1
    # The batch-invariant mode keeps every context on one path: 39 tokens of prefill, then the row [context[-1]].
    invariant = LogprobScorer(model, batch_size=8, batch_invariant=True).score([(context, c) for c in letters])
    assert invariant.stats.tokens_forwarded == 39 + 1 and invariant.stats.forward_calls == 2
    multi = scorer.score([(context, c) for c in cloze])
    assert multi.stats.tokens_forwarded == 39 + sum(len(c) for c in cloze)
    assert multi.stats.shared_contexts == 1
    plain = LogprobScorer(model, batch_size=8, share_prefix=False).score([(context, c) for c in cloze])
    assert plain.stats.tokens_forwarded == sum(40 + len(c) - 1 for c in cloze)
    assert scorer.stats.tokens_forwarded == 40 + 39 + 10  # totals over both calls
    reference = [naive_tokens(model, context, c) for c in cloze]
    assert_close_to(multi, reference, 1e-5)


def test_vocabulary_projection_only_at_continuation_positions(model, tok, requests):
    rows = []
    hook = model.lm_head.register_forward_hook(lambda mod, args, out: rows.append(out.shape[:-1].numel()))
    try:
        for share_prefix in (True, False):
            scorer = LogprobScorer(model, tok, batch_size=16, share_prefix=share_prefix)
            assert scorer.provenance.logits_selection == "head"  # found by a two-token probe, done here
            rows.clear()
            results = scorer.score(requests)
            assert sum(rows) == results.stats.logprob_rows  # the LM head saw only scored positions
    finally:
        hook.remove()
    assert results.stats.logprob_rows <= sum(r.n_tokens for r in results)


def test_head_projects_one_chunk_of_rows_at_a_time(model, tok, requests, reference, monkeypatch):
    from evalmetrics.scoring import engine

    vocab = model.config.vocab_size
    monkeypatch.setattr(engine, "_LOGSOFTMAX_CHUNK_ELEMENTS", 5 * vocab)  # 5 rows per chunk
    scorer = LogprobScorer(model, tok, batch_size=16)
    assert scorer.provenance.logits_selection == "head"  # the probe runs here, before the hook
    rows = []
    hook = model.lm_head.register_forward_hook(lambda mod, args, out: rows.append(out.shape[:-1].numel()))
    try:
        results = scorer.score(requests)
    finally:
        hook.remove()
    assert max(rows) == 5 and sum(rows) == results.stats.logprob_rows
    assert_close_to(results, reference, 1e-5)


def test_soft_capped_logits_fail_the_head_probe():
    # Gemma-2 soft-caps its logits after the output layer: projecting hidden states ourselves would be wrong, so
    # the probe must refuse the head path and the scorer must still match the model's own logits.
    import transformers

    bos_tok = bpe_tokenizer(add_bos=True)
    config = transformers.Gemma2Config(
        vocab_size=len(bos_tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, head_dim=16, max_position_embeddings=MAX_LENGTH, final_logit_softcapping=3.0,
        sliding_window=MAX_LENGTH,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        gemma = transformers.AutoModelForCausalLM.from_config(config).eval()
    scorer = LogprobScorer(gemma, bos_tok, batch_size=8)
    assert scorer.provenance.logits_selection == "mask"
    reqs = random_requests(30, seed=5)
    assert_close_to(scorer.score(reqs), naive_strings(gemma, bos_tok, reqs), 1e-5)


@pytest.mark.parametrize("selection", ["mask", "last", "all"])
def test_fallback_logit_selections(model, tok, requests, reference, selection):
    # Models failing the head probe use logits_to_keep as a mask ("mask"); older transformers take only an integer
    # ("last"), some models none ("all"): same numbers.
    scorer = LogprobScorer(model, tok, batch_size=16)
    scorer._adapter._selection = selection
    assert scorer.provenance.logits_selection == selection
    assert_close_to(scorer.score(requests), reference, 1e-5)


# -- batch invariance ------------------------------------------------------------------------------------------


def _fingerprint(results):
    return [(r.logprob, r.is_greedy, r.token_logprobs) for r in results]


@pytest.mark.parametrize("kind", ["shared", "plain", "callable"])
def test_batch_invariant_mode_is_bit_identical(model, tok, requests, reference, kind):
    subset = requests[:40] + requests[-30:]
    ref = reference[:40] + reference[-30:]
    target = (lambda ids: model(ids).logits) if kind == "callable" else model
    share = {"shared": True, "plain": False, "callable": None}[kind]
    runs = []
    for batch_size, seed in [(1, None), (3, None), (8, None), (8, 1), (3, 2)]:
        order = list(range(len(subset)))
        if seed is not None:
            random.Random(seed).shuffle(order)
        scorer = LogprobScorer(
            target, tok, batch_size=batch_size, share_prefix=share, batch_invariant=True, max_length=MAX_LENGTH
        )
        shuffled = scorer.score([subset[i] for i in order], per_token=True)
        results = [None] * len(subset)
        for pos, i in enumerate(order):
            results[i] = shuffled[pos]
        runs.append(_fingerprint(results))
    assert all(run == runs[0] for run in runs[1:])
    assert_close_to(scorer.score(subset), ref, 1e-5)


# -- truncation and errors -------------------------------------------------------------------------------------


def test_truncation_follows_lm_eval(model, tok):
    long_context = " ".join(["The quick brown fox"] * 30)
    reqs = [(long_context, " jumps over"), (long_context, " the lazy dog"), ("Short", " one")]
    results = LogprobScorer(model, tok).score(reqs)
    assert_close_to(results, naive_strings(model, tok, reqs), 1e-5)
    with pytest.raises(em.InvalidInput) as err:
        LogprobScorer(model, tok, truncate=False).score(reqs)
    assert (err.value.index, err.value.field) == (0, "context")
    with pytest.raises(em.InvalidInput) as err:
        LogprobScorer(model).score([([1], [5] * (MAX_LENGTH + 1))])
    assert err.value.field == "continuation"
    assert len(LogprobScorer(model).score([([1], [5] * MAX_LENGTH)])) == 1  # exactly fills the window


@pytest.mark.parametrize(
    "request_, field",
    [
        (None, "request"),
        (("only one",), "request"),
        ((None, "x"), "context"),
        (("ctx", None), "continuation"),
        (("ctx", [1, 2]), "request"),
        (("ctx", ""), "continuation"),
        (("   ", "x"), "context"),  # whitespace-only context encodes to nothing (lm_eval asserts)
        (([1, 2], [10**6]), "continuation"),
        (([-1], [2]), "context"),
        (([1.5], [2]), "context"),
    ],
)
def test_invalid_requests_are_typed(model, tok, request_, field):
    with pytest.raises(em.InvalidInput) as err:
        LogprobScorer(model, tok).score([("fine", " request"), request_])
    assert (err.value.index, err.value.field) == (1, field)


def test_invalid_configuration_and_missing_tokenizer(model):
    with pytest.raises(em.InvalidInput) as err:
        LogprobScorer(model).score([("a string", " needs a tokenizer")])
    assert (err.value.index, err.value.field) == (0, "context")
    with pytest.raises(em.InvalidInput):
        LogprobScorer(model).score([([], [5])])  # empty context and no tokenizer to find a prefix token
    assert LogprobScorer(model, prefix_token_id=1).score([([], [5])])[0].n_tokens == 1
    with pytest.raises(em.InvalidInput):
        LogprobScorer(model).score("not a list")
    for kwargs in ({"batch_size": 0}, {"convention": "helm"}, {"logprob_dtype": "float16"}, {"max_length": -3},
                   {"device": "no-such-device"}, {"truncate": "yes"}):
        with pytest.raises(em.InvalidConfig):
            LogprobScorer(model, **kwargs)
    with pytest.raises(em.InvalidConfig):
        LogprobScorer(lambda ids: ids, dtype="bfloat16")
    with pytest.raises(em.InvalidConfig, match="expected logits"):
        LogprobScorer(lambda ids: ids.float()).score([([1], [2])])
    assert LogprobScorer(model).score([]) == []


# -- provenance, progress, laziness ----------------------------------------------------------------------------


def test_provenance_and_stats(model, tok, requests):
    scorer = LogprobScorer(model, tok, batch_size=4, logprob_dtype="float64")
    results = scorer.score(requests[:20])
    p = results.provenance
    assert p.model_class.endswith("GPT2LMHeadModel")
    assert (p.model_dtype, p.logprob_dtype, p.device, p.batch_size) == ("float32", "float64", "cpu", 4)
    assert (p.convention, p.max_length, p.truncate, p.share_prefix) == ("lm_eval", MAX_LENGTH, True, True)
    assert p.logits_selection == "head" and p.torch_version == torch.__version__ and p.transformers_version
    assert p.weights_sha256 == LogprobScorer(copy.deepcopy(model), tok).provenance.weights_sha256
    changed = copy.deepcopy(model)
    with torch.no_grad():
        changed.lm_head.weight[0, 0] += 1
    assert LogprobScorer(changed, tok).provenance.weights_sha256 != p.weights_sha256
    assert LogprobScorer(model, tok, hash_weights=False).provenance.weights_sha256 is None
    assert results.stats.requests == 20 and scorer.stats.requests == 20
    restored = pickle.loads(pickle.dumps(results))
    assert restored == results and restored.provenance == p and restored.stats == results.stats


def test_progress_bar_only_when_asked(model, capsys):
    LogprobScorer(model, batch_size=1, progress=True).score([([1, 2], [3])] * 3)
    assert "LogprobScorer" in capsys.readouterr().err
    LogprobScorer(model, batch_size=1, progress=False).score([([1, 2], [3])] * 3)
    assert capsys.readouterr().err == ""


def test_import_evalmetrics_does_not_load_torch():
    code = (
        "import sys, evalmetrics\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules\n"
        "evalmetrics.LogprobScorer\n"
        "assert 'torch' in sys.modules and 'transformers' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- CUDA: runs where a GPU is present (the CI machine has none; benchmarks/RESULTS.md says how to run it) --------

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")


@needs_cuda
@pytest.mark.parametrize("share_prefix", [True, False], ids=["shared", "plain"])
def test_cuda_matches_the_cpu_naive_reference(model, tok, requests, reference, share_prefix):
    gpu = copy.deepcopy(model)
    results = LogprobScorer(gpu, tok, batch_size=16, device="cuda", share_prefix=share_prefix).score(requests)
    assert results.provenance.device.startswith("cuda") and results.provenance.logits_selection == "head"
    assert_close_to(results, reference, 1e-4)


@needs_cuda
def test_cuda_batch_invariant_mode_is_bit_identical(model, tok, requests):
    gpu = copy.deepcopy(model).to("cuda")
    subset = requests[:60]
    runs = []
    for batch_size, seed in [(1, None), (8, None), (8, 1)]:
        order = list(range(len(subset)))
        if seed is not None:
            random.Random(seed).shuffle(order)
        out = LogprobScorer(gpu, tok, batch_size=batch_size, batch_invariant=True).score(
            [subset[i] for i in order], per_token=True
        )
        back = [None] * len(order)
        for pos, i in enumerate(order):
            back[i] = out[pos]
        runs.append(_fingerprint(back))
    assert runs[0] == runs[1] == runs[2]


# -- rolling (whole-document) log-likelihood -------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from evalmetrics.scoring import RollingRecord  # noqa: E402
from evalmetrics.scoring.rolling import count_bytes, count_words, rolling_windows  # noqa: E402

ROLL_WINDOW = 16  # a small window, so that documents span several


def lm_eval_document_tokens(tok, text):
    """HFLM.tok_encode: default special tokens, none when the text starts with the prefix token's text."""
    bos_text = tok.decode(prefix_token(tok))
    return tok.encode(text, add_special_tokens=False) if text.startswith(bos_text) else tok.encode(text)


def naive_rolling(model, tok, text, window=ROLL_WINDOW):
    """Written plainly: the first ``window`` tokens after the prefix token, then each next block of ``window``
    tokens after the ``window + 1 - len(block)`` tokens before it; float64 log-softmax; summed."""
    tokens = lm_eval_document_tokens(tok, text)
    total, n = 0.0, 0
    blocks = [(0, min(window, len(tokens)))] if tokens else []
    while blocks and blocks[-1][1] < len(tokens):
        a = blocks[-1][1]
        blocks.append((a, min(a + window, len(tokens))))
    for a, b in blocks:
        ctx = [prefix_token(tok)] if a == 0 else tokens[max(0, b - window - 1):a]
        lp, _, k = naive_tokens(model, ctx, tokens[a:b], window=window + 1)
        total += lp
        n += k
    return total, n, len(blocks)


@pytest.fixture(scope="module")
def roll_model(tok):
    return random_gpt2(len(tok) + 3, n_layer=2, n_embd=32, n_head=2, n_positions=ROLL_WINDOW,
                       bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)


@pytest.fixture(scope="module")
def documents():
    rng = random.Random(7)
    words = " ".join(c + " " + k for c, k in random_requests(40, seed=3)).split(" ")
    docs = ["", " ", "a", "é日本", "<|endoftext|>Paris", "\n\n"]
    docs += [" ".join(rng.choice(words) for _ in range(rng.choice([2, 9, 30, 80]))) for _ in range(24)]
    return docs


def test_rolling_matches_naive_reference(roll_model, tok, documents):
    results = LogprobScorer(roll_model, tok, batch_size=5).score_rolling(documents)
    assert isinstance(results[0], RollingRecord) and len(results) == len(documents)
    assert max(r.n_windows for r in results) >= 5, "some documents must span several windows"
    for doc, r in zip(documents, results):
        total, n, n_windows = naive_rolling(roll_model, tok, doc)
        assert (r.n_tokens, r.n_windows) == (n, n_windows), doc
        assert abs(r.logprob - total) <= 1e-4 * max(1.0, abs(total)), (doc, r.logprob, total)
        assert (r.n_words, r.n_bytes) == (count_words(doc), count_bytes(doc))
    assert results[0] == RollingRecord(0.0, 0, 0, 1, 0)  # the empty document: no token, lm_eval's 0 and 1 word


def test_rolling_short_document_equals_empty_context_request(roll_model, tok):
    """A document within one window is the request ("", document) for a tokenizer that adds no special tokens."""
    docs = ["The quick brown fox", "Paris is", "x"]
    rolled = LogprobScorer(roll_model, tok, batch_invariant=True).score_rolling(docs)
    plain = LogprobScorer(roll_model, tok, batch_invariant=True).score([("", d) for d in docs])
    assert [r.logprob for r in rolled] == [p.logprob for p in plain]
    assert [r.n_windows for r in rolled] == [1, 1, 1]


def test_rolling_per_token_and_bos_adding_tokenizer(roll_model):
    tok_bos = bpe_tokenizer(add_bos=True)
    doc = "Water boils at 100 degrees Celsius at sea level. " * 3
    (r,) = LogprobScorer(roll_model, tok_bos).score_rolling([doc], per_token=True)
    assert len(r.token_logprobs) == r.n_tokens == len(tok_bos.encode(doc))  # BOS included, as lm_eval scores it
    assert r.logprob == math.fsum(r.token_logprobs)
    total, n, _ = naive_rolling(roll_model, tok_bos, doc)
    assert n == r.n_tokens and abs(r.logprob - total) <= 1e-4 * abs(total)


def test_rolling_batch_invariant_is_bit_identical_and_shares_nothing(roll_model, tok, documents):
    """Each document's value is its own: same bits whatever the batch size, the order or the other documents."""
    base = LogprobScorer(roll_model, tok, batch_size=1, batch_invariant=True).score_rolling(documents, per_token=True)
    order = list(range(len(documents)))
    random.Random(2).shuffle(order)
    shuffled = LogprobScorer(roll_model, tok, batch_size=7, batch_invariant=True).score_rolling(
        [documents[i] for i in order], per_token=True)
    assert [shuffled[order.index(i)] for i in range(len(documents))] == list(base)
    alone = LogprobScorer(roll_model, tok, batch_invariant=True).score_rolling([documents[-1]], per_token=True)
    assert alone[0] == base[-1]


def test_rolling_counts_from_another_text_and_stats(roll_model, tok):
    scorer = LogprobScorer(roll_model, tok)
    r = scorer.score_rolling(["a b", "c"], count_texts=["a  b c d", "é"])
    assert [(x.n_words, x.n_bytes) for x in r] == [(4, 8), (1, 2)]
    assert r.stats.requests == 2 and r.stats.forward_calls >= 1 and r.provenance.convention == "lm_eval"
    assert list(scorer.score_rolling([])) == []


@pytest.mark.parametrize("texts,kwargs,field", [
    ("a document", {}, "texts"),
    (None, {}, "texts"),
    (["ok", None], {}, "text"),
    (["ok", 3], {}, "text"),
    (["a", "b"], {"count_texts": ["a"]}, "count_texts"),
    (["a"], {"count_texts": "a"}, "count_texts"),
    (["a"], {"count_texts": [None]}, "count_text"),
])
def test_rolling_invalid_input_is_typed(roll_model, tok, texts, kwargs, field):
    with pytest.raises(em.InvalidInput) as e:
        LogprobScorer(roll_model, tok).score_rolling(texts, **kwargs)
    assert e.value.field == field
    if texts and not isinstance(texts, str) and None in texts:
        assert e.value.index == 1


def test_rolling_needs_the_lm_eval_convention_and_a_tokenizer(roll_model, tok):
    with pytest.raises(em.InvalidConfig, match="convention"):
        LogprobScorer(roll_model, tok, convention="lighteval").score_rolling(["a"])
    with pytest.raises(em.InvalidConfig, match="tokenizer"):
        LogprobScorer(roll_model).score_rolling(["a"])


@settings(max_examples=300, deadline=None)
@given(n=st.integers(0, 60), window=st.integers(1, 9))
def test_rolling_windows_score_every_token_once_after_its_own_prefix(n, window):
    tokens = tuple(range(100, 100 + n))
    windows = rolling_windows(tokens, prefix_token=1, max_length=window)
    assert tuple(t for w in windows for t in w.continuation) == tokens
    done = 0
    for k, w in enumerate(windows):
        assert 1 <= len(w.continuation) <= window and len(w.context) + len(w.continuation) <= window + 1
        if k == 0:
            assert w.context == (1,)
        else:  # the context is exactly the tokens before the scored ones, and the model input is a full window
            assert w.context == tokens[done - len(w.context):done]
            assert len(w.context) + len(w.continuation) == window + 1
        done += len(w.continuation)


@needs_cuda
def test_cuda_rolling_matches_the_cpu_naive_reference(roll_model, tok, documents):
    gpu = copy.deepcopy(roll_model)
    results = LogprobScorer(gpu, tok, batch_size=8, device="cuda").score_rolling(documents)
    for doc, r in zip(documents, results):
        total, n, _ = naive_rolling(roll_model, tok, doc)
        assert r.n_tokens == n and abs(r.logprob - total) <= 1e-4 * max(1.0, abs(total))


def test_rolling_lm_eval_window_sums(roll_model, tok, documents):
    """window_sums="lm_eval": each window's float32 terms summed by torch, then the windows in float64 (HFLM's
    order); the default sums every term exactly. Both from the same per-token terms."""
    scorer = LogprobScorer(roll_model, tok, batch_invariant=True)
    exact = scorer.score_rolling(documents, per_token=True)
    harness = scorer.score_rolling(documents, per_token=True, window_sums="lm_eval")
    differ = 0
    for doc, a, b in zip(documents, exact, harness):
        assert a.token_logprobs == b.token_logprobs and a.logprob == math.fsum(a.token_logprobs)
        windows = rolling_windows(tuple(lm_eval_document_tokens(tok, doc)), prefix_token(tok), ROLL_WINDOW)
        total, k = 0, 0
        for w in windows:
            n = len(w.continuation)
            total += float(torch.tensor(b.token_logprobs[k:k + n], dtype=torch.float32).sum())
            k += n
        assert b.logprob == total
        differ += a.logprob != b.logprob
    assert differ > 0, "float32 window sums should differ from exact sums somewhere"
    with pytest.raises(em.InvalidConfig, match="window_sums"):
        scorer.score_rolling(["a"], window_sums="float32")


# ---------------------------------------------------------------------------------------------- docs/scoring.md


def _scoring_doc_blocks():
    import os
    import re

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "scoring.md")
    return path, re.findall(r"```python\n(.*?)```", open(path, encoding="utf-8").read(), re.S)


def test_docs_offline_recipe_runs_and_feeds_each_harness_its_own_texts(tmp_path, monkeypatch, capsys):
    """TRIAL.md item 6: scoring.md passed texts=[" Paris", ...] (lighteval's form) to Choices for every choice
    metric, never is_greedy (so lm_eval:multiple_choice/exact_match failed: `greedy_match needs is_greedy`), and had
    no offline recipe. The `# run: offline` block runs as written (tiny random GPT-2, in-memory tokenizer, no
    download); each harness's sample gets that harness's texts, the lm_eval one its greedy flags."""
    import ast

    from transformers import AutoModelForCausalLM, AutoTokenizer

    doc, blocks = _scoring_doc_blocks()
    (code,) = [b for b in blocks if b.startswith("# run: offline")]
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, doc, "exec"), scope)
    printed = dict(line.rsplit(" ", 1) for line in capsys.readouterr().out.splitlines())
    assert list(printed) == ["lm_eval:acc", "lm_eval:acc_norm", "lm_eval:multiple_choice/exact_match",
                             "lighteval:acc_norm", "lighteval:acc_norm_token"]
    lm, lt, choices = scope["lm_eval_sample"], scope["lighteval_sample"], scope["choices"]
    assert lm.texts == tuple(choices) and all(not t.startswith(" ") for t in lm.texts) and lm.is_greedy is not None
    assert lt.texts == tuple(" " + c for c in choices)
    # the printed values are the rules applied to the records (lm_eval: characters without the space)
    per_char = [lp / len(t) for lp, t in zip(lm.logprobs, choices)]
    assert float(printed["lm_eval:acc_norm"]) == float(per_char.index(max(per_char)) == 0)
    assert float(printed["lm_eval:multiple_choice/exact_match"]) == float(lm.is_greedy[0])
    per_char_lt = [lp / len(t) for lp, t in zip(lt.logprobs, lt.texts)]
    assert float(printed["lighteval:acc_norm"]) == float(per_char_lt.index(max(per_char_lt)) == 0)
    # the saved folder is the same model: from_pretrained("tiny") scores the same
    again = em.LogprobScorer(AutoModelForCausalLM.from_pretrained("tiny"), AutoTokenizer.from_pretrained("tiny"))
    q = scope["question"]
    assert [r.logprob for r in again.score([(q, " " + c) for c in choices])] == list(lm.logprobs)
    # without is_greedy the greedy metric is a typed error naming the field (what the trial hit)
    with pytest.raises(em.InvalidInput) as e:
        em.get("lm_eval:multiple_choice/exact_match").score(em.Choices(logprobs=lm.logprobs, gold=0))
    assert e.value.field == "is_greedy"
    # the model-download example gives lm_eval's aliases lm_eval's texts and the greedy flags (parsed, not run)
    (first,) = [b for b in blocks if 'from_pretrained("gpt2")' in b and "em.Choices(" in b]
    tree = ast.parse(first)
    assigned = {n.targets[0].id: n.value for n in ast.walk(tree) if isinstance(n, ast.Assign)}
    assert [c.value for c in assigned["choices"].elts] == ["Paris", "Rome", "Madrid", "Berlin"]
    call = assigned["sample"]
    assert {k.arg for k in call.keywords} >= {"logprobs", "gold", "texts", "is_greedy"}
