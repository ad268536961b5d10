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
