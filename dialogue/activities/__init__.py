"""Activity kinds. Importing this package registers every kind."""
from dialogue.activities import (  # noqa: F401  (registration by import)  # noqa: F401  (voting kinds)
    commitments,
    dots,
    feedback,
    info,
    notes,
    poll,
    prompt,
    questions,
    rank,
    scale,
    stance,
)
from dialogue.activities.base import REGISTRY, Activity, get, of_kind, register  # noqa: F401
