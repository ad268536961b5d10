"""LogprobScorer against lm-eval 0.4.13's real ``HFLM.loglikelihood`` on the same model and tokenizer.

Both sides get a tiny random GPT-2 (window 64, so long requests are truncated) and a locally trained tokenizer
(GPT-2-like, and Llama-like with a BOS token), and a few hundred requests with shared-context groups, empty
contexts, trailing spaces and uneven lengths. Summed log-probs must agree within 1e-4 and ``is_greedy`` exactly.
A second check runs lighteval 0.13.0's own ``tok_encode_pair`` against the scorer's ``lighteval`` convention.

Runs only in the harness environment (tests/conformance/setup_envs.sh), from the repository root:

    ~/.cache/evalmetrics-conformance/harness/bin/python -m pytest -o addopts="" \\
        tests/conformance/test_scorer_lm_eval.py
"""
from __future__ import annotations

import functools
import random
import types

import pytest

pytest.importorskip("lm_eval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")
torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from lm_eval.api.instance import Instance  # noqa: E402
from lm_eval.models.huggingface import HFLM  # noqa: E402

from evalmetrics.scoring import LogprobScorer  # noqa: E402
from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2, random_requests  # noqa: E402
from evalmetrics.scoring.tokenization import RequestEncoder  # noqa: E402

WINDOW = 64
TOLERANCE = 1e-4

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _requests(tok, model, seed):
    reqs = random_requests(160, seed=seed)
    rng = random.Random(seed)
    # Continuations that are the model's greedy decoding, so that is_greedy is true for some.
    for context, _ in rng.sample(reqs, 30):
        context = context.rstrip() or "Hi"
        ids = tok.encode(context)
        for _ in range(rng.randint(1, 3)):
            with torch.no_grad():
                ids.append(int(model(torch.tensor([ids[-WINDOW:]])).logits[0, -1].argmax()))
        reqs.append((context, tok.decode(ids[len(tok.encode(context)):])))
    bos = tok.decode(tok.bos_token_id)
    reqs += [(bos + "The capital", " of France"), ("", bos + "Paris is"), ("Answer:  ", " 42"), ("", "x")]
    return reqs


@pytest.mark.parametrize("add_bos", [False, True], ids=["gpt2-like", "bos-adding"])
def test_scorer_equals_hflm_loglikelihood(add_bos):
    tok = bpe_tokenizer(add_bos=add_bos)
    model = random_gpt2(len(tok) + 3, n_positions=WINDOW, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    reqs = _requests(tok, model, seed=11 + add_bos)
    instances = [
        Instance(request_type="loglikelihood", doc={}, arguments=(c, k), idx=0, metadata=("scorer", i, 1))
        for i, (c, k) in enumerate(reqs)
    ]
    hflm = HFLM(pretrained=model, tokenizer=tok, backend="causal", batch_size=8)
    expected = hflm.loglikelihood(instances, disable_tqdm=True)
    assert hflm.max_length == WINDOW
    assert sum(g for _, g in expected) >= 10, "some continuations should be greedy"

    worst = 0.0
    for kwargs in ({}, {"share_prefix": False}, {"batch_invariant": True}, {"batch_size": 3}):
        got = LogprobScorer(model, tok, **{"batch_size": 8, **kwargs}).score(reqs)
        errors = [abs(r.logprob - lp) for r, (lp, _) in zip(got, expected, strict=True)]
        flips = [i for i, (r, (_, g)) in enumerate(zip(got, expected)) if r.is_greedy != g]
        worst = max(worst, max(errors))
        assert max(errors) <= TOLERANCE, (kwargs, max(errors))
        assert not flips, (kwargs, [reqs[i] for i in flips])
    print(f"{len(reqs)} requests x 4 configurations, max |ours - HFLM| = {worst:.2e}")


@pytest.mark.parametrize("add_bos", [False, True], ids=["gpt2-like", "bos-adding"])
def test_lighteval_convention_equals_tok_encode_pair(add_bos):
    pytest.importorskip("lighteval")
    from lighteval.models.abstract_model import LightevalModel

    tok = bpe_tokenizer(add_bos=add_bos)
    # lighteval's own method, bound to a stand-in holding just what it reads: the tokenizer and the
    # add_special_tokens setting (TransformersModelConfig's default, True).
    fake = types.SimpleNamespace(tokenizer=tok, add_special_tokens=True)
    fake.tok_encode = functools.partial(LightevalModel.tok_encode, fake)
    encoder = RequestEncoder(tok, "lighteval", prefix_token_id=None, vocab_size=None)
    reqs = [(c, k) for c, k in random_requests(160, seed=5) if c.strip()]
    for i, (context, continuation) in enumerate(reqs):
        contexts, continuations = LightevalModel.tok_encode_pair(fake, context, [continuation], pairwise=True)
        ours = encoder.encode(i, (context, continuation))
        assert (list(ours.context), list(ours.continuation)) == (list(contexts[0]), list(continuations[0]))
