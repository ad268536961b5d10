"""Streaming readers for sample files: JSONL, CSV, Parquet, saved ``datasets`` folders, and harness logs.

Harness per-sample logs are recognised from their first row and mapped to ``prediction`` / ``references`` columns
(the original fields are kept alongside):

* lm_eval ``--log_samples`` files (``samples_<task>_<date>.jsonl``): ``prediction`` is the filtered response
  (``filtered_resps[0]``) and ``references`` the ``target`` exactly as logged (lm_eval logs ``str(target)``). Such a
  file holds one row per document per filter; a file with several filters needs ``lm_eval_filter=NAME``.
  Rows of log-likelihood tasks (``filtered_resps`` = [[logprob, is_greedy], ...]) become choice records:
  ``logprobs``, ``is_greedy``, ``gold`` (the logged target, an index). Where a row holds 2N requests whose last N
  are lm_eval's unconditional requests for ``acc_mutual_info`` (its ``arguments``: context ``""`` and the same
  continuations as the first N), the first N are the choices and the last N ``unconditioned_logprobs``; a row
  that cannot be split unambiguously is an InvalidInput naming it. ``texts`` (the choice strings, for length
  normalizations) come from the continuations less the task's ``target_delimiter``, read from the
  ``results_<date>.json`` lm_eval wrote next to ``samples_<task>_<date>.jsonl``; without that file, no ``texts``.
* lighteval details (``details_<task>_<date>.parquet``, rows of ``Detail(doc, model_response, metric)``):
  ``prediction`` is ``model_response.text[0]`` and ``references`` the gold choices
  (``doc.choices[i]`` for each ``i`` in ``doc.gold_index``), as lighteval's ``Doc.get_golds()`` gives them;
  rows with ``model_response.logprobs`` also get ``logprobs``, ``gold``, ``texts`` (``doc.choices``).
"""
from __future__ import annotations

import csv
import json
import os
from typing import Iterator

from .errors import InvalidInput

__all__ = ["read_rows", "read_text", "detect_format", "count_rows", "log_kind", "lm_eval_filters"]

FORMATS = ("jsonl", "csv", "parquet", "datasets")


def detect_format(path: str) -> str:
    if os.path.isdir(path):
        if os.path.exists(os.path.join(path, "dataset_info.json")) or os.path.exists(
            os.path.join(path, "dataset_dict.json")
        ):
            return "datasets"
        raise InvalidInput(f"{path} is a folder but not a saved datasets folder (no dataset_info.json)", field="data")
    low = path.lower()
    if low.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if low.endswith((".csv", ".tsv")):
        return "csv"
    if low.endswith(".parquet"):
        return "parquet"
    raise InvalidInput(
        f"cannot tell the format of {path}; use a .jsonl, .csv, .parquet file or a saved datasets folder",
        field="data",
    )


def read_rows(path: str, fmt: str | None = None, *, lm_eval_filter: str | None = None) -> Iterator[dict]:
    """Yield one dict per row, in file order, without loading the whole file.

    Harness logs (see the module docstring) are detected from the first row and mapped; ``lm_eval_filter`` picks
    one filter of an lm_eval samples file (required when it holds several).
    """
    rows = _raw_rows(path, fmt)
    first = next(rows, None)
    if first is None:
        return
    kind = log_kind(first)
    if kind is None:
        if lm_eval_filter is not None:
            raise InvalidInput(f"--filter {lm_eval_filter!r} given, but {path} is not an lm_eval samples file",
                               field="filter")
        yield first
        yield from rows
        return
    if kind == "lm_eval":
        filters = lm_eval_filters(path, fmt)
        if lm_eval_filter is None:
            if len(filters) > 1:
                raise InvalidInput(
                    f"{path} is an lm_eval samples file with {len(filters)} filters ({', '.join(filters)}); "
                    "choose one with --filter NAME", field="filter")
            lm_eval_filter = filters[0]
        elif lm_eval_filter not in filters:
            raise InvalidInput(f"filter {lm_eval_filter!r} not in {path}; its filters: {', '.join(filters)}",
                               field="filter")
        delimiter = _lm_eval_delimiter(path)
        i = 0
        for row in _chain(first, rows):
            if row.get("filter") == lm_eval_filter:
                yield _from_lm_eval(row, i, delimiter)
                i += 1
    else:
        for i, row in enumerate(_chain(first, rows)):
            yield _from_lighteval(row, i)


