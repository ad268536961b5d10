"""Installed package versions, for metrics that delegate to another package and are defined by its version."""
from __future__ import annotations

__all__ = ["installed_version", "pip_extra"]


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
