"""Data-parallel scoring: two CPU processes (gloo, loopback) give the same results as one process, in input order.

The test launches this file under ``python -m torch.distributed.run --standalone --nproc_per_node 2``; each rank
runs every scenario of ``SCENARIOS`` through ``score_distributed`` and pickles what it got (or the error it
raised). The test process then scores the same requests in one process and compares.
"""
from __future__ import annotations

import os
import pickle
import random
import subprocess
import warnings
import sys
import time

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers", reason="the distributed scoring test builds a transformers model: "
                    "pip install transformers")

MAX_LENGTH = 64
WORLD_SIZE = 2
LAUNCH_TIMEOUT_S = 240  # a hang (a collective one rank never reaches) fails the test instead of blocking it


# -- what every rank and the reference share -------------------------------------------------------------------


def build():
    from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2

    tok = bpe_tokenizer()
    model = random_gpt2(len(tok), n_positions=MAX_LENGTH, bos_token_id=tok.bos_token_id,
                        eos_token_id=tok.eos_token_id)
    return model, tok


def straddling_requests():
    """An odd number of requests (not divisible by the world size) in which a 6-choice group spans the middle, so
    that a naive split into two halves by count would cut it; plus a context whose two requests sit at the two
    ends of the list, and uneven, truncated and empty-context requests around them."""
    from evalmetrics.scoring.testing import random_requests

    left, right = random_requests(10, seed=11), random_requests(12, seed=12)
    a = min(len(left), len(right) - 1)
    left, right = left[:a], right[: a + 1]
    group = [("Question: which planet is red? Answer:", f" {w}") for w in
             ("Mars", "Venus", "Jupiter", "Saturn", "Mercury", "the Moon")]
    ends = "The capital of Italy is"
    reqs = [(ends, " Rome")] + left + group + right + [(ends, " Paris")]
    return reqs, len(left) + 1  # the requests and the index where the 6-choice group starts


def scenarios():
    """name -> (scorer keyword arguments, score keyword arguments, requests for rank 0, requests for rank 1)."""
    from evalmetrics.scoring.testing import random_requests

    reqs, _ = straddling_requests()
    many = random_requests(60, seed=5)
    many = many if len(many) % 2 else many[:-1]
    broken = list(reqs)
    broken[3] = ("a context", "")  # an empty continuation: invalid, on rank 1 only
    return {
        "invariant": ({"batch_size": 8, "batch_invariant": True}, {"per_token": True}, reqs, reqs),
        "fast_shared": ({"batch_size": 8}, {"per_token": True}, reqs, reqs),
        "fast_many": ({"batch_size": 16}, {}, many, many),
        "fast_plain": ({"batch_size": 8, "share_prefix": False}, {}, reqs, reqs),
        "one_request": ({"batch_size": 8}, {}, reqs[:1], reqs[:1]),
        "empty": ({"batch_size": 8}, {}, [], []),
        "different_requests": ({"batch_size": 8}, {}, reqs, reqs[:-1]),
        "invalid_on_one_rank": ({"batch_size": 8}, {}, reqs, broken),
    }


# -- the worker: one rank under torchrun ------------------------------------------------------------------------


def worker(out_dir):
    torch.set_num_threads(1)
    from evalmetrics.scoring import LogprobScorer, init_distributed, score_distributed

    device = init_distributed("gloo")
    rank = torch.distributed.get_rank()
    model, tok = build()
    got = {}
    for name, (scorer_kw, score_kw, *per_rank) in scenarios().items():
        scorer = LogprobScorer(model, tok, device=device, progress=False, **scorer_kw)
        try:
            got[name] = ("ok", score_distributed(scorer, per_rank[rank], **score_kw))
        except Exception as exc:  # noqa: BLE001 - the test checks which error each rank raised
            got[name] = ("error", type(exc).__name__, str(exc))
    with open(os.path.join(out_dir, f"rank{rank}.pkl"), "wb") as f:
        pickle.dump(got, f)
    torch.distributed.destroy_process_group()


