"""Run cards of HELM run folders: ``benchmark_output/runs/<suite>/<run name>/`` as ``helm-run`` writes it
(``run_spec.json``, ``scenario_state.json``, ``per_instance_stats.json``, ``stats.json``, ``scenario.json``).

Field names keep HELM's keys: the run spec's blocks as dotted names (``adapter_spec.method``,
``adapter_spec.max_train_instances``, ``adapter_spec.max_tokens``, ``adapter_spec.stop_sequences``,
``adapter_spec.instructions``, ``scenario_spec.args.<arg>``, ``metric_specs``, ``data_augmenter_spec.<key>``), the
request parameters the adapter spec does not hold under ``request.`` (``request.top_p``, ...), and the scenario's
description under ``scenario.``. The task of a row is the scenario with its arguments
(``simple1:num_input_tokens=5,...``): the documents, whatever the settings; a row's ``filter`` is the split HELM
reported it on (``test``, ``valid``; ``test/<sub split>``).

Rows are HELM's reported statistics (``stats.json``) on the unperturbed instances, less the statistics every HELM
run reports besides its metrics (:data:`BOOKKEEPING`: token counts, runtimes, costs, finish reasons, calibration;
the language-model statistics too, except in a ``language_modeling`` run); ``n`` is the number of instances HELM
logged the statistic for. A row gets a canonical ID when HELM computed it with its reference metrics
(``compute_reference_metrics``: a ``BasicGenerationMetric`` naming it, an adapter that generates text) and evalmetrics
has the ``helm:`` alias of that name; a ``<name>@<num_outputs>`` row (the best over the completions) of a 0/1 metric
reads as ``pass_at_k`` with k = n = num_outputs over that alias (:func:`helm_best_of_id`); a code scenario's
``pass`` and ``pass@<num_outputs>`` as ``helm:pass`` and ``helm:pass@k`` (HELM's estimator over its code-execution
flags, which the run folder does not log). A row without an ID says why in its notes (the metric of the run spec that
computed it; a multiple_choice_separate run's ``exact_match``: HELM's ``BasicReferenceMetric``, whose ties share the
credit). Its per-instance values (``per_instance_stats.json``) and each instance's prediction (the completion with
the highest log-probability, mapped through the multiple-choice letter mapping when the adapter made one; all the
completions for a ``@k`` row) and correct references (``scenario_state.json``) are what ``evalmetrics why`` compares
and rescores.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import InvalidInput
from .card import CardRow, RunCard, digest, dotted, one_run_under

__all__ = ["find_helm_run", "helm_best_of_id", "helm_card", "helm_logged", "helm_metric_id", "helm_rescore",
           "helm_row"]

# AdapterSpec keys: {key: kind}; a key not listed is "prompt" (conservative: it can move a score)
ADAPTER_KEYS = {
    "method": "decoding", "max_train_instances": "fewshot", "num_train_trials": "fewshot", "sample_train": "fewshot",
    "max_eval_instances": "documents", "eval_splits": "documents", "num_outputs": "decoding", "num_trials": "decoding",
    "temperature": "decoding", "max_tokens": "decoding", "stop_sequences": "decoding", "random": "decoding",
    "image_generation_parameters": "decoding", "model": "model", "model_deployment": "model", "multi_label": "metric",
    "output_mapping_pattern": "metric",
}
RUN_SPEC_KEYS = {"scenario_spec": "documents", "metric_specs": "metric", "annotators": "metric",
                 "data_augmenter_spec": "prompt", "groups": "record", "name": "record"}
# request keys the adapter spec already holds (or that are the prompt itself)
_REQUEST_SKIP = {"prompt", "messages", "multimodal_prompt", "model", "model_deployment", "temperature", "max_tokens",
                 "stop_sequences", "num_completions"}
# the adapter methods whose text outputs HELM scores with compute_reference_metrics
_GENERATING = {"generation", "chat", "multiple_choice_joint", "multiple_choice_joint_chain_of_thought",
               "generation_multimodal", "multiple_choice_joint_multimodal"}
# statistics every HELM run reports besides its metrics (request counts, token counts, runtimes, costs, finish
# reasons, calibration): not rows. The language-model statistics are rows of a language_modeling run only.
BOOKKEEPING = {
    "batch_size", "ece_10_bin", "ece_1_bin", "estimated_num_tokens_cost", "finish_reason_endoftext",
    "finish_reason_length", "finish_reason_stop", "finish_reason_unknown", "inference_denoised_runtime",
    "inference_idealized_runtime", "inference_runtime", "max_num_completion_tokens", "max_prob",
    "num_completion_tokens", "num_completions", "num_instances", "num_output_tokens", "num_prompt_tokens",
    "num_references", "num_train_instances", "num_train_trials", "platt_coef", "platt_ece_10_bin", "platt_ece_1_bin",
    "platt_intercept", "predicted_index", "prompt_truncated", "selective_acc@10", "selective_cov_acc_area",
    "training_co2_cost", "training_energy_cost",
}
LANGUAGE_MODEL_STATS = {"logprob", "perplexity", "bits_per_byte", "logprob_per_byte", "num_perplexity_tokens",
                        "num_bytes"}
_NOT_TEXT = {"pass", "pass@k"}  # helm: aliases that take code-execution flags, not (output, references)
# adapters whose output HELM maps through the letters of the choices (output_mapping)
_MAPPED = {"multiple_choice_joint", "multiple_choice_joint_chain_of_thought", "multiple_choice_joint_multimodal"}
_EXACT_MATCH_FAMILY = {"exact_match", "quasi_exact_match", "quasi_leave_articles_exact_match", "prefix_exact_match",
                       "quasi_prefix_exact_match"}
# reference metrics whose value is 0 or 1: their best over several completions is "any completion scores 1"
_ZERO_ONE = _EXACT_MATCH_FAMILY
# the adapters that make one request per choice; HELM's BasicReferenceMetric scores them, not the text metrics
_SEPARATE = {"multiple_choice_separate_original": "its log-probability per token",
             "multiple_choice_separate_calibrated": "its log-probability minus that of its calibration request (the "
                                                    "reference after the adapter's empty input)"}


def _load(path: Path, what: str):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"{path.parent}: a HELM run folder without {path.name} ({what})", field="run") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidInput(f"{path}: not a readable HELM {path.name} ({e})", field="run") from None


def find_helm_run(path: Path) -> Path | None:
    """The HELM run folder ``path`` names: a folder holding ``run_spec.json``, one of its files, or a suite folder
    (``benchmark_output/runs/<suite>/``) holding exactly one run; None when ``path`` is no HELM output.
    A folder holding several runs: a typed error listing them."""
    if path.is_file():  # any file of a run folder (HELM's summarizer adds instances.json, display_*.json, ...)
        return path.parent if path.suffix == ".json" and (path.parent / "run_spec.json").is_file() else None
    if not path.is_dir():
        return None
    if (path / "run_spec.json").is_file():
        return path
    return one_run_under(path, "run_spec.json", lambda p: p.parent, "HELM runs", "run folder")


def _task(run_spec: dict, scenario: dict | None) -> str:
    spec = run_spec.get("scenario_spec") or {}
    name = (scenario or {}).get("name") or str(spec.get("class_name", "scenario")).rsplit(".", 1)[-1]
    args = spec.get("args") or {}
    return name + (":" + ",".join(f"{k}={args[k]}" for k in sorted(args)) if args else "")


def _split_key(name: dict) -> str:
    split = name.get("split") or ""
    return f"{split}/{name['sub_split']}" if name.get("sub_split") else split


def _instance_key(state: dict, i: int) -> tuple:
    inst = state.get("instance")
    if not isinstance(inst, dict):
        raise InvalidInput("scenario_state.json: a request state without its instance", index=i, field="instance")
    pert = inst.get("perturbation")
    return (str(inst.get("id")), digest(pert) if pert else None, _trial(state, i, "scenario_state.json"))


def _trial(entry: dict, i: int, file: str) -> int:
    trial = entry.get("train_trial_index", 0)
    if isinstance(trial, bool) or not isinstance(trial, int):
        raise InvalidInput(f"{file}: train_trial_index is not an integer ({trial!r})", index=i,
                           field="train_trial_index")
    return trial


def _doc_hash(inst: dict) -> str:
    """An instance's content: its input, references (text and tags), split and perturbation."""
    refs = [{"text": (r.get("output") or {}).get("text"), "tags": r.get("tags") or []}
            for r in inst.get("references") or ()]
    return digest({"input": (inst.get("input") or {}).get("text"), "references": refs, "split": inst.get("split"),
                   "sub_split": inst.get("sub_split"), "perturbation": inst.get("perturbation")})


