"""unitxt 1.26 catalog metrics and processors, named by their catalog IDs, as explicit pipelines (DATA ONLY).

``unitxt:metrics.<name>`` is the catalog metric ``metrics.<name>`` (``unitxt.artifact.fetch_artifact``); its score is
what unitxt reports as the global ``score`` (the metric's ``main_score``), per-sample values are its instance
scores. unitxt's confidence intervals (bootstrap ``score_ci_low`` / ``score_ci_high``) are not reproduced.

| catalog ID                          | unitxt class             | main score              | global score         |
|-------------------------------------|--------------------------|-------------------------|----------------------|
| ``metrics.accuracy``                | AccuracyFast             | accuracy                | mean of 0/1          |
| ``metrics.string_containment``      | StringContainment        | string_containment      | mean of 0/1          |
| ``metrics.f1_micro``                | F1Fast                   | f1_micro                | corpus (scikit-learn)|
| ``metrics.f1_macro``                | F1Fast                   | f1_macro                | corpus (scikit-learn)|
| ``metrics.token_overlap``           | TokenOverlap             | f1                      | numpy.nanmean        |
| ``metrics.rouge``                   | Rouge                    | rougeL                  | numpy.nanmean        |
| ``metrics.char_edit_distance``      | CharEditDistance         | char_edit_distance      | mean of integers     |
| ``metrics.char_edit_dist_accuracy`` | CharEditDistanceAccuracy | char_edit_dist_accuracy | numpy.nanmean        |

``metrics.rouge/rouge1``, ``metrics.rouge/rouge2`` and ``metrics.rouge/rougeLsum`` name the other ROUGE scores
unitxt's ``metrics.rouge`` reports beside its main score. unitxt strips each text and puts one nltk Punkt sentence on
a line before scoring; only ``rougeLsum`` reads lines, so only its pipeline spells that step out (for rouge1, rouge2
and rougeL the split changes nothing: Punkt cuts only after ``.``/``?``/``!`` before whitespace or punctuation, and
rouge-score's tokens are runs of ASCII letters and digits).

``metrics.exact_match_mm`` (``ExactMatchMM``, MMStar's rule) and ``metrics.jaccard_index_words``
(``JaccardIndexString`` over ``RegexSplit(by="\\s+")``) are per-sample metrics with unitxt's mean
(``numpy.nanmean``) as the global score.

``unitxt:processors.<name>`` is the catalog post-processor ``processors.<name>``: a ``PostProcess`` whose
``operator`` is applied to the prediction and/or each reference (the summary says which); the alias is that
operator, as a step. Put it in a metric's ``normalize`` (both sides) or ``normalize_pred`` (prediction only).

Not here (unitxt's own code needs what the conformance environment cannot have, or no shared step computes it
yet): ``metrics.squad`` (loads HF evaluate's ``squad`` script from the Hub), model-based metrics (BERTScore,
LLM-as-judge, perplexity), and processors that return non-text values (casts to float, JSON, lists) or use the task's options.

``CARD_METRICS``, ``TEMPLATE_POSTPROCESSORS``, ``TEMPLATE_TARGET_PREFIX`` and ``CARD_FIELDS`` (below) are the catalog
entries lm_eval 0.4.13's ``tasks/unitxt`` recipes name, as data, for the lm_eval task reader
(``integrations/lm_eval_tasks/unitxt_recipes.py``), which reads those tasks without unitxt.
"""
from __future__ import annotations

from ..extractors import RegexExtract, SplitTake
from ..metrics.edit_distance import CharEditDistance, CharEditSimilarity
from ..metrics.leading_char import LeadingCharMatch
from ..metrics.match import F1, ExactMatch
from ..metrics.math import Chain
from ..metrics.pairwise_mean import PairwiseMean
from ..metrics.sets import SetMatch
from ..metrics.text_label_f1 import TextLabelF1
from ..metrics.textgen import Rouge
from ..normalizers import (
    CollapseWhitespace,
    FloatCast,
    IfContains,
    Lowercase,
    MapText,
    RegexReplace,
    Replace,
    SentenceLines,
    Strip,
    StripArticles,
    StripPunct,
    Uppercase,
)
from ._steps import SQUAD_NORMALIZE
from .alias import Alias

__all__ = ["ALIASES"]

