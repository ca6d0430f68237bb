#!/usr/bin/env python3
"""Score Storyline's HTML main-text extraction on the article-extraction benchmark.

Runs an extraction command over every page of the benchmark (``html/<sha>.html.gz``), reads
the JSON lines it prints (one per article: ``{"id", "title", "text", ...}``, where ``id`` is
the page's sha, i.e. the file name without extensions) and compares each ``text`` with the
human-extracted ``articleBody`` in ``ground-truth.json``.

The metric is the benchmark's own (Zyte / scrapinghub article-extraction-benchmark):

* tokens are the ``\\w+`` runs of a text (Python ``re``, case kept);
* each text becomes a multiset of 4-token shingles (a text shorter than four tokens is one
  shorter shingle, an empty text one empty shingle, which never counts);
* per page, tp / fp / fn are the multiset intersection / surplus / shortfall, normalised by
  their sum so that every page weighs the same;
* precision and recall are averaged over pages (a page with tp + fp == 0 is left out of
  precision, one with tp + fn == 0 out of recall), and F1 is the harmonic mean of the two
  averages.

Usage::

    python3 eval/extraction.py                       # target/release/storyline extract <files>
    python3 eval/extraction.py --cmd 'target/release/examples/extract'
    python3 eval/extraction.py --cmd '...' --per-page --worst 10 --save eval/out/pred.jsonl

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import shlex
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

DEFAULT_DATA = Path("/work/shared/data/article-extraction")
DEFAULT_CMD = "target/release/storyline extract"

WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    """Multiset of n-token shingles of ``text``, as the benchmark builds it."""
    tokens = WORD.findall(text or "")
    out: Counter = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        gram = tuple(tokens[i : i + n])
        if gram:
            out[gram] += 1
    return out


def page_counts(truth: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page."""
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def precision_of(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    if tp == 0 and fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_of(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    if tp == 0 and fn == 0:
        return 0.0
    return tp / (tp + fn)


def aggregate(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    ps = [precision_of(*c) for c in counts if c[0] + c[1] > 0]
    rs = [recall_of(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"precision": p, "recall": r, "f1": f1}


def bootstrap_ci(counts, n_boot: int, seed: int = 0) -> dict[str, float]:
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    n = len(counts)
    for _ in range(n_boot):
        m = aggregate([counts[rng.randrange(n)] for _ in range(n)])
        for k, v in m.items():
            samples.setdefault(k, []).append(v)
    return {k: 1.96 * statistics.stdev(v) for k, v in samples.items()}


def page_id(s: str) -> str:
    """The sha of a page from an id or a path (``dir/<sha>.html.gz`` → ``<sha>``)."""
    name = s.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def run_command(cmd: str, files: list[Path]) -> tuple[dict[str, dict], float, str]:
    argv = shlex.split(cmd) + [str(f) for f in files]
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        print(f"warning: command exited with status {proc.returncode}", file=sys.stderr)
    preds: dict[str, dict] = {}
    for lineno, line in enumerate(proc.stdout.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            print(f"warning: output line {lineno} is not JSON ({e})", file=sys.stderr)
            continue
        if not isinstance(obj, dict):
            continue
        key = obj.get("id")
        if key is None and isinstance(obj.get("origin"), dict):
            key = obj["origin"].get("file")
        if key is None:
            continue
        preds[page_id(str(key))] = obj
    return preds, elapsed, proc.stderr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder (html/, ground-truth.json)")
    ap.add_argument("--cmd", default=DEFAULT_CMD, help=f"extraction command; the page files are appended (default: {DEFAULT_CMD!r})")
    ap.add_argument("--pred", type=Path, help="score an existing JSON-lines prediction file instead of running --cmd")
    ap.add_argument("--per-page", action="store_true", help="print precision/recall/F1 of every page")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages with the lowest F1")
    ap.add_argument("--bootstrap", type=int, default=0, help="bootstrap resamples for 95%% confidence intervals")
    ap.add_argument("--save", type=Path, help="write the command's JSON lines (one per page) here")
    ap.add_argument("--only", nargs="*", help="restrict to these page ids (sha prefixes)")
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    args = ap.parse_args()

    truth_all = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    truth = {k: v for k, v in truth_all.items() if not args.only or any(k.startswith(o) for o in args.only)}
    files = sorted(args.data / "html" / f"{k}.html.gz" for k in truth)
    missing_files = [f for f in files if not f.exists()]
    if missing_files:
        print(f"error: {len(missing_files)} benchmark pages are missing, e.g. {missing_files[0]}", file=sys.stderr)
        return 2

    elapsed = None
    if args.pred:
        preds = {}
        for line in args.pred.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                preds[page_id(str(obj.get("id", "")))] = obj
    else:
        preds, elapsed, stderr = run_command(args.cmd, files)
        if stderr.strip():
            tail = "\n".join(stderr.strip().splitlines()[-10:])
            print(f"command stderr (last lines):\n{tail}", file=sys.stderr)
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        with args.save.open("w", encoding="utf-8") as f:
            for k in sorted(preds):
                f.write(json.dumps(preds[k], ensure_ascii=False) + "\n")

    counts = []
    rows = []
    missing = 0
    for key in sorted(truth):
        pred = preds.get(key)
        if pred is None:
            missing += 1
        text = (pred or {}).get("text") or ""
        c = page_counts(truth[key].get("articleBody", ""), text)
        counts.append(c)
        p, r = precision_of(*c), recall_of(*c)
        f = 2 * p * r / (p + r) if p + r > 0 else 0.0
        rows.append((key, p, r, f, truth[key].get("url", "")))

    m = aggregate(counts)
    summary = dict(m, pages=len(truth), missing=missing)
    if elapsed is not None:
        summary["seconds"] = elapsed
        summary["pages_per_second"] = len(files) / elapsed if elapsed > 0 else float("inf")
    if args.bootstrap:
        summary.update({f"{k}_ci": v for k, v in bootstrap_ci(counts, args.bootstrap).items()})

    if args.per_page:
        for key, p, r, f, url in rows:
            print(f"{key[:12]}  P={p:.3f} R={r:.3f} F1={f:.3f}  {url}")
    if args.worst:
        print(f"worst {args.worst} pages by F1:")
        for key, p, r, f, url in sorted(rows, key=lambda x: x[3])[: args.worst]:
            print(f"  {key[:12]}  P={p:.3f} R={r:.3f} F1={f:.3f}  {url}")
    if args.json:
        print(json.dumps(summary))
    else:
        ci = lambda k: f" ± {summary[k + '_ci']:.3f}" if k + "_ci" in summary else ""  # noqa: E731
        line = (
            f"pages={len(truth)} missing={missing}  precision={m['precision']:.4f}{ci('precision')}  "
            f"recall={m['recall']:.4f}{ci('recall')}  F1={m['f1']:.4f}{ci('f1')}"
        )
        if elapsed is not None:
            line += f"  time={elapsed:.2f}s ({summary['pages_per_second']:.1f} pages/s)"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
