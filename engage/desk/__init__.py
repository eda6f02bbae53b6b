"""The translation desk: interpreters and community liaisons translate what the community wrote
into the district's working language, so leaders can read it and the theme engine can place it.

Originals are never changed; each translation is stored beside its contribution with who wrote
it, when, and whether a person or a machine did.
"""

from .views import bp

__all__ = ["bp"]
