"""Every shipped alias has a differential test in this suite (an alias without one is not shipped)."""
import test_choice_aliases
import test_lighteval_extra
import test_math_string_aliases
import test_string_aliases

import evalmetrics as em
from evalmetrics.registry import aliases


def _canonical(key):
    a = aliases()[key]
    return a.key


def test_every_alias_has_a_differential_test():
    covered = {_canonical(k) for k in test_string_aliases.COVERED + test_choice_aliases.COVERED
               + test_math_string_aliases.COVERED + test_lighteval_extra.COVERED}
    shipped = {a.key for a in aliases().values()}
    missing = sorted(shipped - covered)
    assert not missing, f"aliases without a conformance test: {missing}"
    assert em.get  # the registry resolves every covered key
