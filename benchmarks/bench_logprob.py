"""LogprobScorer side by side with lm-eval's HFLM.loglikelihood: same random model, same requests, one run.

    PYTHONPATH=. ~/.cache/evalmetrics-conformance/harness/bin/python benchmarks/bench_logprob.py --small --out r.json

Model: a randomly initialised GPT-2-small-like LM (12 layers, 768 wide, ~124M parameters with a 50,257-token
vocabulary) and the same with a 128,000-token vocabulary; ``--small`` uses 4 layers, 256 wide (same
vocabularies) for a quick CPU run. Requests are strings over a word-level tokenizer (one token per word).

Workloads (``--questions`` questions of 4 choices each):
  mmlu_letter  ~800-token shared context, 4 one-token choices (HFLM already forwards such a question once)
  cloze        the same long context, 4 continuations of 5-15 tokens
  hellaswag    ~50-token context, 4 continuations of 20-30 tokens
  rolling      ``--questions`` documents of 2,148-2,972 tokens, whole-document log-likelihood over windows of the
               model's 1,024 positions (ours: ``LogprobScorer.score_rolling``; HFLM: ``loglikelihood_rolling``)

Per workload and engine, measured in a fresh subprocess: tokens forwarded (real, non-padding token positions
through the transformer, counted by a hook on the base model, so both engines are counted the same way) and
positions computed (padding included); wall time of the scoring call (tokenization included); peak memory
(CPU: the process's peak RSS over every timed repeat, read from /proc after resetting the high-water mark, and its
rise over the RSS before the first repeat, i.e. over the loaded model; GPU: torch.cuda.max_memory_allocated and its
rise over the allocation before the first repeat); wall time is the fastest repeat; and the largest |log-prob difference| and
the number of is_greedy disagreements against HFLM. Engines: ``ours`` (default settings), ``invariant``
(``batch_invariant=True``), ``hflm``, and ``bare``: the model's own forward passes that ``ours`` makes (same input
tensors, same key/value caches, recorded during an untimed scoring call and replayed), each followed by the output
layer over as many rows as ``ours`` scores there, and nothing else (no tokenization, planning, cache copies or
log-softmax). ``ours`` as a fraction of ``bare`` (bare seconds / our seconds) is the scorer's throughput as a fraction
of a bare forward pass over the same tokens. Needs lm_eval for the HFLM column: without it the script says so and
exits 0 (2 with ``--require-peer``).
"""
from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)  # run from a checkout without installing evalmetrics

WORKLOADS = ("mmlu_letter", "cloze", "hellaswag", "rolling")
ENGINES = ("ours", "invariant", "bare", "hflm")
FULL = {"n_layer": 12, "n_embd": 768, "n_head": 12}
SMALL = {"n_layer": 4, "n_embd": 256, "n_head": 4}
VOCABS = (50257, 128000)
N_POSITIONS = 1024


def workload_requests(name: str, vocab: int, n_questions: int, seed: int = 0) -> list:
    """Deterministic string requests over the word tokenizer's words ``w0 .. w{vocab-3}``: (context, continuation)
    pairs, or for ``rolling`` one document text per question."""
    rng = random.Random(f"{name}-{seed}")

    def words(n: int) -> str:
        return " ".join(f"w{rng.randrange(vocab - 2)}" for _ in range(n))

    if name == "rolling":  # documents of 2-3 model windows: every later window conditions on a full window
        return [words(rng.randint(2 * N_POSITIONS + 100, 3 * N_POSITIONS - 100)) for _ in range(n_questions)]

    letters = [" w0", " w1", " w2", " w3"]  # the same four one-token answers for every question
    requests = []
    for _ in range(n_questions):
        if name == "mmlu_letter":
            context, choices = words(rng.randint(780, 820)), letters
        elif name == "cloze":
            context = words(rng.randint(780, 820))
            choices = [" " + words(rng.randint(5, 15)) for _ in range(4)]
        else:
            context = words(rng.randint(45, 55))
            choices = [" " + words(rng.randint(20, 30)) for _ in range(4)]
        requests += [(context, c) for c in choices]
    return requests


