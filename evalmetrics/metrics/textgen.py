"""Text-generation overlap metrics (BLEU, chrF, TER, ROUGE), delegated to ``sacrebleu`` and ``rouge-score``.

evalmetrics does not re-implement these scores: each unit configures and calls the reference package, installed
with the optional extra ``textgen``. Without it, scoring raises ``InvalidConfig`` naming
the extra (building the unit and reading its ID need nothing).

BLEU, chrF and TER are corpus statistics, as lm_eval and lighteval aggregate them: n-gram (or edit) counts are
summed over every sample before the score is formed, so the corpus score is not the mean of per-sample scores.
``compute`` returns a Result whose ``aggregation`` names the corpus statistic, whose ``per_sample`` values are NaN
(a corpus statistic has no per-sample value) and whose ``stderr`` is lm_eval's bootstrap (``bootstrap_iters``,
default 100 as lm_eval's evaluator caps it for these metrics; see :mod:`.bootstrap`).
``score(prediction, references)`` is
the statistic of a corpus of that one sample. ROUGE is a per-sample score averaged over samples.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import ClassVar

from .._lazy import np

from ..errors import InvalidConfig, InvalidInput, Timeout
from .._packages import pip_extra
from ..units import enum, flag, integer, register, run_steps, steps, text
from .base import GenerativeMetric, at_sample, check_text
from .bootstrap import LM_EVAL_TEXTGEN_ITERS

__all__ = ["CorpusBLEU", "CorpusChrF", "CorpusTER", "Rouge", "SentenceBLEU"]

_EXTRA = pip_extra("textgen")
_BLEU_TOKENIZERS = ("13a", "none", "zh", "intl", "char")


def _sacrebleu():
    try:
        import sacrebleu
    except ImportError:
        raise InvalidConfig(
            f"BLEU/chrF/TER delegate to the sacrebleu package, which is not installed: {_EXTRA}"
        ) from None
    return sacrebleu


def _nltk_bleu():
    """nltk's ``word_tokenize`` and ``sentence_bleu`` (nltk comes with rouge-score, in the textgen extra)."""
    try:
        from nltk.tokenize import word_tokenize
        from nltk.translate.bleu_score import sentence_bleu
    except ImportError:
        raise InvalidConfig(
            f"sentence BLEU delegates to the nltk package, which is not installed: {_EXTRA}"
        ) from None
    return word_tokenize, sentence_bleu


def _rouge_scorer():
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        raise InvalidConfig(
            f"ROUGE delegates to the rouge-score package, which is not installed: {_EXTRA}"
        ) from None
    return rouge_scorer


_LAYOUT_DOC = (
    "how each sample's references become sacrebleu's reference streams: truncate_to_fewest (lm_eval: stream j "
    "holds every sample's j-th reference, for j below the fewest references any sample has), first (lighteval "
    "bleu: each sample's first reference only), sample_lists_as_streams (lighteval chrf/ter: sample i's list of "
    "references is passed as stream i, so hypothesis j is scored against the j-th reference of every sample and "
    "hypotheses past the shortest list are dropped)"
)


def _side(steps_, text, index, fld):
    out = run_steps(steps_, text)
    return "" if out is None else out


def _words(text: str) -> int:
    return len(text.split())


_ALNUM_RUNS = re.compile(r"[a-z0-9]+")


def _rouge_words(text: str) -> int:
    """rouge-score's default tokenizer: lowercase, runs of ASCII letters and digits."""
    return sum(1 for _ in _ALNUM_RUNS.finditer(text.lower()))


def _quadratic_bound(pred: str, refs, index, what: str, count=_words):
    """Refuse a sample whose word-count product exceeds the quadratic bound (``_regex.settings.quadratic_max``)."""
    from .._regex import settings

    bound, name = (settings.ter_max, "ter_max") if what == "corpus_ter" else (settings.quadratic_max, "quadratic_max")
    n = count(pred)
    worst = max((n * count(r) for r in refs), default=0)
    if worst > bound:
        raise Timeout(
            f"{what} is quadratic in length: {n} prediction words x the longest reference's words = {worst} > the "
            f"bound {bound} (evalmetrics._regex.settings.{name}, env EVALMETRICS_{name.upper()})"
        )


