"""Synthetic German articles for benchmarks: deterministic, article-shaped, all distinct."""

from __future__ import annotations

import random
from pathlib import Path

_SUBJECTS = ["Der Minister", "Die Regierung", "Der Bürgermeister", "Die Kommission", "Das Gericht"]
_VERBS = ["kündigte an", "erklärte", "bestätigte", "kritisierte", "lehnte ab"]
_OBJECTS = [
    "einen neuen Haushalt für das kommende Jahr",
    "die Pläne für den Ausbau der Bahnstrecke",
    "eine Reform der Pflegeversicherung",
    "die Verhandlungen mit den Nachbarländern",
    "den Bericht über die Lage der Schulen",
]


def write_corpus(folder: Path, n: int, *, paragraphs: int = 3, seed: int = 7) -> list[Path]:
    """Write `n` distinct articles `a00000.txt`… into `folder`; returns their paths."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        lines = [f"Meldung Nummer {i}: {rng.choice(_SUBJECTS)} {rng.choice(_VERBS)}"]
        for p in range(paragraphs):
            lines.append(
                f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} am {1 + (i + p) % 28}. März "
                f"{rng.choice(_OBJECTS)}, wie die Agentur berichtete. Laut Angaben der Behörde "
                f"soll die Entscheidung bis zum {1 + i % 12}. Juni fallen (Fall {i}-{p})."
            )
        path = folder / f"a{i:05d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