def _chain(first, rest):
    yield first
    yield from rest


_LM_EVAL_KEYS = frozenset(("doc_id", "doc", "target", "arguments", "resps", "filtered_resps", "filter"))


def log_kind(row: dict) -> str | None:
    """'lm_eval' or 'lighteval' if ``row`` is a row of that harness's per-sample log, else None."""
    if _LM_EVAL_KEYS <= row.keys():
        return "lm_eval"
    doc, resp = row.get("doc"), row.get("model_response")
    if isinstance(doc, dict) and isinstance(resp, dict) and "gold_index" in doc and "text" in resp:
        return "lighteval"
    return None


def lm_eval_filters(path: str, fmt: str | None = None) -> list[str]:
    """The filters of an lm_eval samples file, in order of first appearance (one pass over the file)."""
    seen: dict = {}
    for row in _raw_rows(path, fmt):
        seen.setdefault(row.get("filter"), None)
    return [str(f) for f in seen]


def _lm_eval_delimiter(path: str) -> str | None:
    """The ``target_delimiter`` lm_eval put before each choice of the task logged in ``path``, read from the
    ``results_<date>.json`` it wrote next to ``samples_<task>_<date>.jsonl`` (None when that file or the task's
    config is not there). Under a chat template lm_eval drops the delimiter unless the task's ``gen_prefix`` ends
    without whitespace, as its ``construct_requests`` does."""
    name = os.path.basename(path)
    if not (name.startswith("samples_") and name.endswith(".jsonl")) or "_" not in name[len("samples_"):]:
        return None
    task, _, date = name[len("samples_"):-len(".jsonl")].rpartition("_")
    folder = os.path.dirname(path) or "."
    # lm_eval names it results_<date>.json (--output_path DIR) or <stem>_<date>.json (--output_path <stem>.json)
    found = sorted(f for f in os.listdir(folder) if f.endswith(f"_{date}.json") and not f.startswith("samples_"))
    for f in found:
        results = os.path.join(folder, f)
        try:
            data = json.loads(read_text(results))
            cfg = data.get("configs", {}).get(task)
        except (json.JSONDecodeError, AttributeError):
            raise InvalidInput(f"{results} (next to {name}) is not an lm_eval results file", field="data") from None
        if isinstance(cfg, dict):
            break
    else:
        return None
    delimiter = cfg.get("target_delimiter", " ")
    if not isinstance(delimiter, str):
        raise InvalidInput(f"{results}: target_delimiter of {task} is not a string", field="target_delimiter")
    if data.get("chat_template"):
        prefix = cfg.get("gen_prefix")
        if not (prefix and not prefix[-1:].isspace()):
            delimiter = ""
    return delimiter


def _lm_eval_arguments(row: dict) -> list | None:
    """The logged requests' (context, continuation) pairs in request order, or None if not in a known form
    (the samples file: {"gen_args_K": {"arg_0": ctx, "arg_1": cont}}; simple_evaluate's samples: [[ctx, cont]])."""
    args = row.get("arguments")
    if isinstance(args, dict):
        try:
            items = sorted(args.items(), key=lambda kv: int(kv[0].rpartition("_")[2]))
            out = [(a["arg_0"], a["arg_1"]) for _, a in items]
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
    elif isinstance(args, (list, tuple)):
        if not all(isinstance(a, (list, tuple)) and len(a) >= 2 for a in args):
            return None
        out = [(a[0], a[1]) for a in args]
    else:
        return None
    return out if all(isinstance(c, str) and isinstance(t, str) for c, t in out) else None