# -- the test process -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    """Run the two ranks once; returns (per-rank results, wall seconds)."""
    out = tmp_path_factory.mktemp("ranks")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    if sys.platform.startswith("linux"):
        env["GLOO_SOCKET_IFNAME"] = "lo"  # loopback only
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={WORLD_SIZE}",
           os.path.abspath(__file__), str(out)]
    # One relaunch if the launcher itself fails (e.g. a rendezvous port taken by another job): a failure of the
    # scoring logic fails both launches, and the results are then checked by the tests below.
    for attempt in (1, 2):
        start = time.monotonic()
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=LAUNCH_TIMEOUT_S, cwd=root)
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"torchrun did not finish within {LAUNCH_TIMEOUT_S} s:\n{exc.stdout}\n{exc.stderr}")
        elapsed = time.monotonic() - start
        if proc.returncode == 0:
            break
        if attempt == 1:
            warnings.warn(f"torchrun launch failed once ({proc.returncode}); relaunching:\n{proc.stderr[-2000:]}")
    assert proc.returncode == 0, f"torchrun failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}"
    ranks = []
    for r in range(WORLD_SIZE):
        with open(out / f"rank{r}.pkl", "rb") as f:
            ranks.append(pickle.load(f))
    return ranks, elapsed


def reference(name):
    from evalmetrics.scoring import LogprobScorer

    scorer_kw, score_kw, reqs, _ = scenarios()[name]
    model, tok = build()
    return LogprobScorer(model, tok, progress=False, **scorer_kw).score(reqs, **score_kw)


def fingerprint(results):
    return [(r.logprob, r.is_greedy, r.n_tokens, r.token_logprobs) for r in results]


def gathered(launched, name):
    ranks, _ = launched
    outcomes = [rank[name] for rank in ranks]
    assert all(o[0] == "ok" for o in outcomes), outcomes
    first = outcomes[0][1]
    for other in outcomes[1:]:  # every rank holds the same gathered results
        assert fingerprint(other[1]) == fingerprint(first)
        assert other[1].provenance == first.provenance and other[1].stats == first.stats
    return first


def test_batch_invariant_mode_is_bit_identical_to_one_process(launched, one_thread):
    results, ref = gathered(launched, "invariant"), reference("invariant")
    assert len(results) % WORLD_SIZE == 1
    assert fingerprint(results) == fingerprint(ref)
    p = results.provenance
    assert (p.world_size, p.backend, p.sharding, p.rank_devices) == (2, "gloo", "contiguous_context_groups_by_tokens",
                                                                      ("cpu", "cpu"))
    assert sum(p.rank_requests) == len(ref) and min(p.rank_requests) > 0
    assert p.batch_invariant and p.weights_sha256 == ref.provenance.weights_sha256  # the same model on every side
    assert {k: v for k, v in p.as_dict().items() if k in ref.provenance.as_dict()} == ref.provenance.as_dict()
    # Groups stayed whole: the ranks together forwarded exactly the tokens one process forwards.
    assert results.stats.requests == ref.stats.requests
    assert results.stats.tokens_forwarded == ref.stats.tokens_forwarded
    assert results.stats.shared_contexts == ref.stats.shared_contexts


def close(a, b, rel=1e-6):
    """Within 1e-6 relative: batches are composed differently across ranks, so float32 forwards round
    differently; a per-token term of about -6 is then off by an ULP or two (4.8e-7 each), which an absolute 1e-6
    bound on a sum of tens of such terms could not hold."""
    return abs(a - b) <= rel * max(1.0, abs(b))


@pytest.mark.parametrize("name", ["fast_shared", "fast_many", "fast_plain"])
def test_fast_mode_matches_one_process(launched, one_thread, name):
    results, ref = gathered(launched, name), reference(name)
    assert len(results) == len(ref) and len(ref) % WORLD_SIZE == 1
    assert all(close(a.logprob, b.logprob) for a, b in zip(results, ref))
    assert [(r.is_greedy, r.n_tokens) for r in results] == [(r.is_greedy, r.n_tokens) for r in ref]
    for a, b in zip(results, ref):
        assert all(close(x, y) for x, y in zip(a.token_logprobs or (), b.token_logprobs or (), strict=True))
    if ref.provenance.share_prefix:
        assert results.stats.tokens_forwarded == ref.stats.tokens_forwarded


