"""Installed package versions, for metrics that delegate to another package and are defined by its version."""
from __future__ import annotations

__all__ = ["installed_version", "pip_extra", "LIGHTEVAL_INSTALL"]


def installed_version(dist: str) -> str | None:
    """The installed version of distribution ``dist`` (e.g. "math-verify"), or None when it is not installed."""
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def pip_extra(extra: str) -> str:
    """The install line for one of evalmetrics' optional extras (evalmetrics installs from its repository).

    >>> pip_extra("textgen")
    "pip install -e '.[textgen]' (from the evalmetrics repository)"
    """
    return f"pip install -e '.[{extra}]' (from the evalmetrics repository)"


#: How to install lighteval for evalmetrics: the ``lighteval`` extra (lighteval[math]==0.13.0), in an environment
#: of its own, as docs/integrations.md's extras table says (lighteval pins latex2sympy2_extended 1.0.6, which breaks
#: math-verify 0.9.0 of the ``test`` and ``mathverify`` extras).
LIGHTEVAL_INSTALL = (
    pip_extra("lighteval") + ", which installs lighteval[math]==0.13.0, in an environment without evalmetrics' "
    "test or mathverify extras (see docs/integrations.md, Extras and environments)"
)