_V = "1.26"
_BOTH = " (unitxt applies it to the prediction and to each reference)"
_PRED = " (unitxt applies it to the prediction only)"

# processors.py TakeFirstWord: the first run of digits with optional '-' signs and '.digits' parts, or of word
# characters; the whole match (each alternative's outer group is the whole match).
TAKE_FIRST_WORD = r"([-]*[0-9]+(\.([0-9]+))*)|([\w]+)"


def _say(phrase: str):
    """processors.py StringEquals(string=phrase): 'not <phrase>' found in the lowercased text -> 'not <phrase>';
    else '<phrase>' found -> '<phrase>'; else the text unchanged."""
    negated = "not " + phrase
    return IfContains(phrase=phrase, ignore_case=True, steps=(
        IfContains(phrase=negated, ignore_case=True, steps=(MapText(mapping=(), default=negated),)),
        MapText(mapping={negated: negated}, default=phrase),
    ))


# metrics.py ExactMatchMM.exact_match: both texts str.lower(), str.strip(), then line breaks become spaces.
_MM_NORMALIZE = (Lowercase(), Strip(), Replace(old="\n", new=" "))
# metrics.py Rouge(sent_split_newline=True): "\n".join(nltk.sent_tokenize(text.strip())) on both sides.
_SENTENCE_LINES = (Strip(), SentenceLines())


def _jaccard_words():
    r"""JaccardIndexString with RegexSplit(by=r"\s+"): each text's set of re.split(r"\s+", text) pieces (the empty
    pieces at whitespace edges included), intersection over union, best over references. As set_match: the
    whitespace runs become single spaces, then the text splits on " "; the line break that marks set_match's
    'start' and 'empty set' can no longer occur after that step, so neither applies."""
    return SetMatch(score="iou", start="\n", separator=" ", empty_marker="\n", delete="",
                    normalize=[RegexReplace(pattern=r"\s+", replacement=" ")])


def _metric(name, build, summary, also=()):
    return Alias("unitxt", _V, f"metrics.{name}", build, summary, also=also)


def _processor(name, build, summary):
    return Alias("unitxt", _V, f"processors.{name}", build, summary)


