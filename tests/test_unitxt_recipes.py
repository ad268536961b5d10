"""lm_eval's unitxt tasks (tasks/unitxt: ``class: !function task.Unitxt`` + ``recipe:``) read by the lm_eval task
reader without unitxt (evalmetrics/integrations/lm_eval_tasks/unitxt_recipes.py), the ``processed`` metric it uses
for metrics without step lists, and the required configuration keys the catalog and explain mark.

Agreement with unitxt itself (the catalog tables and every row read) is tests/conformance/test_unitxt.py
(``test_recipe_tables``, ``test_recipe_rows``, unitxt's own environment)."""
from __future__ import annotations

import textwrap

import pytest

import evalmetrics as em
from evalmetrics.errors import InvalidConfig, InvalidInput
from evalmetrics.integrations.lm_eval_tasks import read_lm_eval_task
from evalmetrics.integrations.lm_eval_tasks import unitxt_recipes as ur
from evalmetrics.integrations.lm_eval_tasks.filter_classes import module_digest
from evalmetrics.integrations.lm_eval_tasks.loading import FunctionRef
from evalmetrics.integrations.lm_eval_tasks.readings import NotModeled
from evalmetrics.metrics.processed import Processed
from evalmetrics.metrics.text_label_f1 import TextLabelF1
from evalmetrics.presets import unitxt as pu

MC = "templates.classification.multi_class.title"
TASK_PY = "class Unitxt:\n    pass\n\n\nclass UnitxtMultiModal(Unitxt):\n    pass\n"


@pytest.fixture
def unitxt_dir(tmp_path, monkeypatch):
    """A task folder whose task.py stands for lm_eval's (its digest registered as the known module)."""
    (tmp_path / "task.py").write_text(TASK_PY, encoding="utf-8")
    (tmp_path / "unitxt").write_text("class: !function task.Unitxt\n", encoding="utf-8")
    digest = module_digest(FunctionRef("task.Unitxt", str(tmp_path)))
    monkeypatch.setitem(ur.UNITXT_MODULES, digest, ("unitxt/task.py", ("Unitxt", "UnitxtMultiModal")))

    def write(name, recipe):
        p = tmp_path / f"{name}.yaml"
        p.write_text(textwrap.dedent(f"""\
            task: {name}
            include: unitxt
            recipe: {recipe}
            """), encoding="utf-8")
        return str(p)

    return write


def test_parse_recipe_brackets_and_errors():
    got = ur.parse_recipe("card=cards.x,template=templates.y[postprocessors=[a,b]],num_demos=0")
    assert got == {"card": "cards.x", "template": "templates.y[postprocessors=[a,b]]", "num_demos": "0"}
    with pytest.raises(NotModeled, match="not key=value"):
        ur.parse_recipe("card=cards.x,oops")
    with pytest.raises(NotModeled, match="no recipe"):
        ur.parse_recipe(None)


def test_classification_rows(unitxt_dir):
    r = read_lm_eval_task(unitxt_dir("ag_news", f"card=cards.ag_news,template={MC}"))
    assert [x.key for x in r.readings] == ["f1_micro,none", "accuracy,none", "f1_macro,none"]
    assert all(x.reproduced for x in r.readings)
    f1, acc = em.get(r.get("f1_micro").id), em.get(r.get("accuracy").id)
    assert isinstance(f1, Processed) and f1.metric == TextLabelF1(average="micro")
    # the target prefix "topic:\n" goes from the prediction's start; then the first line, lowercased, cut at '.'
    preds, refs = ["topic:\n World. more", "Sports!", "topic: Business"], ["World", "Sports", "Business"]
    assert acc.compute(preds, refs).score == pytest.approx(2 / 3)
    assert acc.score("  topic:\n  Sci/Tech\nnext", "Sci/Tech") == 1.0
    assert f1.compute(preds, refs).score == TextLabelF1(average="micro").compute(
        ["world", "sports", "topic: business"], ["world", "sports", "business"]).score
    # banking77's prefix reads the card's type_of_class ("intent")
    b = read_lm_eval_task(unitxt_dir("banking77", f"card=cards.banking77,template={MC}"))
    assert em.get(b.get("accuracy").id).score("intent:\ncard arrival", "card arrival") == 1.0
    assert em.get(b.get("accuracy").id).score("topic:\ncard arrival", "card arrival") == 0.0