class _CorpusMetric(GenerativeMetric):
    """Base: a sacrebleu corpus statistic; subclasses build the sacrebleu metric object."""

    id_merge: ClassVar[tuple] = ("normalize", "pred", "ref")
    aggregation: ClassVar[str] = "corpus"

    def _sacre(self):  # pragma: no cover - abstract
        raise NotImplementedError

    @functools.cached_property
    def _metric(self):
        return self._sacre()

    def _streams(self, preds: list, refs: list):
        """sacrebleu's (hypotheses, reference streams) under ``references``."""
        layout = self.references
        if layout == "first":
            return preds, [[r[0] for r in refs]]
        if layout == "truncate_to_fewest":
            k = min(len(r) for r in refs)
            return preds, [[r[j] for r in refs] for j in range(k)]
        # sample_lists_as_streams: stream i is sample i's list; sacrebleu zips the streams and the hypotheses,
        # so only the first m = min(n, shortest list) hypotheses are scored.
        m = min(len(preds), min(len(r) for r in refs))
        return preds[:m], [list(r[:m]) for r in refs]

    def _corpus(self, preds: list, refs: list) -> float:
        hyps, streams = self._streams(preds, refs)
        return float(self._metric.corpus_score(hyps, streams).score)

    quadratic: ClassVar[bool] = False  # TER: edit distance, quadratic in the words of a sample

    def _score_refs(self, prediction, refs, cache):
        p = _side(self.pred, prediction, None, "prediction")
        rs = tuple(_side(self.ref, r, None, "references") for r in refs)
        if self.quadratic:
            _quadratic_bound(p, rs, None, self.name)
        return self._corpus([p], [rs])

    def compute(self, predictions, references, *, progress=None, bootstrap_iters: int = LM_EVAL_TEXTGEN_ITERS):
        """The corpus statistic over every sample (``Result.aggregation`` names it; per-sample values are NaN).

        ``stderr`` is lm_eval's bootstrap standard error with ``bootstrap_iters`` iterations (default 100, what
        lm_eval's evaluator gives bleu, chrf, chrf++ and ter; 0: none), ``stderr_method`` says so.
        """
        from .._version import __version__
        from .bootstrap import bootstrap_method, lm_eval_bootstrap_stderr

        if isinstance(bootstrap_iters, bool) or not isinstance(bootstrap_iters, int):
            raise InvalidConfig(f"{self.name}: bootstrap_iters must be an integer; got {bootstrap_iters!r}")

        preds, refs_all = self._check_lengths(predictions, references)
        ps, rs = [], []
        for i in range(len(preds)):
            try:
                ps.append(_side(self.pred, check_text(preds[i], i, "prediction"), i, "prediction"))
                rs.append(tuple(_side(self.ref, r, i, "references") for r in self._check_refs(refs_all[i], i)))
                if self.quadratic:
                    try:
                        _quadratic_bound(ps[-1], rs[-1], i, self.name)
                    except Timeout as e:
                        # A corpus statistic cannot leave one sample out without changing every other's weight.
                        raise InvalidInput(f"{e}; a corpus statistic cannot score the rest without it", index=i,
                                           field="prediction") from None
            except InvalidInput as e:
                raise at_sample(e, i) from None
        score = self._corpus(ps, rs)
        stderr = float("nan")
        if bootstrap_iters > 0 and len(ps) > 1:
            def rows(idx):
                return [self._corpus([ps[j] for j in row], [rs[j] for j in row]) for row in idx.tolist()]

            stderr = lm_eval_bootstrap_stderr(rows, len(ps), bootstrap_iters)
        from ..result import Result

        per = np.full(len(ps), np.nan)
        per.setflags(write=False)
        return Result(
            score=score, per_sample=per, n=len(ps), stderr=stderr, metric_id=self.id,
            aggregation=self.name,
            stderr_method=(bootstrap_method(bootstrap_iters, len(ps)) if bootstrap_iters > 0 else
                           "none: bootstrap_iters=0 (a corpus statistic has no closed-form stderr)"),
            provenance={"evalmetrics": __version__, "sacrebleu": _sacrebleu().__version__},
        )

    def pipeline(self):
        return [("prediction", s) for s in self.pred] + [("reference", s) for s in self.ref]