def _states(folder: Path) -> list:
    state = _load(folder / "scenario_state.json", "the requests and results per instance")
    states = state.get("request_states") if isinstance(state, dict) else None
    if not isinstance(states, list):
        raise InvalidInput(f"{folder / 'scenario_state.json'}: no request_states list", field="request_states")
    for i, s in enumerate(states):
        if not isinstance(s, dict):
            raise InvalidInput(f"{folder / 'scenario_state.json'}: a request state that is not an object", index=i,
                               field="request_states")
    return states


def helm_card(path) -> RunCard:
    """The run card of a HELM run folder (see the module docstring)."""
    folder = find_helm_run(Path(path))
    if folder is None:
        raise InvalidInput(f"{path}: not a HELM run folder (no run_spec.json)", field="run")
    run_spec = _load(folder / "run_spec.json", "the run spec")
    if not isinstance(run_spec, dict) or not isinstance(run_spec.get("adapter_spec"), dict):
        raise InvalidInput(f"{folder / 'run_spec.json'}: no adapter_spec", field="adapter_spec")
    scenario = _load(folder / "scenario.json", "the scenario") if (folder / "scenario.json").is_file() else None
    card = RunCard(harness="helm", source=str(folder))
    adapter = run_spec["adapter_spec"]
    for k, v in sorted(adapter.items()):
        card.add(f"adapter_spec.{k}", v, ADAPTER_KEYS.get(k, "prompt"))
    for k, v in sorted(run_spec.items()):
        if k == "adapter_spec":
            continue
        flat: dict = {}
        if k in ("scenario_spec", "data_augmenter_spec"):
            dotted(k, v, flat)
        else:
            flat[k] = v
        for name, value in flat.items():
            card.add(name, value, RUN_SPEC_KEYS.get(k, "prompt"))
    for k, v in sorted((scenario or {}).items()):
        card.add(f"scenario.{k}", v, "record")
    states = _states(folder)
    _request_fields(card, states)
    task = _task(run_spec, scenario)
    card.documents[task] = _documents(folder, states)
    card.add("documents", card.documents[task]["digest"], "documents")
    card.add("prompts", card.documents[task]["prompts"], "prompt")
    card.add("request_states.prompt_truncated", sum(bool(s.get("prompt_truncated")) for s in states), "numerics")
    ids = _metric_ids(run_spec)
    counts = _instance_counts(folder)
    stats = _load(folder / "stats.json", "the reported statistics")
    if not isinstance(stats, list):
        raise InvalidInput(f"{folder / 'stats.json'}: not a list of statistics", field="stats")
    for i, s in enumerate(stats):
        name = s.get("name") if isinstance(s, dict) else None
        if not isinstance(name, dict) or "name" not in name:
            raise InvalidInput(f"{folder / 'stats.json'}: a statistic without its name", index=i, field="name")
        if name.get("perturbation"):  # HELM's robustness/fairness variants: reported under their perturbation
            continue
        if name["name"] in BOOKKEEPING or (name["name"] in LANGUAGE_MODEL_STATS and
                                           adapter.get("method") != "language_modeling"):
            continue
        mid, notes = ids.get(name["name"]) or (None, [_unread(run_spec, name["name"])])
        split = _split_key(name)
        card.rows.append(CardRow(task, name["name"], split, s.get("mean"), None, counts.get((name["name"], split)),
                                 mid, list(notes)))
    return card