ALIASES = [
    _metric("accuracy", lambda: ExactMatch(),
            "unitxt metrics.accuracy (AccuracyFast): 1 if the prediction equals a reference exactly (no "
            "normalization), else 0; global score: the mean", also=("accuracy",)),
    _metric("string_containment", lambda: ExactMatch(mode="prediction_contains_reference"),
            "unitxt metrics.string_containment: 1 if some reference occurs inside the prediction (case-sensitive; "
            "an empty reference always does), else 0; global score: the mean", also=("string_containment",)),
    _metric("f1_micro", lambda: TextLabelF1(average="micro"),
            "unitxt metrics.f1_micro (F1Fast): each distinct text a class label; micro F1 of the predictions "
            "against the first references over the labels the references use (scikit-learn); a corpus statistic",
            also=("f1_micro",)),
    _metric("f1_macro", lambda: TextLabelF1(average="macro"),
            "unitxt metrics.f1_macro (F1Fast): each distinct text a class label; unweighted mean over the "
            "references' labels of each label's F1 (scikit-learn); a corpus statistic", also=("f1_macro",)),
    _metric("token_overlap", lambda: PairwiseMean(metric=F1(normalize=SQUAD_NORMALIZE)),
            "unitxt metrics.token_overlap f1: SQuAD's normalization (lower, delete ASCII punctuation, articles to "
            "spaces, collapse whitespace); multiset token F1 2PR/(P+R), no tokens scores 0; best over references; "
            "global score: numpy.nanmean"),
    _metric("rouge", lambda: PairwiseMean(metric=Rouge(rouge_type="rougel", combine="max")),
            "unitxt metrics.rouge main score rougeL: rouge-score rougeL F-measure (no stemming), best over "
            "references; global score: numpy.nanmean", also=("rougeL",)),
    _metric("rouge/rouge1", lambda: PairwiseMean(metric=Rouge(rouge_type="rouge1", combine="max")),
            "unitxt metrics.rouge's rouge1 score: rouge-score rouge1 F-measure (no stemming), best over references; "
            "global: numpy.nanmean", also=("rouge1",)),
    _metric("rouge/rouge2", lambda: PairwiseMean(metric=Rouge(rouge_type="rouge2", combine="max")),
            "unitxt metrics.rouge's rouge2 score: rouge-score rouge2 F-measure (no stemming), best over references; "
            "global: numpy.nanmean", also=("rouge2",)),
    _metric("rouge/rougeLsum",
            lambda: PairwiseMean(metric=Rouge(rouge_type="rougelsum", combine="max", pred=_SENTENCE_LINES,
                                              ref=_SENTENCE_LINES)),
            "unitxt metrics.rouge's rougeLsum score: strip, one nltk Punkt (English) sentence a line, then rouge-score "
            "rougeLsum F-measure (no stemming), best over references; global: numpy.nanmean", also=("rougeLsum",)),
    _metric("exact_match_mm", lambda: LeadingCharMatch(normalize=_MM_NORMALIZE),
            "unitxt metrics.exact_match_mm (MMStar's rule): lowercase, strip, line breaks to spaces; 1 if a reference "
            "is one character and the prediction starts with it, or with '(', 'option ' or 'the answer is ' followed "
            "by it; global score: the mean"),
    _metric("jaccard_index_words", lambda: PairwiseMean(metric=_jaccard_words()),
            "unitxt metrics.jaccard_index_words: each text's set of pieces between whitespace runs (re.split on \\s+, "
            "an empty piece at a whitespace edge included); intersection over union, best over references; global "
            "score: numpy.nanmean"),
    _metric("char_edit_distance", lambda: CharEditDistance(),
            "unitxt metrics.char_edit_distance: delete all whitespace from both texts, then the character "
            "Levenshtein distance to the one reference (lower is better; several references raise); global score: "
            "the mean"),
    _metric("char_edit_dist_accuracy", lambda: PairwiseMean(metric=CharEditSimilarity(both_empty="zero")),
            "unitxt metrics.char_edit_dist_accuracy: delete all whitespace, then 1 - Levenshtein distance / the "
            "longer length (both empty: 0, not 1); one reference only; global score: numpy.nanmean"),
    # ---- processors (catalog/processors/*.json: a PostProcess around one operator of processors.py)
    _processor("lower_case", lambda: Lowercase(), "unitxt processors.lower_case: Python str.lower" + _BOTH),
    _processor("upper_case", lambda: Uppercase(), "unitxt processors.upper_case: Python str.upper" + _BOTH),
    _processor("to_string_stripped", lambda: Strip(),
               "unitxt processors.to_string_stripped: strip Unicode whitespace from both edges" + _BOTH),
    _processor("take_first_non_empty_line", lambda: Chain(steps=(Strip(), SplitTake(sep="\n", index=0), Strip())),
               "unitxt processors.take_first_non_empty_line: strip, keep the text before the first line break, "
               "strip" + _BOTH),
    _processor("take_last_non_empty_line", lambda: Chain(steps=(Strip(), SplitTake(sep="\n", index=-1), Strip())),
               "unitxt processors.take_last_non_empty_line: strip, keep the text after the last line break, "
               "strip" + _BOTH),
    _processor("take_first_word",
               lambda: RegexExtract(pattern=TAKE_FIRST_WORD, match_index=0, fallback="", strip=False),
               "unitxt processors.take_first_word: the first number (ASCII digits after any '-' signs, with any "
               "'.digits' parts) or run of word characters; else the empty text" + _BOTH),
    _processor("first_character", lambda: RegexExtract(pattern=r"\s*(\w)", match_index=0, fallback="", strip=False),
               "unitxt processors.first_character: the first word character; else the empty text" + _BOTH),
    _processor("get_string_after_colon", lambda: Chain(steps=(RegexReplace(pattern="^[^:]*:"), Strip())),
               "unitxt processors.get_string_after_colon: the text after the first ':' (all of it if none), "
               "stripped" + _BOTH),
    _processor("lower_case_till_punc", lambda: Chain(steps=(Lowercase(), RegexReplace(pattern=r"[.,!?;][\s\S]*"))),
               "unitxt processors.lower_case_till_punc: lowercase, then cut at the first of . , ! ? ;" + _BOTH),
    _processor("remove_articles", lambda: StripArticles(),
               "unitxt processors.remove_articles: the whole words a/an/the (case-sensitive) become a space" + _BOTH),
    _processor("remove_punctuations", lambda: StripPunct(chars="ascii"),
               "unitxt processors.remove_punctuations: delete ASCII punctuation (string.punctuation)" + _BOTH),
    _processor("fix_whitespace", lambda: CollapseWhitespace(),
               "unitxt processors.fix_whitespace: runs of Unicode whitespace become one space, edges trimmed" + _BOTH),
    _processor("str_to_float_format", lambda: FloatCast(),
               "unitxt processors.str_to_float_format: a text that parses as a Python float becomes str(float(text)), "
               "e.g. '1' -> '1.0'" + _BOTH),
    _processor("to_yes_or_none", lambda: MapText(mapping={"yes": "yes"}, default="none"),
               "unitxt processors.to_yes_or_none: exactly 'yes' stays, any other text becomes 'none'" + _BOTH),
    _processor("yes_no_to_int",
               lambda: Chain(steps=(RegexReplace(pattern=r"\Ayes\Z", replacement="1"),
                                    RegexReplace(pattern=r"\Ano\Z", replacement="0"))),
               "unitxt processors.yes_no_to_int: exactly 'yes' becomes '1', exactly 'no' becomes '0', any other text "
               "is kept" + _BOTH),
    _processor("predictions_yes_1_else_0", lambda: MapText(mapping={"yes": "1"}, default="0"),
               "unitxt processors.predictions_yes_1_else_0: exactly 'yes' becomes '1', any other text '0'" + _PRED),
    _processor("stance_to_pro_con",
               lambda: MapText(mapping={"positive": "PRO", "negative": "CON", "suggestion": "CON"}, default="none"),
               "unitxt processors.stance_to_pro_con: 'positive' -> 'PRO', 'negative' or 'suggestion' -> 'CON', any "
               "other text -> 'none'" + _BOTH),
    _processor("toxic_or_not_toxic", lambda: _say("toxic"),
               "unitxt processors.toxic_or_not_toxic: 'not toxic' if the lowercased text contains it, else 'toxic' if "
               "it contains that, else the text unchanged" + _BOTH),
    _processor("hate_speech_or_not_hate_speech", lambda: _say("hate speech"),
               "unitxt processors.hate_speech_or_not_hate_speech: 'not hate speech' if the lowercased text contains "
               "it, else 'hate speech' if it contains that, else the text unchanged" + _BOTH),
    _processor("extract_from_double_brackets",
               lambda: RegexExtract(pattern=r"\[\[(.*?)\]\]", match_index=0, fallback="", strip=False),
               "unitxt processors.extract_from_double_brackets: the text inside the first [[...]] on one line; "
               "else the empty text" + _PRED),
]

