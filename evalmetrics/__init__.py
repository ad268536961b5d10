"""evalmetrics: every evaluation metric as an explicit, composable object whose canonical ID spells out its behavior.

>>> import evalmetrics as em
>>> m = em.ExactMatch(mode="prefix", normalize=[em.StripPunct(), em.NormalizeNumbers()])
>>> m.score("Yes, 1,000 of them", "Yes 1000")
1.0
>>> em.get(m.id) == m
True
"""
from __future__ import annotations

from ._version import __version__

from .errors import EvalMetricsError, InvalidConfig, InvalidInput, ParseError, Timeout, UnknownMetric, UnknownTask
from .explain import Explanation, explain, trace
from .extractors import BetweenMarkers
from .extractors import AnswerIs, FirstLine, FirstOf, Gsm8kAnswer, LastBoxed, LastNumber, RegexExtract, SplitTake
from .metrics.mathstrings import (
    BetweenOuterDollars,
    HendrycksLastBoxed,
    HendrycksMathNormalize,
    MathStringEquiv,
    MinervaAnswerNormalize,
    MinervaFinalAnswer,
)
from .metrics.base import Metric
from .metrics.choice import ChoiceRank, Choices, GreedyMatch, LoglikelihoodMatch
from .metrics.top_logprobs import TopLogprobMatch
from .metrics.pairs import LogMassRatio, PairGap, PairPreference
from .metrics.kept_chars import KeptCharsMatch
from .metrics.leave_one_out import LeaveOneOutMean
from .metrics.match import F1, ExactMatch
from .metrics.math import AfterLastBox, BareMathAnswer, Chain, FinalBoxes, MathEquivalence
from .metrics.sampling import GPassAtK, MajorityVote, MeanOverSamples, MGPassAtK, PassAtK, PassAtKFromFlags
from .metrics.drop import DropMatch
from .metrics.grouped import ConsistencyRate, MacroMean
from .metrics.mass import ProbabilityMass
from .metrics.rounded import RoundedMean
from .metrics.contrast import AnswerContrast
from .normalizers import KeepLines
from .metrics.emotions import EmotionRatings
from .metrics.found import AnswerFound
from .metrics.lines import LinePrefix
from .metrics.lighteval_math import LightevalExtractiveMatch
from .metrics.mathverify import MathVerify
from .metrics.minerva import SympySimplifyEquiv
from .metrics.sets import SetMatch
from .metrics.leading_char import LeadingCharMatch
from .metrics.with_document import WithDocument
from .metrics.classification import (AllCorrectPerGroup, BrierScore, ClassificationF1, GoldLogprobMargin,
                                     MatthewsCorrelation)
from .metrics.label_f1 import BestLabelF1, OneVsRestF1
from .metrics.no_answer import AnswerableMean, BestNoAnswerThreshold
from .metrics.bias_score import BiasScore, ChoiceBiasScore
from .metrics.processed import Processed
from .metrics.edit_distance import CharEditDistance, CharEditSimilarity
from .metrics.choice_letters import ChoiceAnswerMatch
from .metrics.numeric_text import NumberOrTextMatch, RegexGroupsMatch, RoundedScore
from .metrics.pairwise_mean import PairwiseMean
from .metrics.text_label_f1 import TextLabelF1
from .word_steps import BlankIfListed, Casefold
from .number_steps import FiniteFloatCast, FormatSignificant, StripNumberFormatting, StripPunctSparingNumbers
from .document_steps import ChoiceLetterExtract, ListedWordsInOrder
from .pattern_extractors import MapRegex, NumberOrWords, RegexCascade
from .metrics.textgen import CorpusBLEU, CorpusChrF, CorpusTER, Rouge, SentenceBLEU
from .metrics.perplexity import BitsPerUnit, GeometricMeanPerplexity, MeanPerplexity, WeightedPerplexity
from .metrics.instruction_following import DropLines, InstructionFollowing
from .metrics.shares import MatchShare
from .metrics.sequence_ratio import SequenceRatio
from .metrics.rouge_sentences import RougeSummaryLevel
from .normalizers import IsolateChars, Segment, SentenceLines
from .extractors import FirstLineWithout
from .normalizers import (
    CollapseWhitespace,
    FloatCast,
    MapText,
    IfContains,
    IfNonEmpty,
    ListLiteralRender,
    Lowercase,
    NormalizeNumbers,
    PerToken,
    RegexRemove,
    RegexReplace,
    RejectEmpty,
    RemoveDigits,
    RemoveOuterBraces,
    RemoveSpans,
    Replace,
    Strip,
    StripArticles,
    StripLatex,
    StripPunct,
    UnicodeNormalize,
    Uppercase,
    WordTokenize,
)
from .registry import CatalogEntry, catalog, get
from .result import Result