# -- worker: one engine on one workload, in its own process ----------------------------------------------------


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Linux: writing 5 to clear_refs resets the VmHWM high-water mark of this process."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def run_worker(spec: dict) -> dict:
    import logging
    import resource

    import torch
    import transformers

    from evalmetrics.scoring import LogprobScorer
    from evalmetrics.scoring.testing import random_gpt2, word_tokenizer

    if spec["threads"]:
        torch.set_num_threads(spec["threads"])
    logging.disable(logging.WARNING)
    transformers.logging.set_verbosity_error()
    device = torch.device(spec["device"])
    tok = word_tokenizer(spec["vocab"])
    model = random_gpt2(spec["vocab"], n_positions=N_POSITIONS, seed=0, **spec["arch"]).to(device)
    requests = workload_requests(spec["workload"], spec["vocab"], spec["questions"])

    counts = {"tokens": 0, "positions": 0}

    def count(module, args, kwargs):
        ids = kwargs.get("input_ids", args[0] if args else None)
        counts["tokens"] += int((ids != 0).sum())  # id 0 (<unk>) is never a real token here; both engines pad with 0
        counts["positions"] += ids.numel()

    model.transformer.register_forward_pre_hook(count, with_kwargs=True)

    engine = spec["engine"]
    rolling = spec["workload"] == "rolling"
    prepare = None
    if engine == "hflm":
        from lm_eval.api.instance import Instance
        from lm_eval.models.huggingface import HFLM

        hflm = HFLM(pretrained=model, tokenizer=tok, backend="causal", batch_size=spec["batch_size"])
        if rolling:
            instances = [
                Instance(request_type="loglikelihood_rolling", doc={}, arguments=(r,), idx=0, metadata=("bench", i, 1))
                for i, r in enumerate(requests)
            ]

            def score():
                return list(hflm.loglikelihood_rolling(instances, disable_tqdm=True)), [None] * len(instances)
        else:
            instances = [
                Instance(request_type="loglikelihood", doc={}, arguments=r, idx=0, metadata=("bench", i, 1))
                for i, r in enumerate(requests)
            ]

            def score():
                out = hflm.loglikelihood(instances, disable_tqdm=True)
                return [lp for lp, _ in out], [g for _, g in out]
    else:
        scorer = LogprobScorer(
            model, tok, batch_size=spec["batch_size"], batch_invariant=engine == "invariant", progress=False
        )
        scorer.provenance  # noqa: B018 -- the one-token logits_to_keep probe and weight hash happen here, untimed

        def run():
            return scorer.score_rolling(requests) if rolling else scorer.score(requests)

        def score():
            out = run()
            return [r.logprob for r in out], [None if rolling else r.is_greedy for r in out]

        if engine == "bare":
            score, prepare = _bare_replay(model, score)

    # Memory: the high-water mark over every repeat, and its rise over the RSS (or CUDA allocation) before the
    # first one; so memory a repeat frees but the allocator keeps cannot hide in a later repeat's baseline.
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
    reset = _reset_peak_rss()
    rss_before = _status_kib("VmRSS")
    seconds = []
    for _ in range(spec["repeats"]):
        if prepare is not None:
            prepare()
        counts.update(tokens=0, positions=0)
        start = time.perf_counter()
        with torch.inference_mode():
            logprobs, greedy = score()
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
    if device.type == "cuda":
        peak_mib = torch.cuda.max_memory_allocated() / 2**20
        rise_mib = (torch.cuda.max_memory_allocated() - base) / 2**20
    else:
        hwm = _status_kib("VmHWM") if reset else None
        peak_kib = hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak_mib = peak_kib / 1024
        rise_mib = (peak_kib - rss_before) / 1024 if rss_before is not None else None
    if engine == "bare":  # its memory holds the recorded caches: not a figure of anything
        peak_mib = rise_mib = None
    best = {"seconds": min(seconds), "peak_mib": peak_mib, "rise_mib": rise_mib}
    return {
        **best,
        "tokens_forwarded": counts["tokens"],
        "positions_computed": counts["positions"],
        "requests": len(requests),
        "n_parameters": sum(p.numel() for p in model.parameters()),
        "logprobs": logprobs,
        "greedy": greedy,
        "threads": torch.get_num_threads(),
        "memory": "cuda max_memory_allocated" if device.type == "cuda" else ("VmHWM" if reset else "ru_maxrss"),
    }


def _bare_replay(model, scored):
    """Record the base-model calls (inputs, a copy of the cache each starts from) and output-layer rows of one
    untimed scoring call ``scored()`` (returning log-probs and greedy flags); return ``(score, prepare)`` replaying
    just those forwards (``prepare`` makes the fresh cache copies a replay consumes, untimed). ``score`` returns the
    scorer's own log-probs for the comparison."""
    calls = []

    def record(module, args, kwargs):
        cache = kwargs.get("past_key_values")
        kwargs = dict(kwargs)
        if cache is not None:
            kwargs["past_key_values"] = copy.deepcopy(cache)
        calls.append({"kwargs": kwargs, "rows": 0})

    def rows(module, args, out):
        calls[-1]["rows"] += out.shape[0] if out.dim() == 2 else out.shape[:-1].numel()

    hooks = [model.transformer.register_forward_pre_hook(record, with_kwargs=True),
             model.lm_head.register_forward_hook(rows)]
    try:
        logprobs, greedy = scored()
    finally:
        for h in hooks:
            h.remove()
    ready = []

    def prepare():
        ready[:] = [
            ({**c["kwargs"], "past_key_values": copy.deepcopy(c["kwargs"]["past_key_values"])}
             if c["kwargs"].get("past_key_values") is not None else c["kwargs"], c["rows"])
            for c in calls
        ]

    def score():
        for kwargs, n_rows in ready:
            hidden = model.transformer(**kwargs).last_hidden_state
            if n_rows:
                model.lm_head(hidden.reshape(-1, hidden.shape[-1])[:n_rows])
        ready.clear()
        return logprobs, greedy

    return score, prepare


# -- parent: run every (model, workload, engine) and compare ---------------------------------------------------


