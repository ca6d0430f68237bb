#!/usr/bin/env python3
"""Collect the cue words of direct quotes from PolNeAR *train* into
``crates/analyse/data/cues.tsv`` (``form<TAB>count``), the cue lexicon the quote attributor uses.

A gold attribution counts when at least half of its Content lies inside double quotation marks.
Each Cue span is lower-cased and split into words; the speech verb is its last alphabetic word
("also said" → said, "said in a statement" → said is not last, so the first verb-like word is
taken: the first word that is not an auxiliary or adverb). Multi-word prepositional cues
("according to") are kept whole. Forms seen at least ``--min-count`` times are written.
Only the train split is read; dev stays unseen.

Usage: python3 eval/learn_cues.py [--data ../shared/data] [--min-count 2]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import polnear  # noqa: E402

SKIP = {
    "also", "has", "have", "had", "is", "was", "were", "are", "be", "been", "will", "would",
    "later", "then", "previously", "once", "again", "recently", "just", "not", "and", "in",
    "a", "an", "the", "to", "on", "at", "of", "with", "for", "it", "he", "she", "they", "i",
    "we", "that", "this", "his", "her", "their", "statement", "interview", "reporters",
    "told", "said",
}
WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    repo = Path(__file__).resolve().parent.parent
    ap.add_argument("--data", type=Path, default=repo.parent / "shared" / "data")
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--out", type=Path, default=repo / "crates/analyse/data/cues.tsv")
    args = ap.parse_args()
    counts: Counter = Counter()
    for doc in polnear.load(args.data, "train"):
        for att in doc.attributions:
            if att.cue is None or att.content is None:
                continue
            if polnear.quoted_fraction(doc.text, att.content.parts) < 0.5:
                continue
            cue = att.cue.text.lower()
            if "according to" in cue:
                counts["according to"] += 1
                continue
            words = WORD.findall(cue)
            if not words:
                continue
            # The speech verb: first word that is not an auxiliary/adverb/function word; "said"
            # and "told" are verbs themselves (in SKIP only so they are not taken as objects).
            verb = next((w for w in words if w in ("said", "told")), None)
            if verb is None:
                verb = next((w for w in words if w not in SKIP), None)
            if verb and len(verb) > 2:
                counts[verb] += 1
    rows = [(w, c) for w, c in counts.most_common() if c >= args.min_count]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        f.write("# cue words of direct quotes, learned from PolNeAR train by eval/learn_cues.py\n")
        for w, c in rows:
            f.write(f"{w}\t{c}\n")
    print(f"{len(rows)} cue forms written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
