"""Run cards of lm_eval output folders: ``results_<date>.json`` and, when logged, ``samples_<task>_<date>.jsonl``.

Field names keep lm_eval's keys: the run's ``config`` block at the top level (``model_args.dtype``, ``batch_size``,
``gen_kwargs.temperature``, ``limit``, ``fewshot_seed``, ...), the results file's own top-level keys
(``lm_eval_version``, ``chat_template_sha``, ``fewshot_as_multiturn``, ...), and each task's dumped config under
``tasks.<task>.`` (``tasks.gsm8k.num_fewshot``, ``tasks.gsm8k.generation_kwargs.until``, ...).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import InvalidInput
from .card import CardRow, RunCard, digest, dotted, one_run_under

__all__ = ["is_lm_eval_results", "find_results_file", "lm_eval_card"]

# the run's `config` block and the results file's own keys: {key: kind}; a key not listed is kind "model" when it
# starts with "model", else "numerics" (conservative: it can move a score)
RUN_KEYS = {
    "model": "model", "model_args": "model", "model_num_parameters": "model", "model_dtype": "numerics",
    "model_revision": "model", "model_sha": "model", "model_name": "model", "model_source": "model",
    "model_name_sanitized": "record", "batch_size": "numerics", "batch_sizes": "numerics", "device": "numerics",
    "use_cache": "record", "limit": "documents", "bootstrap_iters": "metric", "gen_kwargs": "decoding",
    "random_seed": "decoding", "numpy_seed": "decoding", "torch_seed": "decoding", "fewshot_seed": "fewshot",
    "git_hash": "software", "upper_git_hash": "software", "date": "record", "transformers_version": "software",
    "lm_eval_version": "software", "tokenizer_pad_token": "prompt", "tokenizer_eos_token": "prompt",
    "tokenizer_bos_token": "prompt", "eot_token_id": "prompt", "max_length": "numerics",
    "system_instruction": "prompt", "system_instruction_sha": "prompt", "fewshot_as_multiturn": "fewshot",
    "chat_template": "prompt", "chat_template_sha": "prompt", "total_evaluation_time_seconds": "record",
    "apply_chat_template": "prompt", "torch_version": "software", "cuda_version": "software",
}
# model_args keys that set numerics rather than which model
MODEL_ARG_NUMERICS = {"dtype", "torch_dtype", "device", "device_map", "parallelize", "batch_size", "max_batch_size",
                      "max_length", "load_in_8bit", "load_in_4bit", "attn_implementation", "tensor_parallel_size",
                      "data_parallel_size", "gpu_memory_utilization", "max_model_len", "quantization"}
# a task config's keys: {key: kind}; a key not listed is "prompt" (conservative)
TASK_KEYS = {
    "task": "record", "task_alias": "record", "tag": "record", "group": "record", "group_alias": "record",
    "dataset_path": "documents", "dataset_name": "documents", "dataset_kwargs": "documents",
    "training_split": "fewshot", "validation_split": "documents", "test_split": "documents",
    "fewshot_split": "fewshot", "process_docs": "documents", "custom_dataset": "documents",
    "doc_to_text": "prompt", "doc_to_target": "prompt", "doc_to_choice": "prompt", "doc_to_image": "prompt",
    "doc_to_audio": "prompt", "process_results": "metric", "use_prompt": "prompt", "description": "prompt",
    "target_delimiter": "prompt", "fewshot_delimiter": "fewshot", "fewshot_config": "fewshot", "num_fewshot": "fewshot",
    "metric_list": "metric", "output_type": "decoding", "generation_kwargs": "decoding", "repeats": "decoding",
    "filter_list": "metric", "should_decontaminate": "record", "doc_to_decontamination_query": "record",
    "gen_prefix": "prompt", "unsafe_code": "record", "multiple_input": "prompt", "multiple_target": "prompt",
    "metadata": "software", "version": "software", "hash": "prompt", "n-shot": "fewshot",
    "n-samples": "documents", "higher_is_better": "record",
}
_RESULTS_RE = re.compile(r"^(?:results|.+)_(\d{4}-\d{2}-\d{2}T[\d\-.]+)\.json$")


def is_lm_eval_results(d) -> bool:
    return isinstance(d, dict) and "results" in d and ("lm_eval_version" in d or "n-shot" in d or "configs" in d)


def find_results_file(path: Path) -> Path:
    """The results file of an lm_eval or lighteval output: ``path`` itself, or the one ``results_<date>.json`` under
    a folder.
    Several runs under one folder: a typed error listing them (name the file)."""
    if path.is_file():
        return path
    if not path.is_dir():
        raise InvalidInput(f"{path}: no such file or folder", field="run")
    found = one_run_under(path, "*.json", _results_file, "runs", "results file")
    if found is None:
        raise InvalidInput(f"{path}: not a run: no results_<date>.json (lm_eval or lighteval) and no HELM "
                           f"run_spec.json under this folder", field="run")
    return found


def _results_file(path: Path) -> Path | None:
    return path if path.name.startswith("results") and _RESULTS_RE.match(path.name) else None


def _model_args(value) -> dict | None:
    """lm_eval's ``model_args``: a ``k=v,k=v`` string (its command line) or a dict (``simple_evaluate``)."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        return value
    out = {}
    for part in str(value).split(","):
        k, sep, v = part.partition("=")
        out[k.strip()] = v.strip() if sep else True
    return out


def _torch_version(env_info) -> str | None:
    m = re.search(r"^PyTorch version: (\S+)", env_info or "", re.M)
    return m.group(1) if m else None