__all__ = [
    "__version__",
    # errors
    "EvalMetricsError", "InvalidInput", "InvalidConfig", "UnknownMetric", "UnknownTask", "ParseError", "Timeout",
    # registry
    "get", "catalog", "CatalogEntry", "explain", "Explanation", "trace", "Result",
    # metrics
    "Metric", "ExactMatch", "F1", "SetMatch", "LeadingCharMatch", "DropMatch", "AnswerContrast", "AnswerFound", "LinePrefix", "EmotionRatings", "KeepLines", "MajorityVote", "PassAtK", "PassAtKFromFlags", "MeanOverSamples", "GPassAtK", "MGPassAtK", "LoglikelihoodMatch", "TopLogprobMatch", "GreedyMatch", "ChoiceRank", "PairPreference", "PairGap", "LogMassRatio", "KeptCharsMatch", "LeaveOneOutMean", "Choices",
    "MathEquivalence", "BareMathAnswer", "FinalBoxes", "Chain", "AfterLastBox",
    "LightevalExtractiveMatch", "MathVerify", "SympySimplifyEquiv",
    "CorpusBLEU", "CorpusChrF", "CorpusTER", "Rouge", "SentenceBLEU",
    "WeightedPerplexity", "BitsPerUnit", "MeanPerplexity", "GeometricMeanPerplexity",
    # TruthfulQA MC2's probability mass; group aggregations of lm_eval's SCORE tasks (rounded, macro, consistency)
    "ProbabilityMass", "RoundedMean", "MacroMean", "ConsistencyRate",
    # corpus classification metrics over choices (scikit-learn, extra "classification"; lm_eval f1/mcc/brier/acc_all)
    "ClassificationF1", "MatthewsCorrelation", "BrierScore", "GoldLogprobMargin", "AllCorrectPerGroup",
    "BestLabelF1", "OneVsRestF1",
    # SQuAD v2.0's HasAns / NoAns / best rows; BBQ's accuracy and bias scores (over each sample's document)
    "AnswerableMean", "BestNoAnswerThreshold", "BiasScore", "ChoiceBiasScore", "Processed",
    # Inspect AI's scorers and their number / word steps; unitxt's metrics
    "NumberOrTextMatch", "RegexGroupsMatch", "RoundedScore", "ChoiceAnswerMatch", "FiniteFloatCast",
    "FormatSignificant", "StripNumberFormatting", "StripPunctSparingNumbers", "BlankIfListed", "Casefold",
    "CharEditDistance", "CharEditSimilarity", "PairwiseMean", "TextLabelF1",
    # instruction following (IFEval) and its line-dropping step
    "InstructionFollowing", "DropLines",
    # extractive-QA hooks (lm_eval mlqa, longbench): their steps and metrics
    "IsolateChars", "Segment", "SentenceLines", "FirstLineWithout", "MatchShare", "SequenceRatio", "RougeSummaryLevel",
    # normalizers
    "Lowercase", "Uppercase", "Strip", "CollapseWhitespace", "StripPunct", "RemoveDigits", "StripArticles",
    "FloatCast", "NormalizeNumbers", "RegexReplace", "RegexRemove", "UnicodeNormalize", "StripLatex",
    "RemoveOuterBraces", "Replace", "PerToken", "RejectEmpty", "RemoveSpans", "ListLiteralRender", "IfNonEmpty", "IfContains", "MapText", "WordTokenize",
    # extractors
    "RegexExtract", "SplitTake", "LastBoxed", "FirstLine", "Gsm8kAnswer", "AnswerIs", "LastNumber", "FirstOf", "BetweenMarkers",
    # task-filter extractors (several patterns; steps that read the sample's document) and their metric
    "RegexCascade", "MapRegex", "NumberOrWords", "ChoiceLetterExtract", "ListedWordsInOrder", "WithDocument",
    # MATH answer strings (Hendrycks normalization)
    "HendrycksMathNormalize", "HendrycksLastBoxed", "BetweenOuterDollars", "MathStringEquiv",
    # Minerva final answers (lm_eval minerva_math)
    "MinervaFinalAnswer", "MinervaAnswerNormalize",
    # scoring (loads torch on first use)
    "LogprobScorer",
]


def __getattr__(name):
    if name == "LogprobScorer":
        from .scoring import LogprobScorer

        return LogprobScorer
    raise AttributeError(f"module 'evalmetrics' has no attribute {name!r}")
