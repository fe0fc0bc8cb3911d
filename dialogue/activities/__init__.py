"""Activity kinds. Importing this package registers every kind."""
from . import commitments, info, prompt  # noqa: F401  (registration by import)
from .base import REGISTRY, Activity, get, register  # noqa: F401