def test_fewer_requests_than_ranks(launched, one_thread):
    one = gathered(launched, "one_request")
    assert fingerprint(one) == fingerprint(reference("one_request"))  # scored alone on one rank, as in one process
    assert sorted(one.provenance.rank_requests) == [0, 1]
    empty = gathered(launched, "empty")
    assert list(empty) == [] and empty.provenance.rank_requests == (0, 0)


def test_disagreeing_or_failing_ranks_raise_everywhere_instead_of_hanging(launched):
    ranks, _ = launched
    assert [r["different_requests"][:2] for r in ranks] == [("error", "InvalidInput")] * 2
    assert "different requests" in ranks[1]["different_requests"][2]
    rank0, rank1 = (r["invalid_on_one_rank"] for r in ranks)
    assert rank1[:2] == ("error", "InvalidInput") and "sample 3, field continuation" in rank1[2]
    assert rank0[:2] == ("error", "RankFailed") and "rank 1 of 2" in rank0[2] and "sample 3" in rank0[2]


def test_launch_time(launched):
    _, elapsed = launched
    print(f"\ntwo-rank torchrun run: {elapsed:.1f} s")  # shown with -s; the brief's budget is about a minute
    assert elapsed < LAUNCH_TIMEOUT_S


# -- in-process: the sharding rule and the single-process fallback ---------------------------------------------


def test_sharding_keeps_groups_whole_and_balances_tokens():
    from evalmetrics.scoring.distributed import shard_requests
    from evalmetrics.scoring.tokenization import Encoded

    rng = random.Random(0)
    for trial in range(300):
        contexts = [tuple(rng.randrange(50) for _ in range(rng.randint(1, 30))) for _ in range(rng.randint(1, 12))]
        reqs = [Encoded(rng.choice(contexts), tuple(range(rng.randint(1, 8)))) for _ in range(rng.randint(1, 40))]
        world = rng.randint(1, 5)
        share = trial % 2 == 0
        shards = shard_requests(reqs, world, share_prefix=share)
        assert shards == shard_requests(reqs, world, share_prefix=share)  # deterministic
        assert sorted(i for s in shards for i in s) == list(range(len(reqs)))
        assert all(s == sorted(s) for s in shards)
        owner = {i: r for r, s in enumerate(shards) for i in s}
        first_seen = list(dict.fromkeys(r.context for r in reqs))
        ranks_by_group = [{owner[i] for i, r in enumerate(reqs) if r.context == c} for c in first_seen]
        assert all(len(g) == 1 for g in ranks_by_group)  # a context group is never split
        order = [next(iter(g)) for g in ranks_by_group]
        assert order == sorted(order)  # contiguous blocks of groups, in order of first appearance

        def cost(idx):
            ctxs = {reqs[i].context for i in idx}
            conts = sum(len(reqs[i].continuation) for i in idx)
            return (sum(map(len, ctxs)) if share else sum(len(reqs[i].context) for i in idx)) + conts

        biggest = max(cost([i for i, r in enumerate(reqs) if r.context == c]) for c in first_seen)
        assert max(cost(s) for s in shards) <= cost(range(len(reqs))) / world + biggest

    reqs, group_start = straddling_requests()
    assert len(reqs) % 2 == 1 and group_start < (len(reqs) + 1) // 2 < group_start + 6  # a naive half-split cuts it


def test_without_process_group_it_is_single_process_scoring(one_thread):
    from evalmetrics.scoring import LogprobScorer, score_distributed

    assert not torch.distributed.is_initialized()
    model, tok = build()
    reqs, _ = straddling_requests()
    scorer = LogprobScorer(model, tok, batch_size=8, progress=False)
    alone = score_distributed(scorer, reqs, per_token=True)
    assert fingerprint(alone) == fingerprint(scorer.score(reqs, per_token=True))
    assert type(alone.provenance).__name__ == "Provenance" and alone.stats.requests == len(reqs)


def test_init_outside_torchrun_starts_no_process_group(monkeypatch):
    from evalmetrics.scoring import init_distributed

    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert init_distributed("gloo") == torch.device("cpu")
    assert not torch.distributed.is_initialized()


if __name__ == "__main__":  # one rank, launched by the `launched` fixture under torchrun
    worker(sys.argv[1])
