"""`evalmetrics sensitivity`: log-prob differences across batch size and dtype, and flipped choice decisions."""
from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

import evalmetrics as em  # noqa: E402
from evalmetrics.cli import main  # noqa: E402
from evalmetrics.sensitivity import compare, read_requests, run_sensitivity  # noqa: E402

QUESTIONS = [
    ("The capital of France is", [" Paris", " Rome", " a small village"], 0),
    ("Water is made of hydrogen and", [" oxygen", " gold"], 0),
    ("Question: What is 12 + 30? Answer:", [" 42", " 41", " 12"], 0),
    ("She sells sea shells by the", [" sea shore.", " lazy dog."], 0),
    ("", [" The quick brown fox", " Les élèves"], 1),
]


@pytest.fixture(scope="module")
def requests_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("sens") / "requests.jsonl"
    with open(p, "w", encoding="utf-8") as f:
        for q, (ctx, choices, gold) in enumerate(QUESTIONS):
            for c in choices:
                f.write(json.dumps({"doc_id": q, "context": ctx, "continuation": c, "gold": gold}) + "\n")
    return str(p)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2

    tok = bpe_tokenizer()
    return random_gpt2(len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, n_layer=1), tok


def test_compare_counts_flips_and_differences():
    questions = {"q0": ([0, 1], 0), "q1": ([2, 3, 4], 2), "q2": ([5, 6], None)}
    a = np.array([-1.0, -2.0, -3.0, -1.0, -2.0, -0.5, -0.6])
    b = np.array([-1.0, -0.9, -3.0, -1.0, -2.5, -0.7, -0.6])  # q0 flips, q1 keeps row 3, q2 flips
    out = compare({"A": a, "B": b}, questions)
    (p,) = out["pairs"]
    assert p["decision_flips"] == 2 and p["max_abs_logprob_diff"] == pytest.approx(1.1) and p["at_request"] == 1
    assert out["settings"]["A"]["accuracy"] == 0.5 and out["settings"]["B"]["accuracy"] == 0.0
    assert out["graded_questions"] == 2


def test_tiny_model_settings_against_the_scorer_used_directly(tiny, requests_file):
    out = run_sensitivity(tiny, requests_file, batch_size=4, return_scores=True)
    names = [s["name"] for s in out["settings"]]
    assert names == ["float32, batch 1", "float32, batch 4", "bfloat16, batch 1", "bfloat16, batch 4"]
    assert len(out["pairs"]) == 6 and out["questions"] == len(QUESTIONS) == out["graded_questions"]
    # each setting's numbers are the scorer's own, run directly here
    reqs, questions = read_requests(requests_file)
    import copy

    model, tok = tiny
    for dt in ("float32", "bfloat16"):
        direct = [r.logprob for r in em.LogprobScorer(copy.deepcopy(model), tok, batch_size=1, dtype=dt).score(reqs)]
        assert out["scores"][f"{dt}, batch 1"] == direct
    expected = compare({k: np.array(v) for k, v in out["scores"].items()}, questions)
    assert out["pairs"] == expected["pairs"]
    by = {(p["a"], p["b"]): p for p in out["pairs"]}
    assert by[("float32, batch 1", "float32, batch 4")]["max_abs_logprob_diff"] < 1e-4
    assert by[("float32, batch 1", "bfloat16, batch 1")]["max_abs_logprob_diff"] > 0  # bfloat16 rounds


def test_cli_with_a_local_model_folder(tiny, requests_file, tmp_path, capsys):
    model, tok = tiny
    model.save_pretrained(tmp_path / "m")
    tok.save_pretrained(tmp_path / "m")
    code = main(["sensitivity", "--model", str(tmp_path / "m"), "--requests", requests_file, "--batch-size", "3",
                 "--dtypes", "float32", "--json"])
    assert code == 0
    d = json.loads(capsys.readouterr().out)
    assert [s["batch_size"] for s in d["settings"]] == [1, 3] and d["pairs"][0]["decision_flips"] == 0
    code = main(["sensitivity", "--model", str(tmp_path / "m"), "--requests", requests_file, "--dtypes", "float32"])
    out = capsys.readouterr().out
    assert code == 0 and "max |dlogp|" in out and "float32, batch 8" in out


def test_errors(tmp_path, capsys):
    bad = tmp_path / "r.jsonl"
    bad.write_text('{"context": "a", "continuation": "b", "doc_id": 0, "gold": 0}\n{"context": "a", "doc_id": 0}\n')
    with pytest.raises(em.InvalidInput) as e:
        read_requests(str(bad))
    assert e.value.index == 1 and e.value.field == "continuation"
    assert main(["sensitivity", "--model", str(tmp_path / "missing"), "--requests", str(bad)]) == 2
    assert "local transformers folder" in capsys.readouterr().err