def _per_instance(folder: Path) -> list:
    """[(key, stats)] of ``per_instance_stats.json``: the key (instance id, perturbation digest or None, train trial)
    and the instance's statistics, each checked to be an object with a ``name`` object."""
    per = _load(folder / "per_instance_stats.json", "the per-instance statistics")
    if not isinstance(per, list):
        raise InvalidInput(f"{folder / 'per_instance_stats.json'}: not a list", field="per_instance_stats")
    out = []
    for i, entry in enumerate(per):
        if not isinstance(entry, dict) or not isinstance(entry.get("stats"), list):
            raise InvalidInput(f"{folder / 'per_instance_stats.json'}: an entry without its stats", index=i,
                               field="stats")
        if not all(isinstance(s, dict) and isinstance(s.get("name"), dict) for s in entry["stats"]):
            raise InvalidInput(f"{folder / 'per_instance_stats.json'}: a statistic without its name", index=i,
                               field="name")
        pert, trial = entry.get("perturbation"), _trial(entry, i, "per_instance_stats.json")
        out.append(((str(entry.get("instance_id")), digest(pert) if pert else None, trial), entry["stats"]))
    return out


def _instance_counts(folder: Path) -> dict:
    """{(stat name, split): number of unperturbed instances (times trials) HELM logged it for}: stats.json's
    ``count`` is the number of train trials averaged, not of instances."""
    counts: dict = {}
    for key, stats in _per_instance(folder):
        for s in stats:
            if key[1] is None and not s["name"].get("perturbation"):
                k = (s["name"].get("name"), _split_key(s["name"]))
                counts[k] = counts.get(k, 0) + 1
    return counts