def _split_unconditional(row: dict, n: int, i: int) -> int:
    """How many of the row's ``n`` requests are choices: ``n // 2`` when the last half are lm_eval's unconditional
    requests for ``acc_mutual_info`` (context "" and the same continuations as the first half), else ``n``."""
    args = _lm_eval_arguments(row)
    pmi_named = any(isinstance(m, str) and m.rpartition(":")[2] == "acc_mutual_info"
                    for m in row.get("metrics") or ())
    if args is None or len(args) != n:
        if pmi_named:
            raise InvalidInput(f"lm_eval log: the row names acc_mutual_info but its arguments do not show which of "
                               f"its {n} requests are unconditional", index=i, field="arguments")
        return n
    half = n // 2
    if n % 2 or not all(c == "" for c, _ in args[half:]):
        if pmi_named:
            raise InvalidInput(f"lm_eval log: the row names acc_mutual_info but its {n} requests are not N choices "
                               "followed by N unconditional requests (context \"\")", index=i, field="arguments")
        return n
    if [t for _, t in args[half:]] != [t for _, t in args[:half]]:
        if pmi_named:
            raise InvalidInput("lm_eval log: the unconditional requests' continuations differ from the choices' "
                               "(a multiple_input task with acc_mutual_info?); cannot pair them", index=i,
                               field="arguments")
        return n
    if all(c == "" for c, _ in args[:half]) and not pmi_named:
        raise InvalidInput(f"lm_eval log: every one of the {n} requests has an empty context and the last {half} "
                           f"repeat the first {half}: they may be {n} choices or {half} choices with their "
                           "unconditional requests (acc_mutual_info); the row does not say which", index=i,
                           field="arguments")
    return half


def _from_lm_eval(row: dict, i: int, delimiter: str | None = None) -> dict:
    out = dict(row)
    fr = row["filtered_resps"]
    if not isinstance(fr, list) or not fr:
        raise InvalidInput("lm_eval log: filtered_resps is not a non-empty list", index=i, field="filtered_resps")
    first = fr[0]
    if isinstance(first, str):
        out["prediction"], out["references"] = first, row["target"]
        return out
    if isinstance(first, list) and len(first) == 1 and isinstance(first[0], str):  # repeats=1 left unfiltered
        out["prediction"], out["references"] = first[0], row["target"]
        return out
    # log-likelihood requests: one [logprob, is_greedy] pair per choice
    try:
        logprobs = [float(r[0]) for r in fr]
        greedy = [r[1] in (True, "True", "true") for r in fr]
        out["gold"] = int(row["target"])
    except (TypeError, ValueError, IndexError, KeyError):
        raise InvalidInput("lm_eval log: filtered_resps is neither a text nor [logprob, is_greedy] pairs, "
                           "or the target is not a choice index", index=i, field="filtered_resps") from None
    n = _split_unconditional(row, len(logprobs), i)
    out["logprobs"], out["is_greedy"] = logprobs[:n], greedy[:n]
    if n < len(logprobs):
        out["unconditioned_logprobs"] = logprobs[n:]
    args = _lm_eval_arguments(row) if delimiter is not None else None
    if args is not None and len(args) == len(logprobs):
        conts = [t for _, t in args[:n]]
        if all(t.startswith(delimiter) for t in conts):
            out["texts"] = [t[len(delimiter):] for t in conts]
        else:
            raise InvalidInput(f"lm_eval log: a continuation does not start with the task's target_delimiter "
                               f"{delimiter!r} (from the results file next to the samples file)", index=i,
                               field="arguments")
    return out


def _from_lighteval(row: dict, i: int) -> dict:
    out = dict(row)
    doc, resp = row["doc"], row["model_response"]
    choices = doc.get("choices") or []
    gold = doc.get("gold_index")
    golds = [gold] if isinstance(gold, int) else list(gold or [])
    try:
        out["references"] = [choices[g] for g in golds]
    except (IndexError, TypeError):
        raise InvalidInput(f"lighteval details: gold_index {gold!r} does not index doc.choices ({len(choices)})",
                           index=i, field="doc.gold_index") from None
    text = resp.get("text") or []
    if text:
        out["prediction"] = text[0]
    if resp.get("logprobs"):
        n = len(choices)
        lps = [float(x) for x in resp["logprobs"]]
        if n and len(lps) == 2 * n:  # lighteval logs a PMI task's unconditioned log-probs after the choices'
            lps, out["unconditioned_logprobs"] = lps[:n], lps[n:]
        out["logprobs"] = lps
        out["gold"] = golds[0] if len(golds) == 1 else golds
        out["texts"] = list(choices)
        tokens = list(resp.get("output_tokens") or [])
        if len(tokens) >= len(lps) > 0:  # the continuation tokens of each choice, padding (< 0) left out
            out["token_counts"] = [lighteval_token_count(t) for t in tokens[:len(lps)]]
    return out


