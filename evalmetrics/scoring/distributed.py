"""Data-parallel scoring with ``torch.distributed``: every rank scores a shard, every rank gets all results.

Launch one process per device with ``torchrun`` and call :func:`score_distributed` on every rank with the same
scorer configuration and the same requests::

    from evalmetrics.scoring import LogprobScorer, init_distributed, score_distributed

    device = init_distributed()                 # env:// from torchrun; cuda:LOCAL_RANK + NCCL, else CPU + gloo
    scorer = LogprobScorer(model, tokenizer, device=device)
    results = score_distributed(scorer, requests)   # on every rank: all results, in input order

The rule, step by step:

1. Every rank encodes and validates *all* requests (tokenization is cheap next to a forward pass), so a
   malformed request raises the same :class:`~evalmetrics.InvalidInput` on every rank.
2. The ranks exchange a SHA-256 of the encoded requests and their scorers' provenance (device aside) in one
   ``all_gather_object``; if any rank failed, or the requests or configurations differ, every rank raises
   instead of hanging in a later collective.
3. Sharding (:func:`shard_requests`, rule :data:`SHARDING_RULE`): requests are grouped by their encoded context
   (the unit the scorer forwards once for all its continuations), groups are ordered by first appearance, and
   that sequence is cut into ``world_size`` contiguous blocks of near-equal token cost. A group never straddles
   two ranks, so shared prefixes still pay off; the rule depends only on the requests and the world size.
4. Each rank scores its shard (in input order) with ``scorer.score``; the records, work counters and devices
   are gathered with ``all_gather_object`` (to every rank, not only rank 0) and put back in input order.

The returned :class:`~evalmetrics.scoring.ScoreResults` is the same on every rank. Its ``stats`` sum the work of
all ranks; its ``provenance`` is a :class:`DistributedProvenance` (rank 0's provenance plus world size, backend,
sharding rule, each rank's device and request count). ``scorer.stats`` counts only this rank's work.

Results equal one-process scoring: bit for bit in batch-invariant mode (each result depends only on its own
request), and to float rounding otherwise (batches are composed differently). Without an initialized default
process group (or ``group``), :func:`score_distributed` is exactly ``scorer.score``.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist

from ..errors import EvalMetricsError, InvalidConfig, InvalidInput
from .records import Provenance, ScoreResults, ScoringStats
from .scorer import LogprobScorer
from .tokenization import LM_EVAL, Encoded, fit_window

__all__ = [
    "SHARDING_RULE",
    "DistributedProvenance",
    "RankFailed",
    "init_distributed",
    "score_distributed",
    "shard_requests",
]

SHARDING_RULE = "contiguous_context_groups_by_tokens"
DEFAULT_TIMEOUT = timedelta(hours=2)


@dataclass(frozen=True)
class DistributedProvenance(Provenance):
    """:class:`Provenance` of a data-parallel scoring call: rank 0's scorer provenance (``device`` is rank 0's)
    plus ``world_size``, the process group's ``backend``, the ``sharding`` rule (:data:`SHARDING_RULE`), and per
    rank (index = rank) its device and the number of requests it scored."""

    world_size: int = 1
    backend: str = ""
    sharding: str = SHARDING_RULE
    rank_devices: tuple[str, ...] = ()
    rank_requests: tuple[int, ...] = ()


class RankFailed(EvalMetricsError, RuntimeError):
    """Another rank failed during :func:`score_distributed`; the message names the rank and its error.
    (The failing rank itself re-raises its own exception.)"""


def init_distributed(backend: str | None = None, timeout: timedelta = DEFAULT_TIMEOUT) -> torch.device:
    """Join the default process group described by ``torchrun``'s environment (``env://``) unless one is already
    initialized, and return this rank's device. Without such an environment (no ``WORLD_SIZE``: a plain
    ``python script.py``), it initializes nothing and returns the device of a single process (``cuda:0`` or CPU,
    by the same backend rule), so :func:`score_distributed` then scores in one process.

    ``backend`` defaults to ``"nccl"`` when CUDA is available, else ``"gloo"``. With NCCL the device is
    ``cuda:LOCAL_RANK`` (one GPU per rank, made the current CUDA device); with any other backend it is the CPU.
    ``timeout`` bounds how long a collective waits, and so how long a rank that finished its shard waits for the
    slowest one at the gather: 2 hours by default (torch's own defaults are 10 min for NCCL, 30 min for gloo,
    which a long run's imbalance between shards can exceed).
    """
    if backend is None:
        backend = "nccl" if torch.cuda.is_available() else "gloo"
    device = torch.device("cpu")
    if backend == "nccl":
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if local_rank >= torch.cuda.device_count():
            raise InvalidConfig(
                f"LOCAL_RANK {local_rank} has no GPU: {torch.cuda.device_count()} visible; launch at most one "
                "process per GPU (torchrun --nproc_per_node <= number of GPUs)"
            )
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    if not dist.is_initialized() and "WORLD_SIZE" in os.environ:
        dist.init_process_group(backend=backend, timeout=timeout)
    return device


def shard_requests(encoded: list[Encoded], world_size: int, *, share_prefix: bool = True) -> list[list[int]]:
    """Request indices per rank (each list ascending): the sharding rule :data:`SHARDING_RULE`.

    Requests with the same encoded context form a group; groups are ordered by first appearance. A group's
    cost is its context's tokens once plus its continuations' tokens (``share_prefix``), or context plus
    continuation tokens of every request (``share_prefix=False``). A group whose cost starts at cumulative
    cost ``s`` goes to rank ``floor((s + cost / 2) * world_size / total)``: contiguous blocks of near-equal
    cost, each group whole (a rank may get nothing when there are fewer groups than ranks).

    >>> reqs = [Encoded((1, 2), (3,)), Encoded((4,), (5,)), Encoded((1, 2), (6,)), Encoded((7,), (8, 9))]
    >>> shard_requests(reqs, 2)      # the two requests after context (1, 2) stay together
    [[0, 2], [1, 3]]
    """
    if isinstance(world_size, bool) or not isinstance(world_size, int) or world_size < 1:
        raise InvalidConfig(f"world_size must be a positive int, got {world_size!r}")
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, r in enumerate(encoded):
        groups.setdefault(r.context, []).append(i)

    def cost(context, members):
        conts = sum(len(encoded[i].continuation) for i in members)
        return len(context) + conts if share_prefix else len(context) * len(members) + conts

    costs = [cost(c, m) for c, m in groups.items()]
    total = sum(costs)
    shards: list[list[int]] = [[] for _ in range(world_size)]
    start = 0
    for members, c in zip(groups.values(), costs):
        rank = min(world_size - 1, (2 * start + c) * world_size // (2 * total))
        shards[rank].extend(members)
        start += c
    for shard in shards:
        shard.sort()
    return shards


def score_distributed(
    scorer: LogprobScorer, requests: Iterable, per_token: bool = False, *, group=None
) -> ScoreResults:
    """Score ``requests`` with ``scorer`` across the ranks of ``group`` (default: the default process group).

    Call it on every rank with the same requests and an identically configured scorer (its ``device`` may
    differ). Returns, on every rank, a :class:`ScoreResults` of every request in input order, whose
    ``provenance`` is a :class:`DistributedProvenance`; see the module docstring for the rule. If
    ``torch.distributed`` is not initialized (and no ``group`` is given), this is ``scorer.score(requests,
    per_token)``.

    Raises :class:`~evalmetrics.InvalidInput` for a malformed request (on every rank) or when the ranks were
    given different requests, :class:`~evalmetrics.InvalidConfig` when their scorers are configured differently,
    and :class:`RankFailed` on the other ranks when one rank fails (that rank re-raises its own error).
    """
    if group is None and not (dist.is_available() and dist.is_initialized()):
        return scorer.score(requests, per_token=per_token)
    world, rank = dist.get_world_size(group), dist.get_rank(group)
    device = torch.device(scorer.device)

    # 1-2. Encode everything on every rank; agree on the requests and the configuration before scoring.
    failure = None
    try:
        encoded = _encode_all(scorer, requests)
        shards = shard_requests(encoded, world, share_prefix=scorer.share_prefix)
        config = {k: v for k, v in scorer.provenance.as_dict().items() if k != "device"}
        mine = {"digest": _digest(encoded), "n": len(encoded), "config": config, "per_token": per_token}
    except Exception as exc:  # noqa: BLE001 - reported to the other ranks, then re-raised here
        failure, mine = exc, {"error": f"{type(exc).__name__}: {exc}"}
    infos = _all_gather(mine, group, device)
    _raise_failures(infos, rank, failure, "while encoding requests")
    _check_agreement(infos)

    # 3-4. Score this rank's shard, gather every shard, restore input order.
    try:
        shard = shards[rank]
        part = scorer.score([(list(encoded[i].context), list(encoded[i].continuation)) for i in shard], per_token)
        mine = {"records": list(part), "stats": part.stats, "device": str(scorer.device)}
    except Exception as exc:  # noqa: BLE001
        failure, mine = exc, {"error": f"{type(exc).__name__}: {exc}"}
    parts = _all_gather(mine, group, device)
    _raise_failures(parts, rank, failure, "while scoring its shard")

    records: list = [None] * len(encoded)
    stats = ScoringStats()
    for shard, part in zip(shards, parts):
        for i, record in zip(shard, part["records"], strict=True):
            records[i] = record
        stats += part["stats"]
    provenance = DistributedProvenance(
        **{**infos[0]["config"], "device": parts[0]["device"]},
        world_size=world,
        backend=str(dist.get_backend(group)),
        sharding=SHARDING_RULE,
        rank_devices=tuple(p["device"] for p in parts),
        rank_requests=tuple(len(s) for s in shards),
    )
    return ScoreResults(records, provenance=provenance, stats=stats)


# -- helpers ---------------------------------------------------------------------------------------------------


def _encode_all(scorer: LogprobScorer, requests) -> list[Encoded]:
    """Exactly what ``scorer.score`` does to its requests before planning the forwards."""
    if requests is None or isinstance(requests, (str, bytes)):
        raise InvalidInput(f"expected a list of (context, continuation) pairs, got {type(requests).__name__}",
                           field="requests")
    window = scorer.max_length + 1 if scorer.convention == LM_EVAL else scorer.max_length
    return [
        fit_window(scorer._encoder.encode(i, request), window, scorer.truncate, i)
        for i, request in enumerate(requests)
    ]


def _digest(encoded: list[Encoded]) -> str:
    h = hashlib.sha256()
    for r in encoded:
        h.update(array("q", (len(r.context), len(r.continuation), *r.context, *r.continuation)).tobytes())
    return h.hexdigest()


def _all_gather(obj, group, device: torch.device) -> list:
    """``all_gather_object`` to every rank. With NCCL the objects travel through the current CUDA device, so it
    is made the scorer's device for the call (one GPU per rank)."""
    out = [None] * dist.get_world_size(group)
    use_device = torch.cuda.device(device) if device.type == "cuda" else contextlib.nullcontext()
    with use_device:
        dist.all_gather_object(out, obj, group=group)
    return out


def _raise_failures(infos: list, rank: int, failure: BaseException | None, when: str) -> None:
    if failure is not None:
        raise failure
    failed = [(r, info["error"]) for r, info in enumerate(infos) if "error" in info]
    if failed:
        r, error = failed[0]
        more = f" (and {len(failed) - 1} other rank(s))" if len(failed) > 1 else ""
        raise RankFailed(f"rank {r} of {len(infos)} failed {when}{more}: {error}")


def _check_agreement(infos: list) -> None:
    first = infos[0]
    for r, info in enumerate(infos[1:], start=1):
        if (info["n"], info["digest"]) != (first["n"], first["digest"]):
            raise InvalidInput(
                f"rank {r} was given different requests than rank 0 ({info['n']} vs {first['n']} requests, or the "
                "same number with different tokens); every rank must pass the same requests in the same order",
                field="requests",
            )
        if info["per_token"] != first["per_token"]:
            raise InvalidConfig(f"per_token is {info['per_token']} on rank {r} but {first['per_token']} on rank 0")
        differing = sorted(k for k in first["config"] if info["config"].get(k) != first["config"][k])
        if differing:
            detail = ", ".join(f"{k}: {first['config'][k]!r} vs {info['config'][k]!r}" for k in differing)
            raise InvalidConfig(f"rank {r}'s scorer differs from rank 0's ({detail}); configure every rank alike")