def _request_fields(card: RunCard, states: list) -> None:
    values: dict = {}
    for i, s in enumerate(states):
        req = s.get("request")
        if not isinstance(req, dict):
            raise InvalidInput("scenario_state.json: a request state without its request", index=i, field="request")
        for k, v in req.items():
            if k not in _REQUEST_SKIP:
                values.setdefault(k, {})[json.dumps(v, sort_keys=True, default=str)] = v
    for k, seen in sorted(values.items()):
        value = next(iter(seen.values())) if len(seen) == 1 else {"distinct": len(seen), "digest": digest(sorted(seen))}
        card.add(f"request.{k}", value, "decoding")


def helm_metric_id(name: str, method) -> tuple:
    """(canonical ID or None, notes) of HELM reference metric ``name`` in a run whose adapter method is ``method``.

    A generating adapter: the ``helm:`` alias. A multiple-choice-joint adapter maps the stripped letter to its
    choice's text and hands that text to the metric as it is: HELM's strip is not applied to it, so the exact-match
    family checks the text for emptiness before its own strip (the alias with ``reject_empty`` moved first); the
    other aliases are not read for such runs, but ``f1_score`` (which strips and normalizes both sides itself)."""
    from ..normalizers import RejectEmpty, Strip
    from ..registry import get, resolve_alias

    if method not in _GENERATING:
        return None, [f"HELM's {method} adapter: {name} is not scored on a generated text"]
    if name in _NOT_TEXT:
        return None, [f"helm:{name} scores HELM's code-execution flags, not a text (a run card reads it from the "
                      "run spec: see _pass_ids)"]
    if resolve_alias(f"helm:{name}") is None:
        return None, [f"HELM reference metric {name!r} has no helm: alias"]
    metric = get(f"helm:{name}")
    if method not in _MAPPED or name == "f1_score":
        return metric.id, []
    if name not in _EXACT_MATCH_FAMILY:
        return None, [f"HELM hands {name} the choice text the stripped letter maps to, unstripped; helm:{name} "
                      "starts with HELM's strip of a generated text and is rebuilt for a mapped letter only in the "
                      "exact-match family and f1_score"]
    import dataclasses

    if tuple(metric.pred[:2]) != (Strip(), RejectEmpty()):  # the alias no longer starts with HELM's strip, empty check
        return None, [f"helm:{name} does not start with HELM's strip and empty check: not rebuilt for a mapped letter"]
    mapped = dataclasses.replace(metric, pred=(RejectEmpty(), Strip()) + tuple(metric.pred[2:]))
    return mapped.id, [f"helm:{name} on the choice text the letter maps to (no upstream strip of that text)"]


