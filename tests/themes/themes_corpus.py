"""A small synthetic corpus with known topics, for the engine tests (no model needed)."""

import random

from engage.themes import Contribution

TOPICS = {
    "buses": "bus route driver stop late morning transport ride schedule seat",
    "lunch": "lunch cafeteria food meal fruit vegetables hungry breakfast menu portion",
    "arts": "music art theatre painting choir band drawing dance instrument concert",
    "sports": "soccer team coach field practice basketball game league gym swimming",
    "reading": "books library reading literacy novels librarian stories authors shelves poetry",
}


def topic_corpus(per_topic: int = 24, seed: int = 7):
    """Answers of five random words from one topic each, and the true topic of every answer."""
    rng = random.Random(seed)
    items, truth = [], []
    for topic, vocabulary in TOPICS.items():
        words = vocabulary.split()
        for i in range(per_topic):
            text = " ".join(rng.sample(words, 5)) + " please"
            items.append(Contribution(f"{topic}-{i}", text, "en"))
            truth.append(topic)
    return items, truth
