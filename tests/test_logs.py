"""Harness per-sample logs as --data: lm_eval ``samples_*.jsonl`` and lighteval details parquet, detected by content.

The lm_eval files in tests/data/lm_eval_logs were written by lm-eval 0.4.13 itself (see the README there); each row
carries lm_eval's own per-sample metric value, which evalmetrics' alias must reproduce from the mapped columns.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

import pytest

import evalmetrics as em
from evalmetrics.cli import main
from evalmetrics.io import lm_eval_filters, log_kind, read_rows

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGS = os.path.join(ROOT, "tests", "data", "lm_eval_logs")
QA = os.path.join(LOGS, "samples_em_logs_qa.jsonl")
MC = os.path.join(LOGS, "samples_em_logs_mc.jsonl")


def raw(path):
    return [json.loads(x) for x in open(path, encoding="utf-8")]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_lm_eval_generative_log_maps_filtered_response_and_logged_target():
    assert lm_eval_filters(QA) == ["strict", "raw"]
    for filt in ("strict", "raw"):
        expected = [r for r in raw(QA) if r["filter"] == filt]
        got = list(read_rows(QA, lm_eval_filter=filt))
        assert len(got) == len(expected) > 0
        for g, r in zip(got, expected):
            assert log_kind(r) == "lm_eval"
            assert g["prediction"] == r["filtered_resps"][0] and g["references"] == r["target"]
            assert g["doc_id"] == r["doc_id"]
        # lm_eval's own per-sample exact_match, logged in each row, is lm_eval:exact_match on the mapped columns
        m = em.get("lm_eval:exact_match")
        assert [m.score(g["prediction"], g["references"]) for g in got] == [r["exact_match"] for r in expected]


def test_lm_eval_choice_log_maps_logprobs_and_gold():
    rows = list(read_rows(MC))
    m = em.get("lm_eval:acc")
    for g, r in zip(rows, raw(MC)):
        assert g["logprobs"] == [float(x[0]) for x in r["filtered_resps"]] and g["gold"] == int(r["target"])
        assert m.score(em.Choices(logprobs=g["logprobs"], gold=g["gold"])) == r["acc"]


def test_filter_choice_is_required_and_checked(capsys):
    with pytest.raises(em.InvalidInput, match=r"2 filters \(strict, raw\).*--filter"):
        list(read_rows(QA))
    with pytest.raises(em.InvalidInput, match="filter 'nope' not in"):
        list(read_rows(QA, lm_eval_filter="nope"))
    sample = os.path.join(ROOT, "evalmetrics", "data", "sample_generations.jsonl")
    with pytest.raises(em.InvalidInput, match="not an lm_eval samples file"):
        list(read_rows(sample, lm_eval_filter="strict"))
    code, out, err = run(capsys, "diff", "--data", QA, "--name", "exact_match")
    assert code == 2 and "--filter" in err
    code, out, _ = run(capsys, "diff", "--data", QA, "--name", "exact_match", "--filter", "raw", "--json",
                       "--n-boot", "20")
    d = json.loads(out)
    expected = [r for r in raw(QA) if r["filter"] == "raw"]
    lm = next(r for r in d["scores"] if "lm_eval:exact_match" in r["name"].split(" = "))
    assert lm["score"] == sum(r["exact_match"] for r in expected) / len(expected)
    assert d["filter"] == "raw" and len(d["scores"]) >= 3


def test_malformed_lm_eval_row_names_the_row(tmp_path):
    rows = [r for r in raw(QA) if r["filter"] == "raw"][:3]
    rows[2]["filtered_resps"] = [{"not": "a response"}]
    p = tmp_path / "samples_bad.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.raises(em.InvalidInput) as e:
        list(read_rows(str(p)))
    assert e.value.index == 2 and e.value.field == "filtered_resps"


# lighteval 0.13's details rows: asdict(Detail(doc=Doc, model_response=ModelResponse, metric=dict)), with the fields
# its parquet keeps (a subset is enough for the reader; the conformance suite writes real ones with lighteval).
@dataclass
class _Doc:
    query: str
    choices: list
    gold_index: object
    task_name: str = "qa"


@dataclass
class _Response:
    text: list = field(default_factory=list)
    logprobs: list = field(default_factory=list)


def _details_parquet(tmp_path, details):
    import datasets

    p = tmp_path / "details_qa_2025.parquet"
    datasets.Dataset.from_list([{"doc": asdict(d), "model_response": asdict(r), "metric": m}
                                for d, r, m in details]).to_parquet(str(p))
    return str(p)


def test_lighteval_details_parquet_maps_text_and_gold_choices(tmp_path, capsys):
    p = _details_parquet(tmp_path, [
        (_Doc("Q1", ["Paris", "City of Light"], [0, 1]), _Response(text=[" Paris"]), {"em": 1.0}),
        (_Doc("Q2", ["8"], [0]), _Response(text=["eight"]), {"em": 0.0}),
    ])
    rows = list(read_rows(p))
    assert [r["prediction"] for r in rows] == [" Paris", "eight"]
    assert [r["references"] for r in rows] == [["Paris", "City of Light"], ["8"]]
    code, out, _ = run(capsys, "score", "--data", p, "--metric", "lighteval:exact_match", "--json")
    assert code == 0 and json.loads(out)["score"] == 0.5


def test_lighteval_choice_details_become_choice_records(tmp_path):
    p = _details_parquet(tmp_path, [
        (_Doc("Q", [" a", " bb"], 1), _Response(text=[], logprobs=[-1.0, -0.5]), {"acc": 1.0}),
    ])
    (row,) = read_rows(p)
    assert row["logprobs"] == [-1.0, -0.5] and row["gold"] == 1 and row["texts"] == [" a", " bb"]