def lighteval_token_count(tokens) -> int:
    """The tokens of one lighteval continuation, less the backend's padding (negative ids): what its
    token-normalized log-probabilities divide by."""
    if hasattr(tokens, "tolist"):
        tokens = tokens.tolist()
    return sum(1 for t in tokens if not (isinstance(t, (int, float)) and t < 0))


def _utf8_lines(f, path: str) -> Iterator[tuple[int, str]]:
    """(line number, text) for each line of the binary file ``f``, decoded as strict UTF-8 (a leading byte order
    mark is kept, as Python's "utf-8" codec keeps it). Bytes that are not UTF-8 are an InvalidInput naming the
    file, the line and the byte offset, never a bare UnicodeDecodeError."""
    offset = 0
    for lineno, raw in enumerate(f, 1):
        try:
            yield lineno, raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise _not_utf8(path, lineno, offset + e.start, e.start + 1, raw[e.start:e.end], e.reason) from None
        offset += len(raw)


def _not_utf8(path, lineno, offset, column, bad: bytes, reason: str) -> InvalidInput:
    return InvalidInput(
        f"{path}:{lineno}: not valid UTF-8 at byte offset {offset} (column {column} of the line: bytes "
        f"{bad.hex(' ')}, {reason}); evalmetrics reads text files as UTF-8: convert the file first, e.g. "
        "iconv -f latin1 -t utf-8 IN > OUT", field="data")


def read_text(path: str) -> str:
    """The whole text file at ``path`` decoded as UTF-8; bytes that are not UTF-8 are an InvalidInput naming the
    file, the line and the byte offset (for readers of whole files: task YAMLs, task modules)."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        start = data.rfind(b"\n", 0, e.start) + 1
        raise _not_utf8(path, data.count(b"\n", 0, e.start) + 1, e.start, e.start - start + 1,
                        data[e.start:e.end], e.reason) from None


def _raw_rows(path: str, fmt: str | None = None) -> Iterator[dict]:
    if not os.path.exists(path):
        raise InvalidInput(f"no such file or folder: {path}", field="data")
    fmt = fmt or detect_format(path)
    if fmt == "jsonl":
        with open(path, "rb") as f:
            i = 0
            for lineno, line in _utf8_lines(f, path):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InvalidInput(f"{path}:{lineno}: not valid JSON ({e.msg})", index=i, field="data") from None
                if not isinstance(row, dict):
                    raise InvalidInput(f"{path}:{lineno}: expected a JSON object per line", index=i, field="data")
                yield row
                i += 1
    elif fmt == "csv":
        with open(path, "rb") as f:
            dialect = "excel-tab" if path.lower().endswith(".tsv") else "excel"
            # csv reads the decoded lines with their endings, as from a file opened with newline="".
            yield from csv.DictReader((line for _, line in _utf8_lines(f, path)), dialect=dialect)
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=8192):
            yield from batch.to_pylist()
    elif fmt == "datasets":
        import datasets

        ds = datasets.load_from_disk(path)
        if isinstance(ds, datasets.DatasetDict):
            if len(ds) != 1:
                raise InvalidInput(f"{path} holds splits {list(ds)}; save a single split", field="data")
            ds = next(iter(ds.values()))
        for row in ds:
            yield row
    else:
        raise InvalidInput(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}", field="data")


def count_rows(path: str, fmt: str | None = None) -> int | None:
    """Row count when cheap to know (Parquet metadata, datasets), else None."""
    fmt = fmt or detect_format(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    return None