@register
@dataclass(frozen=True, repr=False)
class CorpusBLEU(_CorpusMetric):
    """Corpus BLEU (0-100) computed by ``sacrebleu.BLEU``: n-gram matches summed over the corpus.

    The parameters are sacrebleu's (smoothing values are sacrebleu's defaults for the method). lm_eval's ``bleu``
    aggregation is the default configuration with ``references=truncate_to_fewest``.

    >>> CorpusBLEU().id
    'corpus_bleu(tokenize="13a", lowercase=false, smooth_method=exp, max_ngram_order=4, effective_order=false, references=truncate_to_fewest, normalize=[])'
    """

    name: ClassVar[str] = "corpus_bleu"
    summary: ClassVar[str] = "corpus BLEU via sacrebleu (n-gram counts summed over samples)"
    tokenize: str = text("13a", "sacrebleu tokenizer: 13a, none, zh, intl or char")
    lowercase: bool = flag(False, "lowercase both sides")
    smooth_method: str = enum("exp", ("exp", "floor", "add_k", "none"), "sacrebleu smoothing method")
    max_ngram_order: int = integer(4, "largest n-gram order", minimum=1)
    effective_order: bool = flag(False, "skip n-gram orders with no matches possible")
    references: str = enum("truncate_to_fewest", ("truncate_to_fewest", "first", "sample_lists_as_streams"),
                           _LAYOUT_DOC)
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")

    def _validate(self):
        if self.tokenize not in _BLEU_TOKENIZERS:
            raise InvalidConfig(f"corpus_bleu: parameter 'tokenize' must be one of "
                                f"{', '.join(map(repr, _BLEU_TOKENIZERS))}; got {self.tokenize!r}")

    def _sacre(self):
        s = _sacrebleu()
        return s.BLEU(lowercase=self.lowercase, tokenize=self.tokenize, smooth_method=self.smooth_method,
                      max_ngram_order=self.max_ngram_order, effective_order=self.effective_order)

    def describe(self):
        return (f"corpus BLEU-{self.max_ngram_order} via sacrebleu (tokenizer {self.tokenize}, smoothing "
                f"{self.smooth_method}{', lowercased' if self.lowercase else ''}), references {self.references}")


@register
@dataclass(frozen=True, repr=False)
class CorpusChrF(_CorpusMetric):
    """Corpus chrF / chrF++ (0-100) computed by ``sacrebleu.CHRF``: character (and word) n-gram F-beta.

    ``word_order=2`` is chrF++. lm_eval's ``chrf`` is the default with ``references=truncate_to_fewest``.

    >>> CorpusChrF(word_order=2).id
    'corpus_chrf(char_order=6, word_order=2, beta=2, lowercase=false, whitespace=false, eps_smoothing=false, references=truncate_to_fewest, normalize=[])'
    """

    name: ClassVar[str] = "corpus_chrf"
    summary: ClassVar[str] = "corpus chrF/chrF++ via sacrebleu"
    char_order: int = integer(6, "character n-gram order", minimum=0)
    word_order: int = integer(0, "word n-gram order (2: chrF++)", minimum=0)
    beta: int = integer(2, "recall weight of the F-score", minimum=1)
    lowercase: bool = flag(False, "lowercase both sides")
    whitespace: bool = flag(False, "keep whitespace in character n-grams")
    eps_smoothing: bool = flag(False, "sacrebleu's epsilon smoothing (chrF++.py) instead of its effective order")
    references: str = enum("truncate_to_fewest", ("truncate_to_fewest", "first", "sample_lists_as_streams"),
                           _LAYOUT_DOC)
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")

    def _validate(self):
        if self.char_order + self.word_order == 0:
            raise InvalidConfig("corpus_chrf: char_order and word_order cannot both be 0")

    def _sacre(self):
        s = _sacrebleu()
        return s.CHRF(char_order=self.char_order, word_order=self.word_order, beta=self.beta,
                      lowercase=self.lowercase, whitespace=self.whitespace, eps_smoothing=self.eps_smoothing)

    def describe(self):
        name = "chrF++" if self.word_order == 2 else "chrF"
        return (f"corpus {name} via sacrebleu (char order {self.char_order}, word order {self.word_order}, "
                f"beta {self.beta}), references {self.references}")


