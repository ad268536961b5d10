"""Run cards of lighteval output folders: ``results/<model>/results_<date>.json`` and, when details were saved,
``details/<model>/<date>/details_<task>_<date>.parquet``.

Field names keep lighteval's keys: ``config_general`` at the top level (``max_samples``, ``num_fewshot_seeds``,
``lighteval_sha``, ...), its model config under ``model_config.`` (``model_config.batch_size``,
``model_config.dtype``, ``model_config.generation_parameters.temperature``, ``model_config.system_prompt``, ...), and
each task's config under ``tasks.<task>.`` (``tasks.em_qa|0.hf_repo``, ``tasks.em_qa|0.generation_size``, ...), with
its hashes from ``summary_tasks`` (``tasks.<task>.hashes.hash_examples``, ``hash_full_prompts``, ...).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import InvalidInput
from .card import CardRow, RunCard, digest, dotted

__all__ = ["is_lighteval_results", "lighteval_card", "lighteval_doc_key"]

GENERAL_KEYS = {
    "lighteval_sha": "software", "num_fewshot_seeds": "fewshot", "max_samples": "documents", "job_id": "record",
    "start_time": "record", "end_time": "record", "total_evaluation_time_secondes": "record", "model_name": "model",
    "override_batch_size": "numerics",
}
MODEL_KEYS = {
    "model_name": "model", "revision": "model", "tokenizer": "model", "subfolder": "model", "trust_remote_code": "model",
    "generation_parameters": "decoding", "system_prompt": "prompt", "cache_dir": "record", "dtype": "numerics",
    "batch_size": "numerics", "device": "numerics", "max_length": "numerics", "model_parallel": "numerics",
    "compile": "numerics", "add_special_tokens": "prompt", "skip_special_tokens": "decoding",
    "use_chat_template": "prompt", "multichoice_continuations_start_space": "prompt",
    "pairwise_tokenization": "prompt", "continuous_batching": "numerics", "model_loading_kwargs": "numerics",
}
TASK_KEYS = {
    "name": "record", "prompt_function": "prompt", "hf_repo": "documents", "hf_subset": "documents",
    "hf_revision": "documents", "hf_filter": "documents", "hf_avail_splits": "documents",
    "evaluation_splits": "documents", "few_shots_split": "fewshot", "few_shots_select": "fewshot",
    "generation_size": "decoding", "generation_grammar": "decoding", "stop_sequence": "decoding",
    "num_samples": "decoding", "metrics": "metric", "solver": "decoding", "scorer": "metric", "sample_fields": "prompt",
    "sample_to_fewshot": "fewshot", "filter": "documents", "suite": "record", "original_num_docs": "documents",
    "effective_num_docs": "documents", "must_remove_duplicate_docs": "documents", "version": "software",
    "trust_dataset": "record", "num_fewshots": "fewshot", "truncate_fewshots": "fewshot", "hashes": "prompt",
    "use_logits": "decoding",
}
_ID_RE = re.compile(r"^evalmetrics\((.*)\)$", re.S)


def is_lighteval_results(d) -> bool:
    return isinstance(d, dict) and "config_general" in d and "results" in d and "config_tasks" in d


def _details_files(results_path: Path) -> dict:
    """{task: details parquet} written with this results file: the results file is
    ``<out>/results/<model name>/results_<date>.json`` (a model name that is a path makes several folders) and the
    details are in ``<out>/details/<model name>/<date>/``."""
    m = re.match(r"^results_(.+)\.json$", results_path.name)
    if not m:
        return {}
    stamp = m.group(1)
    folder = None
    for up in results_path.parent.parents:
        if up.name == "results":
            candidate = up.parent / "details" / results_path.parent.relative_to(up) / stamp
            if candidate.is_dir():
                folder = candidate
                break
    if folder is None:
        return {}
    files = {}
    for p in folder.glob(f"details_*_{stamp}.parquet"):
        files[p.name[len("details_"): -len(f"_{stamp}.parquet")]] = p
    return files


def lighteval_doc_key(doc: dict) -> str:
    """A document's content key: its query (before few-shot formatting), choices and gold indices."""
    return digest({"query": doc.get("original_query") or doc.get("query"), "choices": doc.get("choices"),
                   "gold_index": doc.get("gold_index")})


