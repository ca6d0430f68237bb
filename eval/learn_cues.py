#!/usr/bin/env python3
"""Collect the cue words of direct quotes from PolNeAR *train* into
``crates/analyse/data/cues.tsv`` (``form<TAB>count``), the cue lexicon the quote attributor uses.

A gold attribution counts when at least half of its Content lies inside double quotation marks.
Each Cue span is lower-cased and split into words; the speech verb is its last alphabetic word
("also said" → said, "said in a statement" → said is not last, so the first verb-like word is
taken: the first word that is not an auxiliary or adverb). Multi-word prepositional cues
("according to") are kept whole. Forms seen at least ``--min-count`` times are written.
A form is kept when it was the cue of a direct quote at least ``--min-count`` times *and* its
precision as a cue is at least ``--min-precision``: of all its occurrences as a word in the
training texts, the share lying inside some gold Cue span (of any attribution). This drops words
that happen to sit in a cue span now and then but are mostly something else ("states", "put",
"goes"). The TSV's third column is that precision. Only the train split is read; dev stays unseen.

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
    ap.add_argument("--min-precision", type=float, default=0.1)
    ap.add_argument("--out", type=Path, default=repo / "crates/analyse/data/cues.tsv")
    args = ap.parse_args()
    counts: Counter = Counter()
    in_cue: Counter = Counter()
    total: Counter = Counter()
    for doc in polnear.load(args.data, "train"):
        cue_chars = [False] * len(doc.text)
        for att in doc.attributions:
            if att.cue is not None:
                for a, b in att.cue.parts:
                    for i in range(a, min(b, len(doc.text))):
                        cue_chars[i] = True
        for m in re.finditer(r"[A-Za-z]+(?:-[A-Za-z]+)?", doc.text):
            w = m.group(0).lower()
            total[w] += 1
            in_cue[w] += cue_chars[m.start()]
        for m in re.finditer(r"\b[Aa]ccording to\b", doc.text):
            total["according to"] += 1
            in_cue["according to"] += cue_chars[m.start()]
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
    rows = []
    for w, c in counts.most_common():
        prec = in_cue[w] / total[w] if total[w] else 0.0
        if c >= args.min_count and prec >= args.min_precision:
            rows.append((w, c, prec))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        f.write("# cue words of direct quotes, learned from PolNeAR train by eval/learn_cues.py\n")
        f.write(f"# form, count as a direct-quote cue, precision as a cue (>= {args.min_precision})\n")
        for w, c, prec in rows:
            f.write(f"{w}\t{c}\t{prec:.2f}\n")
    print(f"{len(rows)} cue forms written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
