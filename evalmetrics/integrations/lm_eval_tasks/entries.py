"""What a ``metric_list`` entry of an lm_eval task names: the name lm_eval reports it under, its options, and the
evalmetrics metric it is.

:func:`metric_entries` gives ``(reported name, options, entry value)`` in ``metric_list`` order (lm_eval's defaults
per ``output_type`` when the list is absent), reading ``!function`` metrics statically (:func:`function_metric_name`)
and metric functions dumped as source text (:func:`dumped_function`); :func:`metric_for` gives the evalmetrics metric
an entry computes, or raises :class:`NotModeled` with the reason.
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass

from ...errors import EvalMetricsError, InvalidConfig
from ...io import read_text
from ..lm_eval_functions import MODULE, make_function, spec_key
from .loading import FunctionRef, parse_source, source_digest
from .readings import NotModeled

__all__ = ["LM_EVAL_METRICS", "CORPUS_METRICS", "metric_entries", "metric_for", "DumpedFunction", "dumped_function",
           "function_metric_name", "static_metric_function"]


_EM_MODULE = MODULE + "."  # the prefix of a !function reference to evalmetrics

# lm_eval 0.4.13's registered metric names (lm_eval/api/metrics.py) and its defaults when metric_list is absent.
LM_EVAL_METRICS = frozenset({
    "acc", "acc_all", "acc_bytes", "acc_mutual_info", "acc_norm", "bits_per_byte", "bleu", "brier_score", "bypass",
    "byte_perplexity", "chrf", "chrf++", "exact_match", "f1", "likelihood", "mcc", "perplexity", "ter",
    "word_perplexity",
})

_DEFAULT_METRICS = {
    "loglikelihood": ("perplexity", "acc"),
    "loglikelihood_rolling": ("word_perplexity", "byte_perplexity", "bits_per_byte"),
    "multiple_choice": ("acc", "acc_norm"),
    "generate_until": ("exact_match",),
}

# Keys of a metric_list entry that lm_eval does not pass to the metric function (lm_eval/api/task.py:698-703).
_NOT_OPTIONS = ("metric", "aggregation", "higher_is_better", "hf_evaluate")


def metric_entries(cfg, output_type) -> list:
    """[(reported name, options, original entry value)] in metric_list order (lm_eval's defaults if absent)."""
    ml = cfg.get("metric_list")
    if ml is None:
        return [(m, {}, m) for m in _DEFAULT_METRICS.get(output_type, ())]
    out = []
    for entry in ml:
        if not isinstance(entry, dict) or "metric" not in entry:
            raise InvalidConfig(f"metric_list entry without 'metric': {entry!r}")
        value = entry["metric"]
        dumped = dumped_function(value)
        if dumped is not None:
            if dumped.ours:  # reported under its digest or alias name, which the dumped source does not hold
                continue
            name = dumped.name
        elif isinstance(value, FunctionRef):
            name = function_metric_name(value)
        elif callable(value):
            name = getattr(value, "__name__", str(value))
        else:
            name = str(value)
        options = {k: v for k, v in entry.items() if k not in _NOT_OPTIONS}
        if entry.get("hf_evaluate") is True:
            options["__hf_evaluate__"] = True
        if "aggregation" in entry:
            options["__aggregation__"] = entry["aggregation"]
        out.append((name, options, value))
    return out


@dataclass(frozen=True)
class DumpedFunction:
    """A ``!function`` metric as lm_eval dumps it into ``results["configs"]``: the function's source text.

    ``name``: the name the source defines (what lm_eval reports, the function's ``__name__``); ``ours``: the source is
    the function evalmetrics registers (its reported name, a digest or an alias key, is not in the source)."""

    name: str
    source: str
    ours: bool = False

    def __str__(self) -> str:
        return f"!function {self.name} (dumped as its source text)"


def dumped_function(value):
    """A DumpedFunction when ``value`` is the source text of a function or class, else None."""
    if not isinstance(value, str) or not value.lstrip().startswith(("def ", "async def ", "class ", "@")):
        return None
    import textwrap

    tree = parse_source(textwrap.dedent(value))
    if tree is None:
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return DumpedFunction(node.name, value, source_digest(value) == _our_function_digest())
    return None


_OUR_DIGEST = None


def _our_function_digest() -> str:
    """The source digest of the metric function evalmetrics registers with lm_eval (one closure for every metric)."""
    global _OUR_DIGEST
    if _OUR_DIGEST is None:
        import inspect

        _OUR_DIGEST = source_digest(inspect.getsource(make_function("x", None, "x", None)))
    return _OUR_DIGEST


def static_metric_function(ref: FunctionRef):
    """The argument of ``<name> = metric_function("<ID or alias>")`` in the referenced module, read with ``ast``."""
    path = ref.file
    if path is None or not os.path.isfile(path):
        return None
    tree = parse_source(read_text(str(path)))
    if tree is None:
        return None
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == ref.name and isinstance(node.value, ast.Call)):
            continue
        f = node.value.func
        fname = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
        args = node.value.args
        if fname == "metric_function" and len(args) == 1 and not node.value.keywords and \
                isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            return args[0].value
    return None


