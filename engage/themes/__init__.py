"""The theme engine: free text in many languages in, reviewable themes out.

Pure Python on NumPy, SciPy and scikit-learn (imported lazily, inside the functions that need
them) plus a sentence encoder that ships inside its wheel; no Flask, no database, no network.
``review/services.py`` passes plain :class:`Contribution` lists in and stores what comes back::

    from engage.themes import Contribution, discover, assign
    result = discover(contributions, n_themes=None, seed=0)
    result.themes       # Theme: label, keywords, member_ids, representative_ids, languages, key
    result.assignment   # contribution id -> index into result.themes, or None ("no clear theme")
    assign(result, new_contributions)

Cache ``embed(contributions)`` and pass it back as ``vectors=`` to make re-runs cheap; pass
accepted or edited themes back as ``keep=`` to keep their identity.
"""

from .encoders import Encoder, get_encoder, register_encoder
from .engine import assign, discover, embed, placement, placement_text, understanding
from .model import ENGINE_VERSION, Contribution, DiscoveryResult, Theme, Understanding

__all__ = [
    "ENGINE_VERSION",
    "Contribution",
    "DiscoveryResult",
    "Encoder",
    "Theme",
    "Understanding",
    "assign",
    "discover",
    "embed",
    "get_encoder",
    "placement",
    "placement_text",
    "register_encoder",
    "understanding",
]