def helm_best_of_id(name: str, num_outputs: int, base: tuple) -> tuple:
    """(canonical ID or None, notes) of HELM's ``<name>@<num_outputs>`` row: the best value of reference metric
    ``name`` over the completions of an instance (``compute_reference_metrics``' ``score_k``: the max over correct
    references and completions; HELM asks for ``num_outputs`` of them, for one in a multiple_choice_joint run),
    ``base`` being ``name``'s own (ID, notes). For a 0/1 metric that best is 1 if any completion scores 1:
    ``pass_at_k`` with k = n = ``num_outputs`` over the completions (the unbiased pass@k of k samples out of k, a
    sample not given counting as a failure, is exactly that), its metric ``name``'s ID."""
    from ..metrics.sampling import PassAtK
    from ..registry import get

    mid, notes = base
    if mid is None:
        return None, [f"the best {name} of the {num_outputs} completions; {name} itself is not read here"]
    if name not in _ZERO_ONE:
        return None, [f"the best {name} of the {num_outputs} completions (a max over graded values): evalmetrics has "
                      f"no max-over-samples metric (pass@k counts the samples scoring exactly 1)"]
    best = PassAtK(k=num_outputs, n=num_outputs, metric=get(mid))
    return best.id, list(notes) + [f"the best of the completions HELM got (at most num_outputs={num_outputs}): 1 "
                                   f"if any of them scores 1 (pass@{num_outputs} of {num_outputs} samples)"]


def _unread(run_spec: dict, stat: str) -> str:
    """Why statistic ``stat`` of a run has no canonical ID: the metric of the run spec that computes it."""
    adapter = run_spec.get("adapter_spec") or {}
    method = adapter.get("method")
    classes = [str(spec.get("class_name", "")) for spec in run_spec.get("metric_specs") or ()
               if isinstance(spec, dict)]
    if method in _SEPARATE and stat == "exact_match" and any(c.endswith(".BasicReferenceMetric") for c in classes):
        return (f"HELM's BasicReferenceMetric ({method}: one request per reference): exact_match is the share of "
                f"correct references among those that tie for the highest score, a reference's score being "
                f"{_SEPARATE[method]} over the last tokens of its request (as many as HELM's tokenizer gives ' ' + "
                f"the reference); evalmetrics' loglikelihood_match gives a tie to the first choice: no canonical ID")
    others = sorted({c.rsplit(".", 1)[-1] for c in classes} - {"BasicGenerationMetric", "BasicReferenceMetric",
                                                                 "InstancesPerSplitMetric"})
    graders = [str(a.get("name") or a.get("class_name")) for a in run_spec.get("annotators") or ()
               if isinstance(a, dict)]
    where = f"the run spec's other metrics ({', '.join(others)})" if others else "no metric evalmetrics reads"
    if graders:
        where += f", with the outputs graded by the run spec's annotators ({', '.join(graders)}: model-graded)"
    return f"{stat!r} is not one of HELM's reference metrics (compute_reference_metrics) that the run spec names: " \
           f"computed by {where}"


_FLAGS_NOTE = ("HELM's pass/fail flags (each completion run on each correct reference's test cases, code_eval) are "
               "not logged in the run folder: the value is HELM's, the rescoring in why is not available")


def _pass_ids(num_outputs) -> dict:
    """HELM's ``pass`` (code scenarios) and its ``pass@<num_outputs>`` rows: the unbiased pass@1 and pass@k of the
    pass/fail flags of every (correct reference, completion) pair: ``helm:pass`` and ``helm:pass@k``."""
    from ..registry import get

    out = {"pass": (get("helm:pass").id, [_FLAGS_NOTE])}
    if isinstance(num_outputs, int) and not isinstance(num_outputs, bool) and num_outputs >= 2:
        out[f"pass@{num_outputs}"] = (get("helm:pass@k", num_outputs=num_outputs).id, [_FLAGS_NOTE])
    return out


