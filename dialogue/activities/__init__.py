"""Activity kinds. Importing this package registers every kind."""
from . import commitments, feedback, info, notes, prompt  # noqa: F401  (registration by import)
from . import dots, poll, questions, rank, scale, stance  # noqa: F401  (voting kinds)
from .base import REGISTRY, Activity, get, register  # noqa: F401