# ---- the catalog entries lm_eval 0.4.13's tasks/unitxt/*.yaml recipes name (``recipe: card=...,template=...``), as
# data read from unitxt 1.26's catalog JSON, so that the lm_eval reader can read those tasks without unitxt
# (tests/conformance/test_unitxt.py compares both tables with unitxt's own fetch_artifact).
_CLASSES = ("metrics.f1_micro", "metrics.accuracy", "metrics.f1_macro")
# A card's metrics: catalog/cards/<card>.json "task" -> catalog/tasks/<task>.json "metrics" (or the card's own
# ``task[metrics=[...]]`` override), in the task's order: the lm_eval task reports one row per metric.
CARD_METRICS: dict[str, tuple[str, ...]] = {
    **{f"cards.{c}": _CLASSES for c in (  # tasks/classification/multi_class(/topic_classification).json
        "20_newsgroups", "ag_news", "argument_topic", "banking77", "claim_stance_topic", "dbpedia_14", "ethos_binary",
        "financial_tweets", "law_stack_exchange", "ledgar", "medical_abstracts", "yahoo_answers_topics")},
    "cards.atis": ("metrics.ner",),  # tasks/span_labeling/extraction.json
    "cards.cnn_dailymail": ("metrics.rouge",),  # tasks/summarization/abstractive.json
    "cards.xsum": ("metrics.rouge",),
    "cards.coedit_gec": ("metrics.char_edit_dist_accuracy", "metrics.rouge",  # tasks/grammatical_error_correction.json
                         "metrics.char_edit_distance[reference_field=original_text]"),
    "cards.doc_vqa.en": ("metrics.anls",),  # cards/doc_vqa/en.json: tasks.qa.with_context.abstractive[metrics=[...]]
    "cards.stsb": ("metrics.spearman",),  # tasks/regression/two_texts/similarity.json
    "cards.unfair_tos": ("metrics.f1_micro_multi_label", "metrics.accuracy",  # tasks/classification/multi_label.json
                         "metrics.f1_macro_multi_label"),
}
# A template's postprocessors: catalog/templates/<template>.json "postprocessors", or its class's default
# (templates.py: Template ["processors.to_string_stripped"], SpanLabelingTemplate ["processors.to_span_label_pairs"]).
TEMPLATE_POSTPROCESSORS: dict[str, tuple[str, ...]] = {
    "templates.classification.multi_class.title": ("processors.take_first_non_empty_line",
                                                   "processors.lower_case_till_punc"),
    "templates.classification.multi_label.title": ("processors.take_first_non_empty_line", "processors.lower_case",
                                                   "processors.to_list_by_comma", "processors.remove_none_from_list"),
    "templates.span_labeling.extraction.title": ("processors.to_span_label_pairs",),
    "templates.summarization.abstractive.full": ("processors.to_string_stripped",),  # MultiReferenceTemplate default
    "templates.grammatical_error_correction.simple": ("processors.to_string_stripped",),  # the same
    "templates.qa.with_context.title": ("processors.to_string_stripped",),  # the same
    "templates.regression.two_texts.simple": ("processors.take_first_non_empty_line",
                                              "processors.cast_to_float_return_zero_if_failed"),
}


