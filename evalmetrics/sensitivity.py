"""How much log-prob scores move with batch size and model dtype, and how many multiple-choice answers flip.

``run_sensitivity(model, requests)`` scores the same ``(context, continuation)`` requests with
:class:`evalmetrics.LogprobScorer` under every setting (batch size 1 and ``batch_size``, times each dtype), then for
each pair of settings reports the largest absolute difference of a request's log-probability and, for requests
grouped into questions (rows sharing ``question`` or ``doc_id``, with ``gold`` the index of the correct choice
among the question's rows in file order), how many questions' arg-max choice differs between the two settings.
"""
from __future__ import annotations

import copy
import json
import os

from .errors import InvalidConfig, InvalidInput

__all__ = ["run_sensitivity", "compare", "format_report", "load_model", "read_requests"]

TINY = "tiny-random"


def load_model(spec: str):
    """(model, tokenizer): a local transformers folder (no download), or ``tiny-random`` (a seeded random GPT-2
    with an in-memory BPE tokenizer, from :mod:`evalmetrics.scoring.testing`)."""
    if spec == TINY:
        from .scoring.testing import bpe_tokenizer, random_gpt2

        tok = bpe_tokenizer()
        return random_gpt2(len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id), tok
    if not os.path.isdir(spec):
        raise InvalidConfig(f"--model must be a local transformers folder or {TINY!r}; {spec!r} is not a folder")
    import transformers

    tok = transformers.AutoTokenizer.from_pretrained(spec, local_files_only=True)
    model = transformers.AutoModelForCausalLM.from_pretrained(spec, local_files_only=True, torch_dtype="float32")
    return model.eval(), tok


def read_requests(path: str, limit: int | None = None):
    """(requests, questions): [(context, continuation)], and {question key: (row indices, gold)} for rows that
    name a question and a gold index."""
    from .io import read_rows

    requests, groups, golds = [], {}, {}
    for i, row in enumerate(read_rows(path)):
        if limit is not None and i >= limit:
            break
        for f in ("context", "continuation"):
            if not isinstance(row.get(f), str):
                raise InvalidInput(f"expected a string field {f!r}", index=i, field=f)
        requests.append((row["context"], row["continuation"]))
        key = row.get("question", row.get("doc_id"))
        if key is None:
            continue
        key = json.dumps(key, sort_keys=True)
        groups.setdefault(key, []).append(i)
        if row.get("gold") is not None:
            g = row["gold"]
            if isinstance(g, bool) or not isinstance(g, int):
                raise InvalidInput(f"gold must be a choice index, got {g!r}", index=i, field="gold")
            if golds.setdefault(key, g) != g:
                raise InvalidInput(f"gold {g} differs from {golds[key]} given earlier for this question", index=i,
                                   field="gold")
    if not requests:
        raise InvalidInput(f"{path} has no requests", field="requests")
    questions = {}
    for key, idx in groups.items():
        g = golds.get(key)
        if g is not None and not 0 <= g < len(idx):
            raise InvalidInput(f"gold {g} is out of range for {len(idx)} choices", index=idx[0], field="gold")
        questions[key] = (idx, g)
    return requests, questions


def run_sensitivity(model, requests, *, batch_size=8, dtypes=("float32", "bfloat16"), device="cpu", limit=None,
                    return_scores=False):
    """Score under each (dtype, batch size) setting and compare every pair; a JSON-able dict.

    ``model``: a model spec for :func:`load_model` or a ``(model, tokenizer)`` pair; ``requests``: a JSONL path."""
    import numpy as np
    import torch

    from .scoring import LogprobScorer

    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 2:
        raise InvalidConfig(f"batch_size must be an integer >= 2 (it is compared with 1), got {batch_size!r}")
    spec = model if isinstance(model, str) else type(model[0]).__name__
    base, tok = load_model(model) if isinstance(model, str) else model
    reqs, questions = read_requests(requests, limit) if isinstance(requests, str) else (list(requests), {})
    settings, scores = [], {}
    for dt in dtypes:
        if dt not in ("float32", "bfloat16", "float16", "float64"):
            raise InvalidConfig(f"dtype must be float32, bfloat16, float16 or float64, got {dt!r}")
        m = copy.deepcopy(base)
        for bs in (1, batch_size):
            name = f"{dt}, batch {bs}"
            scorer = LogprobScorer(m, tok, batch_size=bs, device=device, dtype=dt, progress=False, hash_weights=False)
            scores[name] = np.array([r.logprob for r in scorer.score(reqs)], dtype=np.float64)
            settings.append({"name": name, "dtype": dt, "batch_size": bs})
        del m
        if device != "cpu" and torch.cuda.is_available():
            torch.cuda.empty_cache()
    out = compare(scores, questions)
    for s in settings:
        s.update(out["settings"][s["name"]])
    return {"model": spec, "requests": len(reqs), "questions": len(questions),
            "graded_questions": out["graded_questions"], "device": str(device), "settings": settings,
            "pairs": out["pairs"], **({"scores": {k: v.tolist() for k, v in scores.items()}} if return_scores else {})}


def compare(scores: dict, questions: dict) -> dict:
    """Pairwise comparison of per-request log-probs ``{setting: array}``; ``questions``: ``{key: (row indices,
    gold or None)}``. A question's decision is the arg-max of its rows' log-probs (ties: the first row)."""
    import numpy as np

    names = list(scores)
    graded = {k: g for k, (_, g) in questions.items() if g is not None}
    chosen = {n: {k: int(np.argmax(scores[n][idx])) for k, (idx, _) in questions.items()} for n in names}
    per_setting = {n: ({"accuracy": sum(chosen[n][k] == g for k, g in graded.items()) / len(graded)} if graded else {})
                   for n in names}
    pairs = []
    for x in range(len(names)):
        for y in range(x + 1, len(names)):
            a, b = names[x], names[y]
            d = np.abs(np.asarray(scores[a], dtype=np.float64) - np.asarray(scores[b], dtype=np.float64))
            worst = int(np.argmax(d))
            pairs.append({
                "a": a, "b": b,
                "max_abs_logprob_diff": float(d[worst]), "at_request": worst,
                "mean_abs_logprob_diff": float(d.mean()),
                "decision_flips": sum(chosen[a][k] != chosen[b][k] for k in questions),
            })
    return {"settings": per_setting, "pairs": pairs, "graded_questions": len(graded)}


def format_report(out: dict) -> str:
    lines = [f"model {out['model']}: {out['requests']} requests, {out['questions']} multiple-choice questions "
             f"({out['graded_questions']} with a gold answer), device {out['device']}", ""]
    for s in out["settings"]:
        acc = f"   accuracy {s['accuracy']:.4f}" if "accuracy" in s else ""
        lines.append(f"  {s['name']:<22}{acc}")
    lines += ["", f"  {'setting A':<22} {'setting B':<22} {'max |dlogp|':>12} {'mean |dlogp|':>13} {'flips':>6}"]
    for p in out["pairs"]:
        lines.append(f"  {p['a']:<22} {p['b']:<22} {p['max_abs_logprob_diff']:>12.3g} "
                     f"{p['mean_abs_logprob_diff']:>13.3g} {p['decision_flips']:>6}")
    lines.append("\n(flips: questions whose arg-max choice differs between the two settings)")
    return "\n".join(lines)