def _metric_ids(run_spec: dict) -> dict:
    """{stat name: (canonical ID or None, notes)} for the names HELM's BasicGenerationMetric computes with its
    reference metrics (and their ``@<num_outputs>`` bests)."""
    method = (run_spec.get("adapter_spec") or {}).get("method")
    if method in _SEPARATE:  # one request per reference: HELM's BasicReferenceMetric scores it (see _unread)
        return {}
    pattern = (run_spec.get("adapter_spec") or {}).get("output_mapping_pattern")
    names = []
    for spec in run_spec.get("metric_specs") or ():
        if isinstance(spec, dict) and str(spec.get("class_name", "")).endswith(".BasicGenerationMetric"):
            names += list((spec.get("args") or {}).get("names") or ())
    out = {}
    for name in names:
        if name == "pass" and method in _GENERATING:
            out.update(_pass_ids((run_spec.get("adapter_spec") or {}).get("num_outputs")))
            continue
        if pattern:
            out[name] = (None, ["the adapter's output_mapping_pattern (a regex on the output) is not read"])
        else:
            out[name] = helm_metric_id(name, method)
        n_out = (run_spec.get("adapter_spec") or {}).get("num_outputs")
        if isinstance(n_out, int) and not isinstance(n_out, bool) and n_out >= 2:
            out[f"{name}@{n_out}"] = helm_best_of_id(name, n_out, out[name])
    return out


def _documents(folder: Path, states: list) -> dict:
    docs: dict = {}
    prompts: dict = {}
    first_prompt = None
    for i, s in enumerate(states):
        iid, pert, trial = _instance_key(s, i)
        key = iid if pert is None else f"{iid}~{pert}"
        docs[key] = _doc_hash(s["instance"])
        prompt = (s.get("request") or {}).get("prompt")
        prompts[f"{key}@{trial}" + ("" if s.get("reference_index") is None else f"#{s['reference_index']}")] = \
            digest(prompt)
        if first_prompt is None:
            first_prompt = prompt
    return {"n": len(docs), "digest": digest(sorted(docs.items())), "prompts": digest(sorted(prompts.items())),
            "first_prompt": first_prompt, "file": "scenario_state.json", "path": str(folder), "doc_hashes": docs}


def _predictions(state: dict, i: int) -> list:
    """The texts HELM's reference metrics score: the completions from the highest log-probability down (HELM's
    stable sort: the first of a tie first; the first is the prediction, all of them are a ``@k`` row's); with an
    output mapping (multiple_choice_joint), the text each one's stripped form maps to, and empty when it maps to
    nothing (HELM scores that 0). The metric strips the text, as HELM does."""
    result = state.get("result")
    comps = (result or {}).get("completions") if isinstance(result, dict) else None
    if not isinstance(comps, list) or not comps or not all(isinstance(c, dict) for c in comps):
        raise InvalidInput("scenario_state.json: a request state without completions", index=i, field="result")
    if not all(isinstance(c.get("logprob"), (int, float)) and not isinstance(c.get("logprob"), bool) for c in comps):
        raise InvalidInput("scenario_state.json: a completion without a numeric logprob", index=i, field="logprob")
    texts = [c.get("text") for c in sorted(comps, key=lambda c: -c["logprob"])]
    if not all(isinstance(t, str) for t in texts):
        raise InvalidInput("scenario_state.json: a completion without its text", index=i, field="completions")
    mapping = state.get("output_mapping")
    if mapping is not None and not isinstance(mapping, dict):
        raise InvalidInput("scenario_state.json: output_mapping is not an object", index=i, field="output_mapping")
    if mapping is not None:
        return ["" if mapping.get(t.strip()) is None else mapping[t.strip()] for t in texts]
    return texts


