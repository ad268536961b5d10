"""Plans and runs the forward passes of a scoring call, then reads log-probs off the logits.

A request is ``context + continuation`` (token ids, already fitted to the window). Position ``p`` of the model
input predicts token ``p + 1``, so the continuation's ``n`` tokens are predicted by the last ``n`` positions of
``context + continuation[:-1]``.

Plain path (any model): each distinct input row ``context + continuation[:-1]`` is forwarded once (requests
with identical rows, such as one-token choices after one context, share it, as lm_eval's logits cache does).
Rows are sorted longest first and right-padded, which a causal model ignores.

Shared-prefix path (models with a key/value cache): requests are grouped by context. Each group's
``context[:-1]`` is forwarded once (the prefill, with no vocabulary projection); then every distinct
continuation row ``context[-1:] + continuation[:-1]`` is forwarded against a copy of that cache. A 4-choice
question costs one context plus four continuations. Prefills of several contexts are right-padded; the
continuation forward masks that padding and passes each row's true positions. A context with a single distinct
row (one-token choices after one context, as in MMLU-letter tasks) gains nothing from a cache, so outside the
batch-invariant mode it goes through the plain path: one row ``context + continuation[:-1]``, no cache held.

Batch-invariant mode: every prefill and every row is forwarded alone, unpadded, and a row serves only requests
with the same tokens, so each result depends on its own request only, not on batch size, order or neighbours.

Log-probs: the kept logits rows (continuation positions only) are produced, cast to the log-prob dtype and
log-softmaxed one chunk of rows at a time (a transformers model projects its kept hidden states chunk by chunk),
so neither a ``[batch, seq, vocab]`` log-prob tensor nor an ``[n_kept, vocab]`` logits tensor need exist.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from .._progress import progress_range
from ..errors import InvalidInput
from .models import KeptLogits, LogitsModel
from .records import ScoringStats
from .tokenization import Encoded

__all__ = ["Engine", "total_logprob"]

_PAD_ID = 0  # right padding sits after every scored position, so its value never matters (lm_eval pads with 0)
_LOGSOFTMAX_CHUNK_ELEMENTS = 1 << 23  # at most 8M vocabulary entries (32 MiB in float32) per chunk


@dataclass
class _Row:
    """One model input row and the requests read off its last ``n_keep`` positions."""

    tokens: tuple[int, ...]
    n_keep: int
    members: list[int] = field(default_factory=list)
    group: int = 0  # shared path: index of the row's context within its prefill


@dataclass
class _Group:
    context: tuple[int, ...]
    rows: dict[tuple[int, ...], _Row] = field(default_factory=dict)

    @property
    def n_requests(self) -> int:
        return sum(len(r.members) for r in self.rows.values())


class Engine:
    """Runs one scoring call; see the module docstring for the rules.

    ``run`` returns, per request in input order, the per-token log-probs and the is-greedy flag.
    """

    def __init__(
        self,
        model: LogitsModel,
        *,
        batch_size: int,
        share_prefix: bool,
        batch_invariant: bool,
        logprob_dtype: torch.dtype,
        device: torch.device,
    ):
        self.model = model
        self.rows_per_forward = 1 if batch_invariant else batch_size
        self.share_prefix = share_prefix
        self.batch_invariant = batch_invariant
        self.logprob_dtype = logprob_dtype
        self.device = device

    def run(self, requests: list[Encoded], stats: ScoringStats, progress: bool | None):
        out: list = [None] * len(requests)
        if self.share_prefix:
            steps = self._shared_steps(requests, stats)
        else:
            steps = self._plain_steps(requests, stats)
        prefilled = None  # (group chunk, its cache)
        for k in progress_range(len(steps), desc="LogprobScorer", force=progress):
            groups, rows = steps[k]
            if groups is None:
                logits = self._forward_plain(rows, stats)
            else:
                if prefilled is None or prefilled[0] is not groups:
                    prefilled = (groups, self._prefill(groups, stats))
                logits = self._forward_continuations(groups, prefilled[1], rows, stats)
            self._read(logits, rows, requests, out, stats)
        return out

    # -- planning ----------------------------------------------------------------------------------------------

    def _plain_steps(self, requests, stats):
        rows: dict = {}
        for i, r in enumerate(requests):
            tokens = r.context + r.continuation[:-1]
            n = len(r.continuation)
            key = (tokens, n) if self.batch_invariant else tokens
            row = rows.get(key)
            if row is None:
                row = rows[key] = _Row(tokens, n)
            row.n_keep = max(row.n_keep, n)
            row.members.append(i)
        stats.shared_contexts += sum(len(r.members) > 1 for r in rows.values())
        return self._whole_row_steps(rows.values())

    def _whole_row_steps(self, rows):
        ordered = sorted(rows, key=lambda r: (-len(r.tokens), r.tokens))
        return [(None, chunk) for chunk in _chunks(ordered, self.rows_per_forward)]

    def _shared_steps(self, requests, stats):
        groups: dict = {}
        for i, r in enumerate(requests):
            group = groups.get(r.context)
            if group is None:
                group = groups[r.context] = _Group(r.context)
            tokens = r.context[-1:] + r.continuation[:-1]
            row = group.rows.get(tokens)
            if row is None:
                row = group.rows[tokens] = _Row(tokens, len(tokens))
            row.members.append(i)
        stats.shared_contexts += sum(g.n_requests > 1 for g in groups.values())
        whole = []
        if not self.batch_invariant:  # there, a request's path must not depend on its neighbours
            for key in [k for k, g in groups.items() if len(g.rows) == 1]:
                group = groups.pop(key)
                (row,) = group.rows.values()
                whole.append(_Row(group.context[:-1] + row.tokens, len(row.tokens), row.members))
        # Longest contexts first, so that the contexts sharing a prefill have similar lengths.
        ordered = sorted(groups.values(), key=lambda g: (-len(g.context), -max(map(len, g.rows)), g.context))
        per_prefill = self.rows_per_forward if self.model.pad_contexts else 1
        steps = self._whole_row_steps(whole)
        for chunk in _chunks(ordered, per_prefill):
            rows = []
            for gi, group in enumerate(chunk):
                for row in group.rows.values():
                    row.group = gi
                    rows.append(row)
            # Within a length, prefill order: one row per context in order reuses the cache without a copy.
            rows.sort(key=lambda r: (-len(r.tokens), r.group, r.tokens))
            steps.extend((chunk, part) for part in _chunks(rows, self.rows_per_forward))
        return steps

    # -- forwards ----------------------------------------------------------------------------------------------

    def _forward_plain(self, rows, stats):
        width = max(len(r.tokens) for r in rows)
        ids = _right_padded([r.tokens for r in rows], width)
        keep = [[False] * (len(r.tokens) - r.n_keep) + [True] * r.n_keep + [False] * (width - len(r.tokens))
                for r in rows]
        _count(stats, [len(r.tokens) for r in rows], width)
        return self.model.logits(self._tensor(ids), self._tensor(keep, torch.bool))

    def _prefill(self, groups, stats):
        lengths = [len(g.context) - 1 for g in groups]
        width = max(lengths)
        if width == 0:
            return None
        _count(stats, lengths, width)
        return self.model.prefill(self._tensor(_right_padded([g.context[:-1] for g in groups], width)))

    def _forward_continuations(self, groups, cache, rows, stats):
        width = max(len(r.tokens) for r in rows)
        ids = _right_padded([r.tokens for r in rows], width)
        keep = [[True] * len(r.tokens) + [False] * (width - len(r.tokens)) for r in rows]
        _count(stats, [len(r.tokens) for r in rows], width)
        kwargs = {}
        if cache is not None:
            past = [len(groups[r.group].context) - 1 for r in rows]
            padded_past = max(len(g.context) for g in groups) - 1
            index = [r.group for r in rows]
            kwargs["cache"] = self.model.select_rows(cache, None if index == list(range(len(groups))) else index)
            if any(p != padded_past for p in past):
                # Mask the prefill's right padding; the rows' own right padding follows every scored position.
                kwargs["attention_mask"] = self._tensor(
                    [[1] * p + [0] * (padded_past - p) + [1] * width for p in past]
                )
                # A row's padding repeats its last position, which keeps every position inside the window.
                kwargs["position_ids"] = self._tensor(
                    [[p + min(j, len(r.tokens) - 1) for j in range(width)] for p, r in zip(past, rows)]
                )
        return self.model.logits(self._tensor(ids), self._tensor(keep, torch.bool), **kwargs)

    def _tensor(self, data, dtype=torch.long):
        return torch.tensor(data, dtype=dtype, device=self.device)

    # -- reading log-probs -------------------------------------------------------------------------------------

    def _read(self, logits: KeptLogits, rows, requests, out, stats):
        """Log-softmax the kept rows and store each member's per-token log-probs and greedy flag."""
        positions, targets, spans = [], [], []
        offset = 0
        for row in rows:
            for i in row.members:
                cont = requests[i].continuation
                start = offset + row.n_keep - len(cont)
                positions.extend(range(start, start + len(cont)))
                targets.extend(cont)
                spans.append((i, len(cont)))
            offset += row.n_keep
        n_rows, vocab = logits.n_rows, logits.vocab
        if n_rows != offset:
            raise RuntimeError(f"model returned {n_rows} logits rows for {offset} kept positions")
        if max(targets) >= vocab:
            bad = next(i for i, n in spans if max(requests[i].continuation) >= vocab)
            raise InvalidInput(
                f"has a token id >= the model's vocabulary size {vocab}", index=bad, field="continuation"
            )
        stats.logprob_rows += n_rows
        step = max(1, _LOGSOFTMAX_CHUNK_ELEMENTS // vocab)
        values = greedy = pos = tgt = None
        for a in range(0, n_rows, step):
            b = min(a + step, n_rows)
            chunk = logits.rows(a, b)
            if values is None:
                device = chunk.device
                pos = torch.tensor(positions, device=device)
                tgt = torch.tensor(targets, device=device)
                values = torch.empty(len(positions), dtype=self.logprob_dtype, device=device)
                greedy = torch.empty(n_rows, dtype=torch.long, device=device)
            logprobs = torch.log_softmax(chunk.to(self.logprob_dtype), dim=-1)
            del chunk
            greedy[a:b] = logprobs.argmax(dim=-1)
            sel = ((pos >= a) & (pos < b)).nonzero().squeeze(1)
            values[sel] = logprobs[pos[sel] - a, tgt[sel]]
        is_greedy = (greedy[pos] == tgt).tolist()
        values = values.tolist()
        k = 0
        for i, n in spans:
            out[i] = (tuple(values[k : k + n]), all(is_greedy[k : k + n]))
            k += n


def _chunks(items, size):
    return [items[k : k + size] for k in range(0, len(items), size)]


def _right_padded(seqs, width):
    return [list(s) + [_PAD_ID] * (width - len(s)) for s in seqs]


def _count(stats: ScoringStats, lengths, width):
    stats.forward_calls += 1
    stats.tokens_forwarded += sum(lengths)
    stats.padded_tokens += len(lengths) * width - sum(lengths)


def total_logprob(values: tuple[float, ...]) -> float:
    """The summed log-prob of one request: an exactly rounded float64 sum of its per-token terms."""
    return math.fsum(values)
