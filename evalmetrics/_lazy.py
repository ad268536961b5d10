"""A module proxy that imports on first attribute access, so `import evalmetrics` stays fast."""
from __future__ import annotations

import importlib
import types


class LazyModule(types.ModuleType):
    def __init__(self, name: str):
        super().__init__(name)
        self.__dict__["_lazy_target"] = None

    def _load(self):
        mod = self.__dict__["_lazy_target"]
        if mod is None:
            mod = self.__dict__["_lazy_target"] = importlib.import_module(self.__name__)
        return mod

    def __getattr__(self, attr):
        return getattr(self._load(), attr)


np = LazyModule("numpy")