def function_metric_name(ref: FunctionRef) -> str:
    """The name lm_eval reports for ``metric: !function ...`` (the function's ``__name__``), read statically."""
    if ref.spec.startswith(_EM_MODULE):
        from .. import DIGEST_RE

        attr = ref.spec[len(_EM_MODULE):]
        if DIGEST_RE.match(attr) or attr == "EvalMetricsTask":
            return attr
        # function_spec: the attribute carries the canonical ID (or alias key); lm_eval reports the digest name
        # (an alias: its key), and reading the ID here makes the digest resolvable in this process.
        from ...registry import resolve_alias
        from .. import metric_name

        key = spec_key(attr)
        if resolve_alias(key) is not None:
            return key
        try:
            return metric_name(key)
        except EvalMetricsError:
            return attr
    arg = static_metric_function(ref)
    if arg is not None:
        from ...registry import resolve_alias
        from .. import metric_name

        if resolve_alias(arg) is not None:
            return arg
        try:
            return metric_name(arg)
        except EvalMetricsError:
            return ref.name
    return ref.name


# lm_eval's passthrough metrics whose registered aggregation of the (gold, prediction) pairs is a corpus statistic;
# each has the evalmetrics alias lm_eval:<name>.
CORPUS_METRICS = frozenset({"bleu", "chrf", "chrf++", "ter"})

_CHOICE_BUILTINS = {
    "acc": "lm_eval:acc",
    "acc_norm": "lm_eval:acc_norm",
    "acc_bytes": "lm_eval:acc_bytes",
    "acc_mutual_info": "lm_eval:acc_mutual_info",
    "exact_match": "lm_eval:multiple_choice/exact_match",
}


# lm_eval 0.4.13's registered aggregation of each of its metrics (lm_eval/api/metrics.py register_metric); a row
# whose YAML names another aggregation reports another number
_REGISTERED_AGGREGATION = {
    "acc": "mean", "acc_norm": "mean", "acc_mutual_info": "mean", "acc_bytes": "mean", "exact_match": "mean",
    "perplexity": "perplexity", "word_perplexity": "weighted_perplexity", "byte_perplexity": "weighted_perplexity",
    "bits_per_byte": "bits_per_byte", "bleu": "bleu", "chrf": "chrf", "chrf++": "chrf", "ter": "ter",
}


def metric_for(name, options, ref, output_type, em_class):
    """(evalmetrics metric or None, source) for a metric_list entry; raises NotModeled with the reason (also when
    the entry names an aggregation other than the one the metric is read with)."""
    aggregation = dict(options).get("__aggregation__")
    m, source = _metric_for(name, options, ref, output_type, em_class)
    if aggregation is not None:
        _check_aggregation(name, aggregation, m)
    return m, source


