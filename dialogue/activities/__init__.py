"""Activity kinds: `base.py` declares the interface; every other module here is one kind
and registers itself on import. Adding a kind is adding a module (and its templates)."""
import importlib
import pkgutil

from dialogue.activities.base import REGISTRY, Activity, get, of_kind, register  # noqa: F401

#: Modules here that are shared code, not a kind of their own.
SHARED = {"base", "voting"}

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in SHARED:
        importlib.import_module(f"{__name__}.{_module.name}")