@register
@dataclass(frozen=True, repr=False)
class CorpusTER(_CorpusMetric):
    """Corpus TER (0-100+, lower is better) computed by ``sacrebleu.TER``: edits summed over the corpus.

    >>> CorpusTER().id
    'corpus_ter(normalized=false, no_punct=false, asian_support=false, case_sensitive=false, references=truncate_to_fewest, normalize=[])'
    """

    name: ClassVar[str] = "corpus_ter"
    summary: ClassVar[str] = "corpus translation edit rate via sacrebleu (lower is better)"
    higher_is_better: ClassVar[bool] = False
    quadratic: ClassVar[bool] = True
    normalized: bool = flag(False, "sacrebleu's tercom normalization")
    no_punct: bool = flag(False, "remove punctuation")
    asian_support: bool = flag(False, "tokenize Asian characters")
    case_sensitive: bool = flag(False, "compare case-sensitively")
    references: str = enum("truncate_to_fewest", ("truncate_to_fewest", "first", "sample_lists_as_streams"),
                           _LAYOUT_DOC)
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")

    def _sacre(self):
        s = _sacrebleu()
        return s.TER(normalized=self.normalized, no_punct=self.no_punct, asian_support=self.asian_support,
                     case_sensitive=self.case_sensitive)

    def describe(self):
        return f"corpus TER via sacrebleu ({'case-sensitive' if self.case_sensitive else 'case-insensitive'}), " \
               f"references {self.references}"


@register
@dataclass(frozen=True, repr=False)
class Rouge(GenerativeMetric):
    """ROUGE of one sample computed by ``rouge_score.rouge_scorer.RougeScorer`` (0-1), combined over references.

    ``rouge_type``: rouge1, rouge2, rougeL, rougeLsum; ``value``: fmeasure, precision or recall; ``combine``: how
    the scores against several references combine (``mean``: numpy mean, as lighteval's ROUGE; ``max``).
    rouge-score's default tokenizer lowercases and keeps ASCII letters and digits only.

    >>> Rouge().id
    'rouge(rouge_type=rouge1, use_stemmer=false, value=fmeasure, combine=mean, percent=false, normalize=[])'
    """

    name: ClassVar[str] = "rouge"
    summary: ClassVar[str] = "ROUGE via rouge-score, combined over references"
    id_merge: ClassVar[tuple] = ("normalize", "pred", "ref")
    rouge_type: str = enum("rouge1", ("rouge1", "rouge2", "rougel", "rougelsum"), "which ROUGE")
    use_stemmer: bool = flag(False, "Porter-stem tokens (rouge-score's use_stemmer)")
    value: str = enum("fmeasure", ("fmeasure", "precision", "recall"), "which of the three values")
    combine: str = enum("mean", ("mean", "max", "first"),
                        "how scores against several references combine (first: the first reference only)")
    percent: bool = flag(False, "report 100 times the value (lighteval rouge_t5)")
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")

    @property
    def _type(self):
        return {"rouge1": "rouge1", "rouge2": "rouge2", "rougel": "rougeL", "rougelsum": "rougeLsum"}[self.rouge_type]

    @functools.cached_property
    def _scorer(self):
        return _rouge_scorer().RougeScorer([self._type], use_stemmer=self.use_stemmer)

    def _score_refs(self, prediction, refs, cache):
        p = _side(self.pred, prediction, None, "prediction")
        rs = [_side(self.ref, r, None, "references") for r in (refs[:1] if self.combine == "first" else refs)]
        if self.rouge_type in ("rougel", "rougelsum"):  # longest common subsequence: quadratic (a Timeout: 0, counted)
            _quadratic_bound(p, rs, None, self._type, _rouge_words)
        vals = [getattr(self._scorer.score(r, p)[self._type], self.value) for r in rs]
        v = float(np.mean(vals) if self.combine == "mean" else max(vals))
        return v * 100 if self.percent else v

    def pipeline(self):
        return [("prediction", s) for s in self.pred] + [("reference", s) for s in self.ref]

    def describe(self):
        over = "the first reference" if self.combine == "first" else f"{self.combine} over references"
        return (f"{'100 x ' if self.percent else ''}{self._type} {self.value} via rouge-score"
                f"{' with stemming' if self.use_stemmer else ''}; {over}")


