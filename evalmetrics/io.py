"""Streaming readers for sample files: JSONL, CSV, Parquet, and saved ``datasets`` folders."""
from __future__ import annotations

import csv
import json
import os
from typing import Iterator

from .errors import InvalidInput

__all__ = ["read_rows", "detect_format", "count_rows"]

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


def read_rows(path: str, fmt: str | None = None) -> Iterator[dict]:
    """Yield one dict per row, in file order, without loading the whole file."""
    if not os.path.exists(path):
        raise InvalidInput(f"no such file or folder: {path}", field="data")
    fmt = fmt or detect_format(path)
    if fmt == "jsonl":
        with open(path, encoding="utf-8") as f:
            i = 0
            for lineno, line in enumerate(f, 1):
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
        with open(path, encoding="utf-8", newline="") as f:
            dialect = "excel-tab" if path.lower().endswith(".tsv") else "excel"
            yield from csv.DictReader(f, dialect=dialect)
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