def test_summarization_and_gec_rows(unitxt_dir):
    x = read_lm_eval_task(unitxt_dir("xsum", "card=cards.xsum,template=templates.summarization.abstractive.full"))
    assert [r.key for r in x.readings] == ["rouge,none"]
    assert "rouge(rouge_type=rougel" in x.get("rouge").id and x.get("rouge").reproduced
    gec = "card=cards.coedit_gec,template=templates.grammatical_error_correction.simple"
    g = read_lm_eval_task(unitxt_dir("coedit_gec", gec))
    assert [r.key for r in g.readings] == ["char_edit_dist_accuracy,none", "rouge,none",
                                           "char_edit_distance[reference_field=original_text],none"]
    d = g.get("char_edit_distance[reference_field=original_text]")
    assert d.reproduced and "original_text" in d.references
    m = em.get(d.id)
    assert m.ref == () and m.score("Corrected text: He go.", "He go.") == 0.0  # the prefix is not an edit


def test_unread_rows_say_why(unitxt_dir):
    a = read_lm_eval_task(unitxt_dir("atis", "card=cards.atis,template=templates.span_labeling.extraction.title"))
    assert not a.get("ner").reproduced and "metrics.ner" in a.get("ner").reason
    tos = "card=cards.unfair_tos,template=templates.classification.multi_label.title"
    u = read_lm_eval_task(unitxt_dir("unfair_tos", tos))
    assert "to_list_by_comma" in u.get("accuracy").reason
    unknown = read_lm_eval_task(unitxt_dir("mine", f"card=cards.mine,template={MC}"))
    assert [r.key for r in unknown.readings] == ["(the recipe's metrics),none"]
    assert "cards.mine" in unknown.readings[0].reason
    extra = read_lm_eval_task(unitxt_dir("x", f"card=cards.ag_news,template={MC},metrics=[metrics.rouge]"))
    assert "got keys" in extra.readings[0].reason


def test_unknown_module_is_not_read_as_unitxt(tmp_path):
    (tmp_path / "task.py").write_text(TASK_PY + "# changed\n", encoding="utf-8")
    (tmp_path / "t.yaml").write_text("task: t\nclass: !function task.Unitxt\nrecipe: card=cards.ag_news,template="
                                     "templates.classification.multi_class.title\n", encoding="utf-8")
    r = read_lm_eval_task(str(tmp_path / "t.yaml"))
    assert not any(x.reproduced for x in r.readings)


def test_tables_are_consistent():
    for template in pu.TEMPLATE_TARGET_PREFIX:
        assert template in pu.TEMPLATE_POSTPROCESSORS
    for card in pu.CARD_FIELDS:
        assert card in pu.CARD_METRICS
    assert pu.target_prefix_step("templates.summarization.abstractive.full", "cards.xsum") is None
    with pytest.raises(KeyError):
        pu.target_prefix_step("templates.classification.multi_class.title", "cards.xsum")


def test_processed_metric():
    m = Processed.example()
    assert em.get(m.id) == m
    assert m.compute(["Yes", "NO", "no"], ["yes", "no", "yes"]).score == pytest.approx(2 / 3)
    assert m.compute(["Yes"], ["yes"]).metric_id == m.id
    assert m.row_aggregation == "corpus"
    assert Processed(pred=(em.Lowercase(),), metric=em.ExactMatch()).row_aggregation == "mean"
    assert m.trace("A", ["a"]) == {"prediction": "a", "reference": "a", "reference_index": 0}
    with pytest.raises(InvalidConfig, match="text metric"):
        Processed(pred=(), ref=(), metric=None)
    with pytest.raises(InvalidInput) as e:
        m.compute(["a", None], ["a", "b"])
    assert e.value.index == 1
    from evalmetrics.extractors import RegexExtract

    digits = Processed(pred=(RegexExtract(pattern=r"(\d+)", fallback=None),), metric=TextLabelF1())
    with pytest.raises(InvalidInput, match="no answer") as e:
        digits.compute(["7", "none here"], ["7", "8"])
    assert (e.value.index, e.value.field) == (1, "prediction")


# ------------------------------------------------------------------------------------------------ required keys

def test_required_keys_from_the_builders():
    table = em.registry.aliases()
    assert table["olmes@0.1:primary_score"].required_keys() == ("task",)
    assert table["inspect@0.3:answer"].required_keys() == ("pattern",)
    assert table["inspect@0.3:pattern"].required_keys() == ("pattern",)
    assert table["helm@0.5:pass@k"].required_keys() == ()
    for key, a in table.items():  # every key marked required is one the builder refuses to go without
        for k in a.required_keys():
            with pytest.raises((InvalidConfig, TypeError)):
                a.make(**{x: v for x, v in a.example.items() if x != k})
            a.make(**a.example)


def test_required_keys_shown():
    assert "pattern= is required" in str(em.explain("inspect:answer"))
    assert "task= is required" in str(em.explain("olmes:primary_score"))
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    metrics_md = (root / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert "`task` (required: no default)" in metrics_md
    rosetta = (root / "docs" / "rosetta.md").read_text(encoding="utf-8")
    assert "ID for pattern='letter' (pattern= is required: no default)" in rosetta