def _check_aggregation(name, aggregation, m) -> None:
    from .aggregations import identify_aggregation

    if isinstance(aggregation, FunctionRef):
        where, table, digest = identify_aggregation(aggregation)
        if (table or {}).get(name) is None:
            raise NotModeled(f"aggregation {aggregation}: a custom function evalmetrics does not reproduce "
                             f"(sha256 {digest or 'unreadable'})")
        return
    if not isinstance(aggregation, str):
        raise NotModeled(f"aggregation {aggregation!r}: not a name lm_eval registers")
    allowed = {_REGISTERED_AGGREGATION.get(name), name}
    if m is not None and getattr(m, "aggregation", "mean") == "mean":
        allowed.add("mean")
    if aggregation not in allowed:
        raise NotModeled(f"{name!r} aggregated by {aggregation!r}: evalmetrics reads {name!r} with "
                         f"{' or '.join(repr(a) for a in sorted(x for x in allowed if x))} only"
                         + (" (nanmean equals the mean only where no value is NaN)" if aggregation == "nanmean"
                            else ""))


def _metric_for(name, options, ref, output_type, em_class):
    from ... import get
    from ...metrics.base import Metric
    from ...registry import resolve_alias
    from .. import DIGEST_RE, resolve_name

    options = dict(options)
    aggregation = options.pop("__aggregation__", None)
    if isinstance(ref, str) and dumped_function(ref) is not None:
        raise NotModeled(f"metric {dumped_function(ref)}: user code, not read (lm_eval reports it under the "
                          f"function's __name__, {name!r})")
    if isinstance(ref, FunctionRef) and not ref.spec.startswith(_EM_MODULE):
        arg = static_metric_function(ref)
        if arg is None:
            raise NotModeled(f"metric {ref}: user code, not read (lm_eval reports it under the function's __name__)")
        try:
            return get(arg) if resolve_alias(arg) is None else get(arg, **options), "evalmetrics"
        except EvalMetricsError as e:
            raise NotModeled(f"metric {ref} = metric_function({arg!r}): {e}") from None
    corpus = _corpus_aggregation(name, aggregation, output_type)
    if corpus is not None:
        return corpus, "lm_eval"
    if options.pop("__hf_evaluate__", False):
        if name == "exact_match":
            return get("hf_evaluate:exact_match", **options), "hf_evaluate"
        raise NotModeled(f"{name!r} with hf_evaluate: true is an evaluate Hub metric")
    if name in LM_EVAL_METRICS:
        if output_type == "multiple_choice":
            if name in _CHOICE_BUILTINS:
                return get(_CHOICE_BUILTINS[name]), "lm_eval"
            raise NotModeled(f"lm_eval's {name!r} on multiple_choice aggregates (gold, prediction) pairs over the "
                              f"corpus; evalmetrics has no alias for it")
        if output_type == "generate_until":
            if name == "exact_match":
                try:
                    return get("lm_eval:exact_match", **truthy_flags(options)), "lm_eval"
                except EvalMetricsError as e:
                    raise NotModeled(f"exact_match options: {e}") from None
            if name in CORPUS_METRICS:
                if aggregation is not None and aggregation != name:
                    raise NotModeled(f"lm_eval's {name!r} with aggregation {_agg_name(aggregation)}: that function "
                                     f"receives the passthrough's [gold, prediction] pairs; evalmetrics reproduces "
                                     f"only the registered {name!r} aggregation")
                return get(f"lm_eval:{name}"), "lm_eval"
            raise NotModeled(f"lm_eval's {name!r} is a corpus-level metric evalmetrics does not reproduce")
        return None, "lm_eval"
    # evalmetrics names
    try:
        if DIGEST_RE.match(name):
            if options:
                raise NotModeled(f"{name} is a canonical ID's digest; it takes no options, got {sorted(options)}")
            m = get(resolve_name(name))
        elif resolve_alias(name) is not None:
            m = get(name, **options)
        elif name.isidentifier() and _comma_free_id(name):
            m = get(name)  # a comma-free canonical ID such as greedy_match (registered under itself)
            if options:
                raise NotModeled(f"{name} is a canonical ID; it takes no options, got {sorted(options)}")
        else:
            raise NotModeled(
                f"{name!r} is neither an lm_eval metric nor an evalmetrics name; lm_eval would look it up "
                f"on the Hugging Face Hub (evaluate.load), which evalmetrics does not reproduce"
            )
    except NotModeled:
        raise
    except EvalMetricsError as e:
        raise NotModeled(f"{name!r}: {e}") from None
    if not isinstance(m, Metric):
        raise NotModeled(f"{name!r} is a {m.kind}, not a metric")
    return m, "evalmetrics"


