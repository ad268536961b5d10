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
PMI = os.path.join(LOGS, "samples_em_logs_pmi.jsonl")  # acc, acc_norm, acc_mutual_info: 2N requests per row


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


def _pmi_with_results(tmp_path, delimiter=" "):
    """The committed PMI log under lm_eval's own file names, next to a results file holding its task config."""
    date = "2026-01-01T00-00-00.000000"
    p = tmp_path / f"samples_em_logs_pmi_{date}.jsonl"
    p.write_bytes(open(PMI, "rb").read())
    (tmp_path / f"results_{date}.json").write_text(json.dumps(
        {"configs": {"em_logs_pmi": {"task": "em_logs_pmi", "target_delimiter": delimiter}}}))
    return str(p)


def test_lm_eval_mutual_info_log_splits_unconditional_requests(tmp_path, capsys):
    """TRIAL.md item 1: a task with acc_mutual_info logs 2N requests per document (N choices, then N unconditional
    ones); read as 2N choices, lm_eval:acc rescored to 0 where lm_eval reported 0.6667. lm_eval's own per-sample
    acc / acc_norm / acc_mutual_info are logged in each row: the rescoring must give each of them."""
    rows = list(read_rows(_pmi_with_results(tmp_path)))
    logged = raw(PMI)
    assert all(len(r["filtered_resps"]) == 2 * len(r["doc"]["choices"]) for r in logged)
    for g, r in zip(rows, logged):
        n = len(r["doc"]["choices"])
        lps = [float(x[0]) for x in r["filtered_resps"]]
        assert g["logprobs"] == lps[:n] and g["unconditioned_logprobs"] == lps[n:]
        assert g["texts"] == r["doc"]["choices"] and len(g["is_greedy"]) == n
        c = em.Choices(**{k: g[k] for k in ("logprobs", "gold", "texts", "unconditioned_logprobs", "is_greedy")})
        for name in ("acc", "acc_norm", "acc_mutual_info"):
            assert em.get(f"lm_eval:{name}").score(c) == r[name], (r["doc_id"], name)
    path = _pmi_with_results(tmp_path)
    for name in ("acc", "acc_norm", "acc_mutual_info"):
        code, out, err = run(capsys, "score", "--data", path, "--metric", f"lm_eval:{name}", "--json")
        assert code == 0, err
        assert json.loads(out)["score"] == sum(r[name] for r in logged) / len(logged)
    # without the results file: acc and PMI still rescore, acc_norm says it needs the texts
    code, out, _ = run(capsys, "score", "--data", PMI, "--metric", "lm_eval:acc", "--json")
    assert code == 0 and json.loads(out)["score"] == sum(r["acc"] for r in logged) / len(logged)
    code, _, err = run(capsys, "score", "--data", PMI, "--metric", "lm_eval:acc_norm")
    assert code == 2 and "texts" in err
    # a delimiter the continuations do not start with is an error, not a silent strip
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(em.InvalidInput, match="target_delimiter") as e:
        list(read_rows(_pmi_with_results(other, delimiter="::")))
    assert e.value.index == 0 and e.value.field == "arguments"


def test_lm_eval_rows_that_cannot_be_split_are_typed_errors(tmp_path):
    base = raw(PMI)[0]

    def write(row):
        p = tmp_path / "samples_x.jsonl"
        p.write_text(json.dumps(raw(MC)[0]) + "\n" + json.dumps(row) + "\n")
        return str(p)

    # every context empty and the halves equal: N choices + N unconditional, or 2N choices? the row cannot say
    amb = json.loads(json.dumps(base))
    amb["metrics"] = ["acc"]
    for a in amb["arguments"].values():
        a["arg_0"] = ""
    with pytest.raises(em.InvalidInput, match="does not say which") as e:
        list(read_rows(write(amb)))
    assert (e.value.index, e.value.field) == (1, "arguments")
    amb["metrics"] = ["acc", "acc_mutual_info"]  # the row names acc_mutual_info: split
    assert len(list(read_rows(write(amb)))[1]["unconditioned_logprobs"]) == len(base["doc"]["choices"])
    # the row names acc_mutual_info, but its requests are not N + N unconditional ones
    bad = json.loads(json.dumps(base))
    last = sorted(bad["arguments"], key=lambda k: int(k.rpartition("_")[2]))[-1]
    bad["arguments"][last]["arg_1"] = " something else"
    with pytest.raises(em.InvalidInput, match="acc_mutual_info") as e:
        list(read_rows(write(bad)))
    assert (e.value.index, e.value.field) == (1, "arguments")
    # an ordinary choice row is untouched (first half and second half have different contexts)
    (row,) = [r for r in read_rows(MC)][:1]
    assert "unconditioned_logprobs" not in row and len(row["logprobs"]) == len(raw(MC)[0]["filtered_resps"])


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


def test_docs_choice_record_format_lists_every_field_and_its_example_file_scores(capsys):
    """TRIAL.md item 5: nothing said which fields a choice row needs. docs/diff.md's "Choice records" table lists
    exactly the fields --data reads into Choices; its example file is tests/data/choices.jsonl as shown, and each of
    its rows builds a Choices record (the console lines are run by tests/test_diff.py)."""
    import re

    from evalmetrics.streaming import CHOICE_KEYS

    text = open(os.path.join(ROOT, "docs", "diff.md"), encoding="utf-8").read()
    section = text[text.index("## Choice records"):text.index("## report")]
    fields = re.findall(r"^\| `(\w+)` \|", section, re.M)
    assert fields == list(CHOICE_KEYS)
    required = re.findall(r"^\| `(\w+)` \|[^|]*\| yes \|", section, re.M)
    assert required == ["logprobs", "gold"]
    (shown,) = re.findall(r"```json\n(.*?)```", section, re.S)
    path = os.path.join(ROOT, "tests", "data", "choices.jsonl")
    assert [json.loads(x) for x in shown.splitlines()] == raw(path)
    for row in read_rows(path):
        em.Choices(**{k: row[k] for k in CHOICE_KEYS if k in row})
    assert "tests/data/choices.jsonl" in section and "$ evalmetrics score" in section
    # a row without a field its metric needs: the error names the row and the field, as the section says
    code, _, err = run(capsys, "score", "--metric", "lm_eval:acc_mutual_info", "--data", path)
    assert code == 2 and "sample 0, field unconditioned_logprobs: norm=pmi needs unconditioned_logprobs" in err
    assert "sample 0, field unconditioned_logprobs: norm=pmi needs unconditioned_logprobs" in section
