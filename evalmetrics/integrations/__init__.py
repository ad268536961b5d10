"""Adapters that run evalmetrics metrics inside other harnesses, and read their task configs back.

* :mod:`evalmetrics.integrations.lm_eval`: ``register()`` puts every evalmetrics metric into lm_eval's metric,
  aggregation and higher_is_better registries under comma-free names; ``EvalMetricsTask`` for multiple-choice tasks;
  ``explain_results`` / ``results_table`` say which canonical ID each reported row is.
* :mod:`evalmetrics.integrations.lighteval`: ``to_lighteval(metric)`` returns a lighteval ``Metric``.
* :mod:`evalmetrics.integrations.lm_eval_tasks`: ``read_lm_eval_task(path)`` reads an lm_eval task YAML and says, per
  (filter pipeline, metric), which canonical ID its score really is.

Nothing here is imported by ``import evalmetrics``; the harness packages are imported only when an adapter that needs
one is called, and a missing package is an :class:`evalmetrics.InvalidConfig` that says what to install.

Names. lm_eval reports a score under ``"<metric>,<filter>"`` and splits that key on the first comma, while canonical
IDs contain commas. Every metric therefore also has a short digest name, ``em_`` + the first 10 hex digits of the
SHA-256 of its canonical ID: stable across processes and platforms, and resolvable back to the ID.

>>> from evalmetrics.integrations import metric_name, resolve_name
>>> metric_name("greedy_match")
'em_855059921c'
>>> resolve_name("em_855059921c")
'greedy_match'
"""
from __future__ import annotations

import hashlib
import importlib
import re

from ..errors import InvalidConfig, UnknownMetric

__all__ = ["metric_name", "resolve_name", "remember", "as_metric", "require", "DIGEST_RE"]

DIGEST_RE = re.compile(r"^em_[0-9a-f]{10}$")

# digest name -> canonical ID, for every metric named in this process (the catalog is added on demand).
_KNOWN: dict[str, str] = {}
_CATALOG_LOADED = False

# pip requirement per integration package (the versions the conformance suite proves).
_INSTALL = {"lm_eval": "lm-eval==0.4.13", "lighteval": "lighteval[math]==0.13.0", "yaml": "pyyaml"}
# evalmetrics' extra per integration package (pyproject.toml; tests/test_install_lines.py checks each exists).
_EXTRA = {"lm_eval": "lm-eval", "lighteval": "lighteval"}


def require(module: str, feature: str):
    """Import ``module`` or raise InvalidConfig naming the package to install."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        top = module.split(".")[0]
        if top == "lighteval":  # the extra, in its own environment (it breaks math-verify; docs' extras table)
            from .._packages import LIGHTEVAL_INSTALL

            how = LIGHTEVAL_INSTALL
        else:
            pkg = _INSTALL.get(top, top)
            extra = (f"  (or, from the evalmetrics repository: pip install -e '.[{_EXTRA[top]}]')"
                     if top in _EXTRA else "")
            how = f"pip install '{pkg}'{extra}"
        raise InvalidConfig(
            f"{feature} needs the {top!r} package, which is not installed ({e}). Install it with: {how}"
        ) from None


def as_metric(metric):
    """A Metric object from a canonical ID, an alias (``lm_eval:acc_norm``), a digest name or a Metric."""
    from .. import get
    from ..metrics.base import Metric

    if isinstance(metric, str) and DIGEST_RE.match(metric):
        metric = resolve_name(metric)
    m = get(metric)
    if not isinstance(m, Metric):
        raise InvalidConfig(
            f"{metric!r} is a {getattr(m, 'kind', type(m).__name__)}, not a metric; only metrics can be registered"
        )
    return m


def _digest(metric_id: str) -> str:
    return "em_" + hashlib.sha256(metric_id.encode("utf-8")).hexdigest()[:10]


def metric_name(metric) -> str:
    """The comma-free digest name of a metric (ID, alias, or object): ``em_`` + 10 hex digits of sha256(ID)."""
    m = as_metric(metric)
    return remember(m.id)


def remember(metric_id: str) -> str:
    """Record ``metric_id`` so that its digest name resolves in this process; return the digest name."""
    name = _digest(metric_id)
    other = _KNOWN.get(name)
    if other is not None and other != metric_id:  # pragma: no cover - 40-bit collision
        raise InvalidConfig(f"digest name {name} is shared by two IDs: {other!r} and {metric_id!r}")
    _KNOWN[name] = metric_id
    return name


def _load_catalog():
    global _CATALOG_LOADED
    if _CATALOG_LOADED:
        return
    for metric_id in catalog_metric_ids().values():
        remember(metric_id)
    _CATALOG_LOADED = True


def catalog_metric_ids() -> dict[str, str]:
    """Every metric the catalog ships (units at their defaults, and aliases), as {catalog name: canonical ID}."""
    from ..registry import catalog

    return {e.name: e.id for e in catalog() if e.kind in ("metric", "alias") and _is_metric_entry(e)}


def _is_metric_entry(entry) -> bool:
    if entry.kind == "metric":
        return True
    from ..metrics.base import Metric
    from ..registry import aliases

    a = aliases().get(entry.name)
    try:
        return a is not None and isinstance(a.make_example(), Metric)
    except Exception:  # an alias that cannot build without configuration is not a metric we can register
        return False


def resolve_name(name: str) -> str:
    """The canonical ID behind a digest name (catalog metrics, and any metric named in this process).

    A digest is one-way: the name of a metric that is neither in the catalog nor named in this process (with
    ``metric_name``, ``register`` or ``to_lighteval``) cannot be resolved, and raises UnknownMetric.
    """
    if not DIGEST_RE.match(name):
        raise UnknownMetric(name)
    if name not in _KNOWN:
        _load_catalog()
    try:
        return _KNOWN[name]
    except KeyError:
        raise UnknownMetric(
            name + " (a digest name that is neither a catalog metric nor named in this process; "
            "call evalmetrics.integrations.metric_name(<the ID>) first; in an lm_eval task YAML, write the metric as "
            "!function '<evalmetrics.integrations.lm_eval.function_spec(the ID)>' so that the file carries its ID)"
        ) from None
