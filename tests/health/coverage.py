"""Which public functions a service module defines: every one must be in its permission table."""

from __future__ import annotations

import inspect
from types import ModuleType


def public_functions(module: ModuleType) -> set[str]:
    """The names of the functions ``module`` itself defines (not imports) without a leading ``_``."""
    return {name for name, fn in vars(module).items()
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_")}
