#!/usr/bin/env python3
"""Score Storyline's extractive story summary on Multi-News (dev, read in place).

Each row of ``../shared/data/multinews/dev.csv`` is one story: its ``documents`` column (a Python
list literal of raw article texts, site chrome included) is written to a temporary JSONL file,
one ``{"id","title","text"}`` line per document (title = first line when at most 120
characters, as ``eval/clustering.py`` does), and the release binary runs

    storyline analyze ROW.jsonl --single-story --summary-words 300 --no-embeddings

The sentences of ``stories[0].summary`` are joined with spaces and truncated to 300
whitespace tokens, as the Multi-News papers do (Fabbri et al., 2019), then scored against the
row's ``summary`` with the ``rouge-score`` package (ROUGE-1, ROUGE-2, ROUGE-L F1,
``use_stemmer=True``). The leading "– " of the reference summaries is kept (it is punctuation and
does not tokenise).

Baselines computed here, with the same truncation and scoring (no engine needed):

* ``lead``: the first sentence of each document in turn, then the second of each, ... until
  300 tokens (a multi-document lead);
* ``first``: the first 300 tokens of the documents concatenated in order;
* ``random``: sentences drawn at random (fixed seed) from all documents until 300 tokens, a
  floor that uses no information at all.

Sentences for the baselines come from a simple regex splitter over the raw text (chrome
included), so they see the same noise the engine does.

Published numbers on the Multi-News **test** set at 300 tokens (R-1): LexRank 38.27, TextRank
38.44, MMR 38.77. The numbers printed here are on the dev set (250 rows); report both halves
(``--halves``) when knobs were tuned on this data.

Setup (the rouge-score package; the venv is git-ignored)::

    python3 -m venv eval/.venv && eval/.venv/bin/pip install rouge-score

Usage::

    eval/.venv/bin/python eval/summary.py                    # builds the binary, all 250 rows
    eval/.venv/bin/python eval/summary.py --halves --baselines
    eval/.venv/bin/python eval/summary.py --no-build --limit 20 --jobs 2
    eval/.venv/bin/python eval/summary.py --rows 125:250 --words 300
    eval/.venv/bin/python eval/summary.py --baselines-only
    eval/.venv/bin/python eval/summary.py --show 3          # print a few summaries
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TITLE_MAX = 120
SENT_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*\n")

try:
    from rouge_score import rouge_scorer
except ImportError:  # pragma: no cover - reported at run time
    rouge_scorer = None


def load_rows(data_dir: Path) -> list[dict]:
    path = data_dir / "multinews" / "dev.csv"
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            break
        except OverflowError:
            limit //= 10
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            docs = ast.literal_eval(row["documents"])
            docs = [d for d in docs if isinstance(d, str) and d.strip()]
            rows.append({"documents": docs, "summary": row["summary"]})
    return rows


def truncate(text: str, n: int) -> str:
    return " ".join(text.split()[:n])


# ------------------------------------------------------------------------------------------
# Engine
# ------------------------------------------------------------------------------------------


def run_engine(binary: str, row_no: int, docs: list[str], words: int, extra: list[str],
               tmp: str) -> tuple[list[dict], float, str]:
    path = os.path.join(tmp, f"row{row_no}.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for j, doc in enumerate(docs):
            first = next((ln.strip() for ln in doc.splitlines() if ln.strip()), "")
            title = first if len(first) <= TITLE_MAX else ""
            f.write(json.dumps({"id": f"mn{row_no}-{j}", "title": title, "text": doc}) + "\n")
    cmd = [binary, "analyze", path, "--single-story", "--summary-words", str(words), *extra]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    os.unlink(path)
    if p.returncode != 0:
        return [], dt, p.stderr.strip()[-500:]
    out = json.loads(p.stdout)
    stories = out.get("stories") or []
    summary = stories[0].get("summary", []) if stories else []
    return summary, dt, ""


# ------------------------------------------------------------------------------------------
# Baselines
# ------------------------------------------------------------------------------------------


def split_sentences(doc: str) -> list[str]:
    out = []
    for s in SENT_SPLIT.split(doc):
        s = " ".join(s.split())
        if s:
            out.append(s)
    return out


def lead(docs: list[str], n: int) -> str:
    sents = [split_sentences(d) for d in docs]
    picked, used, k = [], 0, 0
    while used < n and any(k < len(s) for s in sents):
        for s in sents:
            if k < len(s) and used < n:
                picked.append(s[k])
                used += len(s[k].split())
        k += 1
    return " ".join(picked)


def first(docs: list[str], n: int) -> str:
    return truncate(" ".join(docs), n)


def rand(docs: list[str], n: int, seed: int) -> str:
    pool = [s for d in docs for s in split_sentences(d)]
    random.Random(seed).shuffle(pool)
    picked, used = [], 0
    for s in pool:
        if used >= n:
            break
        picked.append(s)
        used += len(s.split())
    return " ".join(picked)


# ------------------------------------------------------------------------------------------
# Scoring
# ------------------------------------------------------------------------------------------


def score_all(pairs: list[tuple[str, str]]) -> dict:
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    acc = {"rouge1": [], "rouge2": [], "rougeL": []}
    for ref, hyp in pairs:
        s = scorer.score(ref, hyp)
        for k in acc:
            acc[k].append(s[k].fmeasure)
    return {k: 100 * statistics.mean(v) if v else 0.0 for k, v in acc.items()}


def fmt(name: str, sc: dict, extra: str = "") -> str:
    return (f"| {name} | {sc['rouge1']:.2f} | {sc['rouge2']:.2f} | {sc['rougeL']:.2f} |"
            f" {extra} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"),
                    help="data folder holding multinews/dev.csv (default ../shared/data)")
    ap.add_argument("--bin", default=str(REPO / "target" / "release" / "storyline"),
                    help="storyline binary (default target/release/storyline)")
    ap.add_argument("--no-build", action="store_true",
                    help="do not run `cargo build --release -p storyline-cli` first")
    ap.add_argument("--words", type=int, default=300,
                    help="summary length asked of the engine and truncation length (300)")
    ap.add_argument("--ask", type=int, default=None,
                    help="words asked of the engine, if different from --words")
    ap.add_argument("--rows", default=None, metavar="A:B",
                    help="score rows A..B-1 only (dev has 250 rows; halves: 0:125, 125:250)")
    ap.add_argument("--limit", type=int, default=None, help="score the first N rows only")
    ap.add_argument("--halves", action="store_true",
                    help="also report rows 0-124 and 125-249 separately")
    ap.add_argument("--baselines", action="store_true", help="also score lead/first/random")
    ap.add_argument("--baselines-only", action="store_true", help="score the baselines only")
    ap.add_argument("--jobs", type=int, default=2, help="engine processes at once (2)")
    ap.add_argument("--show", type=int, default=0, help="print the first N summaries")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("extra", nargs="*",
                    help="extra `storyline analyze` flags, after `--` (default --no-embeddings)")
    args = ap.parse_args()

    if rouge_scorer is None:
        print("rouge-score is missing: python3 -m venv eval/.venv && "
              "eval/.venv/bin/pip install rouge-score", file=sys.stderr)
        return 2
    rows = load_rows(Path(args.data))
    idx = list(range(len(rows)))
    if args.rows:
        a, b = args.rows.split(":")
        idx = idx[int(a or 0):int(b) if b else None]
    if args.limit is not None:
        idx = idx[:args.limit]
    extra = args.extra or ["--no-embeddings"]
    ask = args.ask or args.words
    results: dict[str, dict] = {}
    hyps: dict[str, list[str]] = {}

    if args.baselines or args.baselines_only:
        hyps["lead"] = [truncate(lead(rows[i]["documents"], args.words), args.words) for i in idx]
        hyps["first"] = [first(rows[i]["documents"], args.words) for i in idx]
        hyps["random"] = [truncate(rand(rows[i]["documents"], args.words, i), args.words)
                          for i in idx]

    times: list[float] = []
    errors: list[str] = []
    cites: list[int] = []
    if not args.baselines_only:
        if not args.no_build:
            b = subprocess.run(["cargo", "build", "--release", "-p", "storyline-cli"], cwd=REPO)
            if b.returncode != 0:
                return 2
        if not os.path.exists(args.bin):
            print(f"binary {args.bin} not found", file=sys.stderr)
            return 2
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as ex:
            outs = list(ex.map(
                lambda i: run_engine(args.bin, i, rows[i]["documents"], ask, extra, tmp), idx))
        wall = time.perf_counter() - t0
        engine = []
        for i, (summ, dt, err) in zip(idx, outs):
            times.append(dt)
            if err:
                errors.append(f"row {i}: {err}")
            engine.append(truncate(" ".join(s["text"] for s in summ), args.words))
            cites.extend(len(s.get("sources", [])) for s in summ)
        hyps["storyline"] = engine
        for k in range(min(args.show, len(idx))):
            i = idx[k]
            print(f"--- row {i} ({len(rows[i]['documents'])} documents)")
            for s in outs[k][0]:
                print(f"  [{','.join(s['sources'])}] {s['text']}")
            print()

    refs = [rows[i]["summary"] for i in idx]
    groups = [("all", list(range(len(idx))))]
    if args.halves:
        groups.append(("rows 0-124", [k for k, i in enumerate(idx) if i < 125]))
        groups.append(("rows 125-249", [k for k, i in enumerate(idx) if i >= 125]))
    for name, hs in hyps.items():
        for g, ks in groups:
            if ks:
                sc = score_all([(refs[k], hs[k]) for k in ks])
                sc["rows"] = len(ks)
                results[f"{name} ({g})"] = sc

    if args.json:
        print(json.dumps({"rows": len(idx), "results": results,
                          "seconds_per_row": statistics.mean(times) if times else None,
                          "errors": errors}, indent=2))
    else:
        print(f"Multi-News dev, {len(idx)} rows, {args.words} tokens, ROUGE F1 (rouge-score, "
              "stemmer)\n")
        print("| system | R-1 | R-2 | R-L | rows |")
        print("|---|---|---|---|---|")
        for name, sc in results.items():
            print(fmt(name, sc, str(sc["rows"])))
        if times:
            print(f"\nengine: {statistics.mean(times):.2f} s per row (median "
                  f"{statistics.median(times):.2f}, max {max(times):.2f}), wall {wall:.0f} s "
                  f"with {args.jobs} jobs; {statistics.mean(cites) if cites else 0:.2f} "
                  "sources per summary sentence")
    for e in errors[:10]:
        print("error:", e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