def _samples_files(results_path: Path) -> dict:
    """{task: samples file} written with this results file (same date stamp)."""
    m = _RESULTS_RE.match(results_path.name)
    if not m:
        return {}
    stamp = m.group(1)
    out = {}
    for p in results_path.parent.glob(f"samples_*_{stamp}.jsonl"):
        out[p.name[len("samples_"): -len(f"_{stamp}.jsonl")]] = p
    return out


def lm_eval_card(path) -> RunCard:
    """The run card of an lm_eval output folder or results file (see the module docstring)."""
    from ..integrations.lm_eval import explain_results

    results_path = find_results_file(Path(path))
    try:
        results = json.loads(results_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidInput(f"{results_path}: not a readable lm_eval results file ({e})", field="run") from None
    if not is_lm_eval_results(results):
        raise InvalidInput(f"{results_path}: not an lm_eval results file (no 'results' and 'configs')", field="run")
    card = RunCard(harness="lm_eval", source=str(results_path))
    _run_fields(card, results)
    samples = _samples_files(results_path)
    n_samples = results.get("n-samples", {})
    for task in sorted(results.get("configs", {})):
        _task_fields(card, task, results)
        if task in samples:
            card.documents[task] = _documents(samples[task], task)
            card.add(f"tasks.{task}.documents", card.documents[task]["digest"], "documents")
            card.add(f"tasks.{task}.prompts", card.documents[task]["prompts"], "prompt")
    for r in explain_results(results):
        n = (n_samples.get(r.task) or {}).get("effective")
        card.rows.append(CardRow(r.task, r.metric, r.filter, r.value, r.stderr, n, r.id or r.list_id, list(r.notes)))
    return card


def _run_fields(card: RunCard, results: dict) -> None:
    flat: dict = {}
    for k, v in (results.get("config") or {}).items():
        if k == "model_args":
            args = _model_args(v)
            if args is None:
                flat["model_args"] = v
            else:
                for ak, av in sorted(args.items()):
                    flat[f"model_args.{ak}"] = av
        elif k == "gen_kwargs" and isinstance(v, dict):
            dotted("gen_kwargs", v, flat)
        else:
            flat[k] = v
    for k, v in results.items():
        if k in ("results", "groups", "group_subtasks", "configs", "versions", "n-shot", "higher_is_better",
                 "n-samples", "config", "task_hashes", "samples", "pretty_env_info"):
            continue
        flat[k] = v
    flat["torch_version"] = _torch_version(results.get("pretty_env_info"))
    flat["apply_chat_template"] = results.get("chat_template") is not None or bool(results.get("chat_template_sha"))
    for name, value in flat.items():
        top = name.split(".", 1)[0]
        if top == "model_args":
            kind = "numerics" if name.split(".", 1)[-1] in MODEL_ARG_NUMERICS else "model"
        else:
            kind = RUN_KEYS.get(top, "model" if top.startswith("model") else "numerics")
        # bootstrap_iters sets the standard error only, never the score
        card.add(name, value, kind, can_move_score=top != "bootstrap_iters")


def _task_fields(card: RunCard, task: str, results: dict) -> None:
    cfg = dict(results["configs"][task])
    extra = {"version": (results.get("versions") or {}).get(task), "hash": (results.get("task_hashes") or {}).get(task),
             "n-shot": (results.get("n-shot") or {}).get(task), "n-samples": (results.get("n-samples") or {}).get(task)}
    flat: dict = {}
    for k, v in cfg.items():
        if k in ("fewshot_config", "generation_kwargs", "metadata", "dataset_kwargs") and isinstance(v, dict):
            dotted(k, v, flat)
        else:
            flat[k] = v
    for k, v in extra.items():
        if v is not None:
            dotted(k, v, flat)
    for name, value in flat.items():
        top = name.split(".", 1)[0]
        kind = TASK_KEYS.get(top, "prompt")
        if name == "metadata.config_source":  # where the YAML was read from
            kind = "record"
        # the dataset's full size does not move a score; the effective count (limit) does
        can_move = name not in ("n-samples.original",)
        card.add(f"tasks.{task}.{name}", value, kind, can_move_score=can_move)


def _documents(samples_path: Path, task: str) -> dict:
    """The logged documents of one task: count, content digest (over the sorted (doc_id, doc_hash) pairs), a digest
    of the rendered prompts (over the (doc_id, prompt_hash) pairs), and the first document's rendered prompt."""
    docs: dict = {}
    prompts: dict = {}
    first_prompt = None
    try:
        with samples_path.open(encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    s = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InvalidInput(f"{samples_path}:{lineno}: not JSON ({e.msg})", index=lineno - 1,
                                       field="samples") from None
                key = str(s.get("doc_id"))
                if key not in docs:
                    docs[key] = s.get("doc_hash") or digest(s.get("doc"))
                    prompts[key] = s.get("prompt_hash") or digest(s.get("arguments"))
                if first_prompt is None:
                    first_prompt = _prompt_of(s)
    except OSError as e:
        raise InvalidInput(f"{samples_path}: {e}", field="samples") from None
    return {"n": len(docs), "digest": digest(sorted(docs.items())), "prompts": digest(sorted(prompts.items())),
            "first_prompt": first_prompt,
            "file": samples_path.name, "path": str(samples_path), "doc_hashes": docs}


def _prompt_of(sample: dict):
    args = sample.get("arguments")
    if isinstance(args, dict) and args:  # {"gen_args_0": {"arg_0": context, "arg_1": ...}}
        first = args[sorted(args)[0]]
        if isinstance(first, dict):
            return first.get("arg_0")
    if isinstance(args, list) and args:
        first = args[0]
        return first[0] if isinstance(first, list) and first else first
    return None