@register
@dataclass(frozen=True, repr=False)
class SentenceBLEU(GenerativeMetric):
    """BLEU of one sample (0-1) computed by nltk's ``sentence_bleu`` on nltk ``word_tokenize`` tokens.

    Every reference of the sample is one of BLEU's references (clipped counts take the maximum over them; the brevity
    penalty uses the closest reference length). ``weights``: ``single`` puts weight 1 on n-gram order ``order`` and
    0 on the other of four orders (lighteval's ``bleu_1`` / ``bleu_4``: a precision of that order times the brevity
    penalty); ``cumulative`` weighs orders 1..``order`` equally (classic BLEU-n). nltk's default (no smoothing)
    applies: no unigram match scores 0; an order with no match enters as ``sys.float_info.min``, so a weighted
    order without matches gives a value near 1e-308, not 0. Tokenization is nltk's English ``word_tokenize``
    (Punkt sentences, then Treebank-style words), which needs nltk's ``punkt_tab`` data
    (``python -m nltk.downloader punkt_tab``); without it scoring raises ``InvalidConfig``. Mean over samples.

    >>> SentenceBLEU().id
    'sentence_bleu(order=4, weights=single, normalize=[])'
    """

    name: ClassVar[str] = "sentence_bleu"
    summary: ClassVar[str] = "sentence-level BLEU via nltk (word_tokenize, sentence_bleu), mean over samples"
    id_merge: ClassVar[tuple] = ("normalize", "pred", "ref")
    order: int = integer(4, "the n-gram order (1 to 4)", minimum=1)
    weights: str = enum("single", ("single", "cumulative"),
                        "single: weight 1 on order `order` only (lighteval bleu_n); cumulative: 1/order on orders "
                        "1..order")
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")

    def _validate(self):
        if self.order > 4:
            raise InvalidConfig(f"sentence_bleu: parameter 'order' must be an integer from 1 to 4; got {self.order!r}")

    @property
    def _weights(self) -> tuple:
        if self.weights == "single":
            return tuple(1 if ix == self.order else 0 for ix in range(1, 5))
        return (1 / self.order,) * self.order

    def _score_refs(self, prediction, refs, cache):
        word_tokenize, sentence_bleu = _nltk_bleu()
        p = _side(self.pred, prediction, None, "prediction")
        rs = [_side(self.ref, r, None, "references") for r in refs]
        try:
            toks = [word_tokenize(r) for r in rs], word_tokenize(p)
        except LookupError:
            raise InvalidConfig(
                "sentence_bleu tokenizes with nltk's word_tokenize, which needs nltk's punkt_tab data: "
                "python -m nltk.downloader punkt_tab"
            ) from None
        return float(sentence_bleu(toks[0], toks[1], weights=self._weights))

    def compute(self, predictions, references, *, progress=None):
        r = super().compute(predictions, references, progress=progress)
        _nltk_bleu()  # the project's missing-package error (naming the extra) when nltk is not installed
        import nltk

        return dataclasses.replace(r, provenance={**r.provenance, "nltk": nltk.__version__})

    def pipeline(self):
        return [("prediction", s) for s in self.pred] + [("reference", s) for s in self.ref]

    def describe(self):
        how = (f"{self.order}-gram precision only" if self.weights == "single"
               else f"orders 1..{self.order} weighted equally")
        return f"sentence BLEU via nltk ({how}, brevity penalty, no smoothing) against every reference; mean"
