"""Name resolution: canonical IDs, harness aliases, and the catalog of everything shipped."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import ids
from .errors import InvalidConfig, InvalidInput, ParseError, UnknownMetric
from .suggest import close_names
from .units import UNITS

__all__ = ["get", "catalog", "resolve_alias", "aliases", "is_versioned", "CatalogEntry"]

_ALIAS_RE = re.compile(r"^(?P<harness>[a-z_]+)(?:@(?P<version>[A-Za-z0-9.]+))?:(?P<name>.+)$")


@functools.lru_cache(maxsize=None)
def _alias_table():
    from .presets import HARNESS_VERSIONS, all_aliases

    table = {}
    for a in all_aliases():
        if a.key in table:
            raise RuntimeError(f"alias {a.key} defined twice")
        table[a.key] = a
    # Unversioned names resolve to the newest version that has the name.
    for harness, versions in HARNESS_VERSIONS.items():
        for v in reversed(versions):
            for a in list(table.values()):
                if a.harness == harness and a.version == v:
                    table[f"{harness}:{a.name}"] = a
    return table


def name_expected(value) -> str:
    """The message for a metric name that is not a string (get, explain)."""
    got = "None" if value is None else f"{type(value).__name__} {value!r}"[:120]
    return ("expected a metric name as a string: a harness alias such as 'lm_eval:acc', a canonical ID "
            f"(a metric's .id), or a common name such as 'acc' (get also takes a metric object); got {got}")


def is_versioned(key: str) -> bool:
    """True for ``harness@version:name`` keys (a name may itself contain "@", e.g. ``maj@64``)."""
    return "@" in key.split(":", 1)[0]


def aliases() -> dict:
    """Every alias key (versioned and unversioned) -> Alias."""
    return dict(_alias_table())


def resolve_alias(name: str):
    """The Alias for ``name``, or None if ``name`` is not an alias."""
    return _alias_table().get(name)


def _ensure_units():
    from . import extractors, metrics, normalizers  # noqa: F401  (registration side effect)
    from . import document_steps, pattern_extractors  # noqa: F401
    from .metrics import with_document  # noqa: F401
    from .metrics import choice, drop, mathstrings, sampling, sets, textgen  # noqa: F401
    from .metrics import perplexity  # noqa: F401
    from .metrics import kept_chars, leave_one_out, pairs  # noqa: F401
    from .metrics import contrast, emotions, found, lines  # noqa: F401
    from .metrics import rouge_sentences, sequence_ratio, shares  # noqa: F401
    from .metrics import grouped, mass, rounded  # noqa: F401
    from .metrics import label_f1  # noqa: F401
    from .metrics import edit_distance, pairwise_mean, text_label_f1  # noqa: F401
    from . import number_steps, word_steps  # noqa: F401
    from .metrics import choice_letters, numeric_text  # noqa: F401
    from .metrics import no_answer  # noqa: F401
    from .metrics import bias_score  # noqa: F401
    from .metrics import leading_char  # noqa: F401
    from .metrics import processed  # noqa: F401


def _suggest(name: str, n: int = 5) -> list[str]:
    _ensure_units()
    return close_names(name, list(_alias_table()) + list(UNITS), n)


def get(name, **config):
    """Resolve a canonical ID or a harness alias to a unit.

    ``config`` holds the harness's own configuration keys (e.g. lm_eval's ``ignore_case``); they apply to
    aliases only.

    >>> import evalmetrics as em
    >>> em.get("helm:quasi_exact_match").score("The Eiffel Tower.", "eiffel tower")
    1.0
    """
    from .units import Unit

    if isinstance(name, Unit):
        if config:
            raise InvalidConfig("configuration keywords apply to harness aliases, not to unit objects")
        return name
    if not isinstance(name, str):
        raise InvalidInput(name_expected(name), field="name")
    alias = _alias_table().get(name)
    if alias is not None:
        return alias.make(**config)
    if _ALIAS_RE.match(name) and "(" not in name:
        raise UnknownMetric(name, _suggest(name))
    if config:
        raise InvalidConfig(
            f"configuration keywords ({', '.join(config)}) apply to harness aliases; {name!r} is a canonical ID"
        )
    _ensure_units()
    try:
        node = ids.parse(name)
    except ParseError:
        if "(" not in name and "[" not in name:
            raise UnknownMetric(name, _suggest(name)) from None
        raise
    if isinstance(node, (ids.Word, ids.Call)):
        return ids.build(node, name, UNITS.get, _suggest)
    raise UnknownMetric(name, _suggest(name))


@dataclass(frozen=True)
class CatalogEntry:
    """One catalog row: ``name`` (an alias key or a unit name), ``kind``, the canonical ``id``, a ``summary``;
    for a versioned alias key, ``unversioned``: the name without the version (``lm_eval:acc``) when it resolves
    to this key (the newest version with the name), else ""."""

    name: str
    kind: str
    id: str
    summary: str
    unversioned: str = ""


def harness_names() -> list[str]:
    """The harness prefixes of the shipped aliases (``lm_eval``, ``lighteval``, ...)."""
    from .presets import HARNESS_VERSIONS

    return list(HARNESS_VERSIONS)


def check_harness(harness: str) -> str:
    """``harness`` if it is a harness prefix of the shipped aliases; else InvalidConfig listing them, with the
    closest one first ("did you mean")."""
    known = harness_names()
    if harness in known:
        return harness
    folded = {k.replace("_", "").replace("-", "").lower(): k for k in known}
    close = [folded[k] for k in close_names(harness.replace("_", "").replace("-", "").lower(), list(folded), 3)]
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise InvalidConfig(f"unknown harness {harness!r}; {hint}known harnesses: {', '.join(known)}")


def catalog(harness: str | None = None) -> list[CatalogEntry]:
    """Every shipped unit (at its defaults) and every alias (versioned keys), sorted by name; ``harness``: only
    that harness's aliases (InvalidConfig naming the known harnesses when it is none of them)."""
    _ensure_units()
    if harness is not None:
        check_harness(harness)
    out = []
    table = _alias_table()
    if harness is None:
        for uname, cls in sorted(UNITS.items()):
            obj = cls.example()
            out.append(CatalogEntry(uname, cls.kind, obj.id, cls.summary))
    for key, a in sorted(table.items()):
        if not is_versioned(key):
            continue
        if harness is not None and a.harness != harness:
            continue
        plain = f"{a.harness}:{a.name}"
        out.append(CatalogEntry(key, "alias", a.make_example().id, a.summary,
                                plain if table.get(plain) is a else ""))
    return out