def processor_sides(alias) -> str:
    """``"prediction"`` when the processor alias (an ``Alias`` of this table) applies to the prediction only, else
    ``"both"`` (its summary says which: tests/conformance/test_unitxt.py checks it against the catalog)."""
    return "prediction" if alias.summary.endswith(_PRED) else "both"

# A template's target_prefix (catalog/templates/<template>.json "target_prefix"; none: ""), a format string over the
# instance's task_data. Before the postprocessors, unitxt's evaluate deletes it from the prediction's start with the
# whitespace around it (metric_utils.py DeleteTargetPrefix: re.sub(rf"^\s*{re.escape(prefix)}\s*", "", prediction)).
TEMPLATE_TARGET_PREFIX: dict[str, str] = {
    "templates.classification.multi_class.title": "{type_of_class}:\n",
    "templates.classification.multi_label.title": "{type_of_classes}:\n",
    "templates.span_labeling.extraction.title": "entity type:\n",
    "templates.grammatical_error_correction.simple": "Corrected text: ",
    "templates.qa.with_context.title": "Answer:\n",
}
# The task_data fields those prefixes read, per card: the card's own ``set`` step (catalog/cards/<card>.json) or else
# its task's ``defaults`` (topic_classification: type_of_class "topic").
CARD_FIELDS: dict[str, dict[str, str]] = {
    **{f"cards.{c}": {"type_of_class": "topic"} for c in (
        "20_newsgroups", "ag_news", "argument_topic", "claim_stance_topic", "dbpedia_14", "financial_tweets",
        "law_stack_exchange", "medical_abstracts", "yahoo_answers_topics")},
    "cards.banking77": {"type_of_class": "intent"},
    "cards.ethos_binary": {"type_of_class": "hate speech"},
    "cards.ledgar": {"type_of_class": "contractual clauses"},
    "cards.unfair_tos": {"type_of_classes": "contractual clauses"},
}


def target_prefix_step(template: str, card: str):
    """The step deleting the template's formatted target_prefix (and the whitespace around it) from the prediction's
    start, as unitxt's evaluate does before the postprocessors; None when the template has none. A field the prefix
    reads that the card table lacks: ``KeyError``."""
    import re

    prefix = TEMPLATE_TARGET_PREFIX.get(template, "")
    if not prefix:
        return None
    prefix = prefix.format(**CARD_FIELDS.get(card, {}))
    # re.escape leaves a line break as a backslash and the break itself; written \n (the same regex), the pattern
    # prints as written (/^\s*topic:\n\s*/) in plain-words descriptions instead of as a Python literal
    escaped = re.escape(prefix)
    for ch, esc in (("\n", r"\n"), ("\r", r"\r"), ("\t", r"\t")):
        escaped = escaped.replace("\\" + ch, esc)
    return RegexReplace(pattern=rf"^\s*{escaped}\s*", replacement="")
