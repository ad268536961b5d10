"""Issue 18 (a new user's trial of the vocabularies): typed errors where a raw traceback came out."""
import json
import sys

import pytest

import evalmetrics as em
from evalmetrics import cli
from evalmetrics.streaming import score_rows


# ---- a text step used as a metric ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["unitxt:processors.lower_case", "lowercase"])
def test_score_command_with_a_step_is_a_typed_error(name, tmp_path, capsys):
    data = tmp_path / "x.jsonl"
    data.write_text(json.dumps({"prediction": "A", "references": ["a"]}) + "\n")
    details = tmp_path / "d.jsonl"
    assert cli.main(["score", "--metric", name, "--data", str(data), "--details", str(details)]) == 2
    err = capsys.readouterr().err
    assert "not a metric" in err and "normalizer" in err and "normalize=[" in err
    assert "Traceback" not in err and not details.exists()


def test_step_entry_points_of_a_metric_raise_invalid_config():
    step = em.get("lowercase")
    for call in (lambda: step.compute(["a"], [["a"]]), lambda: step.score("a", ["a"]), lambda: step.request_type):
        with pytest.raises(em.InvalidConfig, match="not a metric"):
            call()
    assert not hasattr(step, "score")  # still an AttributeError underneath: explain's hasattr checks hold
    with pytest.raises(AttributeError, match="no_such"):
        step.no_such
    with pytest.raises(em.InvalidConfig, match=r"pred=\["):
        score_rows(em.get("unitxt:processors.lower_case"), iter([]), source="-", fmt="jsonl")


def test_the_suggested_metric_id_works():
    step = em.get("lowercase")
    with pytest.raises(em.InvalidConfig) as e:
        step.compute(["A"], [["a"]])
    suggested = str(e.value).split("the metric ID '")[1].split("'")[0]
    assert em.get(suggested).score("A", ["a"]) == 1.0


# ---- an optional package missing: the project's error naming the extra --------------------------------------------


def _hide(monkeypatch, *names):
    for n in names:
        monkeypatch.setitem(sys.modules, n, None)


@pytest.mark.parametrize("alias", ["unitxt:metrics.f1_micro", "unitxt:metrics.f1_macro"])
def test_text_label_f1_without_sklearn_names_the_extra(alias, monkeypatch):
    m = em.get(alias)
    _hide(monkeypatch, "sklearn", "sklearn.metrics")
    with pytest.raises(em.InvalidConfig, match=r"pip install -e '\.\[classification\]'"):
        m.compute(["a"], [["a"]])


def test_choice_f1_without_sklearn_names_the_extra(monkeypatch):
    m = em.get("lm_eval:f1")
    _hide(monkeypatch, "sklearn", "sklearn.metrics")
    c = em.Choices(logprobs=[-1.0, -2.0], gold=0)
    with pytest.raises(em.InvalidConfig, match=r"pip install -e '\.\[classification\]'"):
        m.compute([c, c])


def test_corpus_bleu_and_sentence_bleu_without_packages_name_the_extra(monkeypatch):
    _hide(monkeypatch, "sacrebleu", "nltk", "nltk.tokenize", "nltk.translate.bleu_score")
    with pytest.raises(em.InvalidConfig, match=r"pip install -e '\.\[textgen\]'"):
        em.CorpusBLEU().compute(["a b c d"], [["a b c d"]])
    with pytest.raises(em.InvalidConfig, match=r"pip install -e '\.\[textgen\]'"):
        em.get("lighteval:bleu_1").compute(["a b"], [["a b"]])


# ---- alias keywords: a misspelling gets a suggestion, a bad value names the alias --------------------------------


def test_misspelled_alias_keyword_suggests_the_key():
    with pytest.raises(em.InvalidConfig, match=r"does not take 'numberic' \(did you mean 'numeric'\?\); its "
                                               r"configuration keys: ignore_case, location, numeric") as e:
        em.get("inspect:match", numberic=True)
    assert e.value.field == "numberic"
    with pytest.raises(em.InvalidConfig) as e:
        em.get("inspect:match", zzz=1)
    assert "did you mean" not in str(e.value) and "its configuration keys" in str(e.value)


def test_bad_alias_value_names_the_alias():
    with pytest.raises(em.InvalidConfig) as e:
        em.get("inspect:match", numeric="yes")
    assert str(e.value).startswith("inspect:match: ") and "'numeric'" in str(e.value)
    assert not str(e.value).startswith("inspect:match: inspect:")