# lm_eval's exact_match tests these options with ``if option:``, so any value counts by its truthiness.
EXACT_MATCH_FLAGS = ("ignore_case", "ignore_punctuation", "ignore_numbers")


def truthy_flags(options: dict) -> dict:
    """``options`` with exact_match's flags as Python's truthiness of their values (a YAML that folds a list into
    ``ignore_punctuation: true - "." - ","`` gives a non-empty string, which lm_eval takes as true)."""
    return {k: (bool(v) if k in EXACT_MATCH_FLAGS and not isinstance(v, bool) else v) for k, v in options.items()}


def _corpus_aggregation(name, aggregation, output_type):
    """The metric of a row whose value is an aggregation evalmetrics reads as a whole (a task's ``!function``
    aggregation identified by its source, or the registered aggregation of lm_eval's multiple-choice ``f1`` /
    ``mcc`` pairs); None when the row is read otherwise. Raises NotModeled for a multiple-choice f1/mcc row with an
    aggregation evalmetrics does not reproduce."""
    from ... import get
    from .aggregations import DEFAULT_AGGREGATION, REGISTERED_AGGREGATIONS, identify_aggregation

    pairs = output_type == "multiple_choice" and name in DEFAULT_AGGREGATION
    if output_type == "multiple_choice" and name == "likelihood" and aggregation in (None, "mean"):
        raise NotModeled("lm_eval's registered 'likelihood' aggregation is the mean of (gold, log-likelihoods) "
                         "tuples, which raises TypeError in lm_eval 0.4.13: the row has no value")
    if isinstance(aggregation, FunctionRef):
        where, table, digest = identify_aggregation(aggregation)
        key = (table or {}).get(name)
        if key is None:
            if pairs:
                raise NotModeled(f"lm_eval's {name!r} aggregated by {aggregation} (sha256 {digest or 'unreadable'}): "
                                 f"not an aggregation evalmetrics recognizes")
            return None
        m = get(key)
        wanted = "multiple_choice" if output_type == "multiple_choice" else "generate_until"
        if m.request_type != wanted:
            raise NotModeled(f"aggregation {where} ({key}) scores {m.request_type} records, not {output_type} rows")
        return m
    if not pairs:
        return None
    agg = DEFAULT_AGGREGATION[name] if aggregation is None else aggregation
    key = REGISTERED_AGGREGATIONS.get(agg) if isinstance(agg, str) else None
    if key is None:
        raise NotModeled(f"lm_eval's {name!r} on multiple_choice aggregated by {_agg_name(agg)}: that aggregation "
                         f"receives (gold, prediction) pairs; evalmetrics reads the registered "
                         f"{', '.join(map(repr, REGISTERED_AGGREGATIONS))} aggregations and known task functions")
    return get(key)


def _agg_name(aggregation) -> str:
    if isinstance(aggregation, FunctionRef):
        return str(aggregation)
    return repr(getattr(aggregation, "__name__", aggregation))


def _comma_free_id(name: str) -> bool:
    from ... import get

    try:
        return get(name).id == name
    except EvalMetricsError:
        return False