def lighteval_card(results_path: Path, results: dict) -> RunCard:
    card = RunCard(harness="lighteval", source=str(results_path))
    general = dict(results.get("config_general") or {})
    model = general.pop("model_config", None) or {}
    for k, v in general.items():
        card.add(k, v, GENERAL_KEYS.get(k, "numerics"))
    flat: dict = {}
    dotted("model_config", model, flat)
    for name, v in flat.items():
        top = name.split(".")[1]
        card.add(name, v, MODEL_KEYS.get(top, "model" if top.startswith("model") else "numerics"))
    summary = results.get("summary_tasks") or {}
    details = _details_files(results_path)
    for task, cfg in sorted((results.get("config_tasks") or {}).items()):
        tflat: dict = {}
        for k, v in cfg.items():
            tflat[k] = v
        dotted("hashes", (summary.get(task) or {}).get("hashes"), tflat)
        if (results.get("versions") or {}).get(task) is not None:
            tflat["version"] = results["versions"][task]
        for name, v in tflat.items():
            if name == "hashes":
                continue
            top = name.split(".", 1)[0]
            kind = TASK_KEYS.get(top, "prompt")
            if name == "hashes.hash_examples":
                kind = "documents"
            card.add(f"tasks.{task}.{name}", v, kind, can_move_score=name != "original_num_docs")
        if task in details:
            card.documents[task] = _documents(details[task])
            card.add(f"tasks.{task}.documents", card.documents[task]["digest"], "documents")
            card.add(f"tasks.{task}.prompts", card.documents[task]["prompts"], "prompt")
    ids = _metric_ids(results)
    for task, row in (results.get("results") or {}).items():
        if task == "all":
            continue
        n = (results.get("config_tasks", {}).get(task) or {}).get("effective_num_docs")
        if not isinstance(n, int) or n < 0:  # lighteval leaves -1 when it did not count; the details do
            n = card.documents[task]["n"] if task in card.documents else None
        for key, value in row.items():
            if key.endswith("_stderr"):
                continue
            mid, notes = ids.get((task, key), (None, ["the metric's computation is not recorded in config_tasks"]))
            card.rows.append(CardRow(task, key, "", value, row.get(f"{key}_stderr"), n, mid, list(notes)))
    return card


def _metric_ids(results: dict) -> dict:
    """{(task, metric name): (canonical ID or None, notes)} from ``config_tasks``: a metric made by evalmetrics
    records its ID (``evalmetrics(<ID>)``); lighteval's own metrics are read by the lighteval task reader from the
    installed lighteval's registry (by task name), when lighteval is installed."""
    out = {}
    for task, cfg in (results.get("config_tasks") or {}).items():
        pending = []
        for m in cfg.get("metrics") or ():
            if not isinstance(m, dict):
                continue
            name, fn = m.get("metric_name"), str(m.get("sample_level_fn", ""))
            names = name if isinstance(name, list) else [name]
            hit = _ID_RE.match(fn)
            for nm in names:
                if hit:
                    out[(task, nm)] = (hit.group(1), [])
                else:
                    pending.append(nm)
        if pending:
            read, error = _registry_ids(task)
            for nm in pending:
                out[(task, nm)] = read.get(nm, (None, [error or f"lighteval's task {task!r} reports no {nm!r}"]))
    return out


def _registry_ids(task: str) -> tuple[dict, str | None]:
    """({metric name: (ID, notes)}, None) from lighteval's registry, or ({}, why not)."""
    try:
        from ..integrations.lighteval_tasks import read_lighteval_task

        reading = read_lighteval_task(task)
    except Exception as e:  # noqa: BLE001 - lighteval missing or the task unknown to its registry: said per row
        first = (str(e).splitlines() or [""])[0][:200]
        return {}, f"lighteval's own metric, not read: the task is not in the installed lighteval's registry " \
                   f"({type(e).__name__}: {first})"
    return {r.metric: (r.id, [] if r.reproduced else [r.reason]) for r in reading.readings}, None


def _documents(path: Path) -> dict:
    from ..io import read_rows

    docs: dict = {}
    prompts: dict = {}
    first_prompt = None
    for i, row in enumerate(read_rows(str(path))):
        doc = row.get("doc")
        if not isinstance(doc, dict):
            raise InvalidInput(f"{path}: a details row without its doc", index=i, field="doc")
        key = lighteval_doc_key(doc)
        docs[str(doc.get("id", i))] = key
        prompts[str(doc.get("id", i))] = digest({"query": doc.get("query"), "fewshot": doc.get("fewshot_samples"),
                                                 "instruction": doc.get("instruction")})
        if first_prompt is None:
            first_prompt = doc.get("query")
    return {"n": len(docs), "digest": digest(sorted(docs.items())), "prompts": digest(sorted(prompts.items())),
            "first_prompt": first_prompt, "file": path.name, "path": str(path), "doc_hashes": docs}


def read_lighteval_results(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidInput(f"{path}: not a readable lighteval results file ({e})", field="run") from None