def _run_in_subprocess(spec: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "result.json")
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", json.dumps(spec), "--out", out]
        subprocess.run(cmd, check=True, env=env)
        with open(out, encoding="utf-8") as f:
            return json.load(f)


def _fmt(x, spec=".2f"):
    return "n/a" if x is None else format(x, spec)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="4 layers, 256 wide (quick CPU run)")
    parser.add_argument("--questions", type=int, default=None, help="questions per workload (4 requests each)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--vocab", type=int, nargs="+", default=list(VOCABS))
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=WORKLOADS)
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--repeats", type=int, default=1, help="timed repeats per engine (the fastest is kept)")
    parser.add_argument("--device", default=None, help="default: cuda when available, else cpu")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch intra-op threads per engine (default: torch's; 1 is steadiest on a shared CPU)")
    parser.add_argument("--out", default=None, help="write the figures as JSON here")
    parser.add_argument("--require-peer", action="store_true", help="fail (exit 2) when lm_eval is missing")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker is not None:
        result = run_worker(json.loads(args.worker))
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(result, f)
        return 0

    engines = list(args.engines)
    if "hflm" in engines and importlib.util.find_spec("lm_eval") is None:
        print("lm_eval is not installed: the HFLM side of this benchmark cannot run "
              "(use the harness environment, tests/conformance/setup_envs.sh).")
        if args.require_peer:
            return 2
        return 0
    import torch

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    arch = SMALL if args.small else FULL
    questions = args.questions or (8 if args.small or device == "cpu" else 64)
    rows = []
    for vocab in args.vocab:
        for workload in args.workloads:
            results = {}
            for engine in engines:
                spec = {"engine": engine, "workload": workload, "vocab": vocab, "arch": arch, "device": device,
                        "questions": questions, "batch_size": args.batch_size, "repeats": args.repeats,
                        "threads": args.threads}
                print(f"running {engine:<9} {workload:<11} vocab={vocab} ...", file=sys.stderr, flush=True)
                results[engine] = _run_in_subprocess(spec)
            peer, bare = results.get("hflm"), results.get("bare")
            for engine, r in results.items():
                row = {k: v for k, v in r.items() if k not in ("logprobs", "greedy")}
                row.update(engine=engine, workload=workload, vocab=vocab)
                if bare is not None and engine in ("ours", "invariant"):
                    row["fraction_of_bare"] = bare["seconds"] / r["seconds"]
                if peer is not None:
                    row["speedup_vs_hflm"] = peer["seconds"] / r["seconds"]
                    row["token_ratio_vs_hflm"] = peer["tokens_forwarded"] / r["tokens_forwarded"]
                    if r["peak_mib"] is not None:
                        row["memory_ratio_vs_hflm"] = r["peak_mib"] / peer["peak_mib"]
                    if r["rise_mib"] is not None and peer["rise_mib"]:
                        row["rise_ratio_vs_hflm"] = r["rise_mib"] / peer["rise_mib"]
                if peer is not None and engine != "bare":  # bare replays forwards; its log-probs are ours
                    row["max_abs_logprob_diff_vs_hflm"] = max(
                        abs(a - b) for a, b in zip(r["logprobs"], peer["logprobs"], strict=True)
                    )
                    row["greedy_disagreements_vs_hflm"] = None if workload == "rolling" else sum(
                        a != b for a, b in zip(r["greedy"], peer["greedy"], strict=True)
                    )
                rows.append(row)

    n_params = {r["vocab"]: r["n_parameters"] for r in rows}
    header = (f"device={device}, torch threads={rows[0]['threads']}, batch_size={args.batch_size}, "
              f"{questions} questions x 4 choices per workload (rolling: {questions} documents), model {arch} + vocab "
              + ", ".join(f"{v} ({n / 1e6:.0f}M params)" for v, n in n_params.items())
              + f", memory = {rows[0]['memory']}")
    lines = [
        header,
        "",
        "| vocab | workload | engine | tokens fwd | positions | fewer tokens x | wall s | speedup x | of bare | "
        "peak MiB | rise MiB | peak / HFLM | rise / HFLM | max abs diff vs HFLM | greedy diffs |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['vocab']} | {r['workload']} | {r['engine']} | {r['tokens_forwarded']} | {r['positions_computed']} | "
            f"{_fmt(r.get('token_ratio_vs_hflm'))} | {r['seconds']:.2f} | {_fmt(r.get('speedup_vs_hflm'))} | "
            f"{_fmt(r.get('fraction_of_bare'))} | "
            f"{_fmt(r['peak_mib'], '.0f')} | {_fmt(r['rise_mib'], '.0f')} | {_fmt(r.get('memory_ratio_vs_hflm'))} | "
            f"{_fmt(r.get('rise_ratio_vs_hflm'))} | "
            f"{_fmt(r.get('max_abs_logprob_diff_vs_hflm'), '.1e')} | {_fmt(r.get('greedy_disagreements_vs_hflm'), 'd')} |"
        )
    print("\n".join(lines))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"command": " ".join([os.path.basename(sys.executable)] + sys.argv), "header": header,
                       "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