def helm_row(state: dict, index: int = 0) -> dict:
    """One request state of ``scenario_state.json`` as the row HELM's reference metrics score: ``doc_id`` (the
    instance id), ``prompt``, ``prediction`` and ``samples`` (the first of the completions, and all of them: see
    :func:`_predictions`) and ``references`` (the texts of the references tagged ``correct``). ``index`` names the
    request state in errors."""
    inst = state.get("instance") if isinstance(state, dict) else None
    if not isinstance(inst, dict):
        raise InvalidInput("scenario_state.json: a request state without its instance", index=index, field="instance")
    refs = [(r.get("output") or {}).get("text") for r in inst.get("references") or ()
            if "correct" in (r.get("tags") or ())]
    if not refs or not all(isinstance(r, str) for r in refs):
        raise InvalidInput("scenario_state.json: an instance without a correct reference text", index=index,
                           field="references")
    samples = _predictions(state, index)
    return {"doc_id": str(inst.get("id")), "prompt": (state.get("request") or {}).get("prompt"),
            "prediction": samples[0], "samples": samples, "references": refs}


def helm_logged(folder, split: str, metric: str):
    """(rows, keys, values) of one HELM run's instances on ``split`` (a row's ``filter``): each instance's row
    (``doc_id``, ``prompt``, ``prediction``, ``references``: the correct ones), its content key (instance id,
    perturbation, trial, content hash) and the per-instance value HELM logged for ``metric``."""
    folder = Path(folder)
    logged: dict = {}
    for key, stats in _per_instance(folder):
        for s in stats:
            name = s["name"]
            if name.get("name") == metric and _split_key(name) == split and not name.get("perturbation"):
                logged[key] = s.get("mean")
    rows, keys, values = [], [], []
    split_only = "/" not in split
    for i, s in enumerate(_states(folder)):
        key = _instance_key(s, i)
        inst = s["instance"]
        where = (inst.get("split") or "") if split_only else _split_key(inst)
        if key[1] is not None or where != split:  # a perturbed instance, or one of another split
            continue
        if key not in logged:
            raise InvalidInput(f"{folder / 'per_instance_stats.json'}: no {metric!r} on split {split!r} for "
                               f"instance {key[0]} (trial {key[2]})", index=i, field=metric)
        v = logged[key]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise InvalidInput(f"{folder}: the logged value of {metric!r} is not a number ({v!r})", index=i,
                               field=metric)
        rows.append(helm_row(s, i))
        keys.append(digest([key, _doc_hash(inst)]))
        values.append(float(v))
    if len(set(keys)) != len(keys):
        raise InvalidInput(f"{folder}: an instance has several request states (multiple_choice_separate: one per "
                           f"reference); per-instance rows are not defined", field="request_states")
    return rows, keys, np.asarray(values, dtype=np.float64)


def helm_rescore(metric, rows: list) -> np.ndarray:
    """``metric``'s per-instance values on HELM rows (from :func:`helm_logged`); a ``pass_at_k`` metric (a ``@k``
    row: the best of the completions) scores each instance's completions, at most its ``n``."""
    from ..metrics.sampling import PassAtK

    if metric.request_type == "multiple_choice":
        raise InvalidInput("a multiple-choice metric cannot score HELM's generated texts", field="metric")
    if metric.request_type == "pass_fail_flags":
        raise InvalidInput(_FLAGS_NOTE, field="metric")
    if not rows:
        return np.zeros(0, dtype=np.float64)
    if isinstance(metric, PassAtK):
        for i, x in enumerate(rows):
            if len(x["samples"]) > metric.n:
                raise InvalidInput(f"instance {x['doc_id']} has {len(x['samples'])} completions; the metric takes "
                                   f"the best of at most {metric.n}", index=i, field="completions")
        r = metric.compute([x["samples"] for x in rows], [x["references"] for x in rows], progress=False)
        return np.asarray(r.per_sample, dtype=np.float64)
    r = metric.compute([x["prediction"] for x in rows], [x["references"] for x in rows], progress=False)
    return np.asarray(r.per_sample, dtype=np.float64)
