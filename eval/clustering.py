#!/usr/bin/env python3
"""Story-clustering evaluation for Storyline (standard library only).

Feeds a labelled data set to ``storyline analyze`` as one mixed JSONL file and compares the
stories it returns with the gold grouping:

* B-cubed precision / recall / F1 (averaged per item; Bagga & Baldwin 1998, Amigó et al. 2009)
* pairwise precision / recall / F1 over all unordered pairs of articles
* number of gold and predicted clusters, wall time and articles/s of the whole process
* coverage: every input id must appear in exactly one output story (missing / duplicated /
  unknown ids are reported; missing ids are scored as singletons, duplicates by first story)

Data sets (read in place from ``--data``, default ``<repo>/../shared/data``):

* ``multinews`` - multinews/dev.csv, one row = one story, documents mixed together
* ``uci``       - uci-news-headlines/dev.csv, headlines grouped by STORY
* ``basil``     - basil/articles/YEAR/*.json, grouped by triplet-uuid
* ``all``       - the three above, then a summary table

``--baseline`` replaces the engine by a naive single-pass TF-IDF clustering implemented
here; ``--compare`` runs both.  ``--self-test`` checks the metric code on hand-made examples.

Examples::

    python3 eval/clustering.py --self-test
    python3 eval/clustering.py all --baseline
    python3 eval/clustering.py all --compare --json
    python3 eval/clustering.py uci --bin target/release/storyline -- --some-engine-flag 0.5
"""

from __future__ import annotations

import argparse
import ast
import csv
import glob
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
DEFAULT_DATA = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "data"))
DEFAULT_BIN = os.path.join(REPO_ROOT, "target", "release", "storyline")
OUT_DIR = os.path.join(SCRIPT_DIR, "out")
DATASETS = ("multinews", "uci", "basil")
MULTINEWS_TITLE_MAX = 120  # first line becomes the title only when at most this many chars


# --------------------------------------------------------------------------------------------
# Data loading: each loader returns (articles, gold, info)
#   articles: list of dicts in the engine's JSONL input format
#   gold:     dict id -> gold cluster label
#   info:     dict of extra counts (e.g. skipped empty documents)
# --------------------------------------------------------------------------------------------


def _raise_csv_limit() -> None:
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 10


def load_multinews(data_dir: str):
    path = os.path.join(data_dir, "multinews", "dev.csv")
    _raise_csv_limit()
    articles, gold = [], {}
    skipped = 0
    declared = 0
    with open(path, newline="", encoding="utf-8") as f:
        for row_no, row in enumerate(csv.DictReader(f)):
            docs = ast.literal_eval(row["documents"])
            try:
                declared += int(row.get("num_documents") or len(docs))
            except ValueError:
                declared += len(docs)
            for j, doc in enumerate(docs):
                if not isinstance(doc, str) or not doc.strip():
                    skipped += 1
                    continue
                aid = f"mn{row_no}-{j}"
                first = next((ln.strip() for ln in doc.splitlines() if ln.strip()), "")
                title = first if len(first) <= MULTINEWS_TITLE_MAX else ""
                articles.append({"id": aid, "title": title, "text": doc})
                gold[aid] = f"row{row_no}"
    return articles, gold, {"skipped_empty": skipped, "declared_documents": declared}


def load_uci(data_dir: str):
    path = os.path.join(data_dir, "uci-news-headlines", "dev.csv")
    articles, gold = [], {}
    skipped = 0
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            title = (row.get("TITLE") or "").strip()
            if not title:
                skipped += 1
                continue
            aid = row["ID"].strip()
            art = {"id": aid, "title": title, "text": title}
            if row.get("URL"):
                art["url"] = row["URL"]
            if row.get("PUBLISHER"):
                art["source"] = row["PUBLISHER"]
            ts = (row.get("TIMESTAMP") or "").strip()
            if ts.isdigit():
                art["published"] = int(ts)
            articles.append(art)
            gold[aid] = row["STORY"]
    return articles, gold, {"skipped_empty": skipped}


def load_basil(data_dir: str):
    root = os.path.join(data_dir, "basil", "articles")
    files = sorted(glob.glob(os.path.join(root, "*", "*.json")))
    if not files:
        raise FileNotFoundError(f"no BASIL articles under {root}")
    articles, gold = [], {}
    skipped = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        paras = []
        for p in d.get("body-paragraphs") or []:
            if isinstance(p, list):
                s = " ".join(x.strip() for x in p if isinstance(x, str) and x.strip())
            else:
                s = str(p).strip()
            if s:
                paras.append(s)
        text = "\n\n".join(paras)
        if not text.strip():
            skipped += 1
            continue
        aid = d.get("uuid") or os.path.splitext(os.path.basename(path))[0]
        art = {"id": aid, "title": d.get("title") or "", "text": text}
        if d.get("url"):
            art["url"] = d["url"]
        if d.get("source"):
            art["source"] = d["source"]
        date = (d.get("date") or "").strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            art["published"] = date + "T00:00:00Z"
        elif date:
            art["published"] = date
        articles.append(art)
        gold[aid] = d["triplet-uuid"]
    return articles, gold, {"skipped_empty": skipped}


LOADERS = {"multinews": load_multinews, "uci": load_uci, "basil": load_basil}


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _contingency(gold: dict, pred: dict):
    """Cluster sizes and the overlap counts n_ij, over the items in gold."""
    items = list(gold)
    gsize = Counter(gold[i] for i in items)
    psize = Counter(pred[i] for i in items)
    joint = Counter((gold[i], pred[i]) for i in items)
    return len(items), gsize, psize, joint


def bcubed(gold: dict, pred: dict) -> tuple[float, float, float]:
    """Item-averaged B-cubed (P, R, F1). ``pred`` must label every item of ``gold``.

    For item i with gold cluster G(i) and predicted cluster C(i):
    P_i = |C(i) & G(i)| / |C(i)|, R_i = |C(i) & G(i)| / |G(i)|, averaged over all items.
    """
    n, gsize, psize, joint = _contingency(gold, pred)
    if n == 0:
        return 0.0, 0.0, 0.0
    # each of the n_ij items in cell (g, c) has overlap n_ij
    p = sum(nij * nij / psize[c] for (g, c), nij in joint.items()) / n
    r = sum(nij * nij / gsize[g] for (g, c), nij in joint.items()) / n
    return p, r, _f1(p, r)


def pairwise(gold: dict, pred: dict) -> tuple[float, float, float]:
    """Pairwise (P, R, F1) over unordered item pairs.

    P = pairs together in both / pairs together in the prediction, R = ... / pairs together in
    gold. With no predicted pairs P is 1.0 (nothing wrongly merged); with no gold pairs R is 1.0.
    """
    _, gsize, psize, joint = _contingency(gold, pred)
    c2 = lambda k: k * (k - 1) // 2  # noqa: E731
    tp = sum(c2(v) for v in joint.values())
    pp = sum(c2(v) for v in psize.values())
    gp = sum(c2(v) for v in gsize.values())
    p = tp / pp if pp else 1.0
    r = tp / gp if gp else 1.0
    return p, r, _f1(p, r)


# --------------------------------------------------------------------------------------------
# Engine output parsing and coverage check
# --------------------------------------------------------------------------------------------


@dataclass
class Coverage:
    missing: list = field(default_factory=list)
    duplicated: list = field(default_factory=list)  # ids seen in more than one place
    unknown: list = field(default_factory=list)  # ids in the output that were not input

    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.unknown)


def assignment_from_output(doc: dict, input_ids: list) -> tuple[dict, Coverage, int]:
    """Map article id -> story label from the engine's JSON output.

    Missing ids become singletons (label ``__missing__:<id>``), a duplicated id keeps its
    first story. Returns (pred, coverage, number_of_stories_in_output).
    """
    wanted = set(input_ids)
    pred: dict = {}
    seen = Counter()
    unknown = []
    stories = doc.get("stories") or []
    for k, story in enumerate(stories):
        label = f"s{k}:{story.get('id', k)}"
        for a in story.get("articles") or []:
            aid = a.get("id") if isinstance(a, dict) else a
            aid = str(aid)
            seen[aid] += 1
            if aid not in wanted:
                unknown.append(aid)
                continue
            pred.setdefault(aid, label)
    cov = Coverage()
    cov.duplicated = sorted(a for a, c in seen.items() if c > 1)
    cov.unknown = sorted(set(unknown))
    for aid in input_ids:
        if aid not in pred:
            cov.missing.append(aid)
            pred[aid] = f"__missing__:{aid}"
    return pred, cov, len(stories)


# --------------------------------------------------------------------------------------------
# Baseline: naive single-pass TF-IDF clustering
# --------------------------------------------------------------------------------------------

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves said says say also would could new one two s t""".split()
)
TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)


def _tokens(text: str) -> list:
    return [t for t in TOKEN_RE.findall(text.lower()) if t not in STOPWORDS and len(t) > 1]


def _baseline_text(a: dict) -> str:
    title, text = a.get("title") or "", a.get("text") or ""
    if title and not text.startswith(title):
        return title + "\n" + text
    return text


def _sort_key(a: dict, idx: int):
    p = a.get("published")
    if isinstance(p, (int, float)):
        return (0, float(p) / 1000.0, idx)
    if isinstance(p, str) and p:
        return (0, _parse_rfc3339(p), idx)
    return (1, 0.0, idx)


def _parse_rfc3339(s: str) -> float:
    from datetime import datetime, timezone

    try:
        d = datetime.fromisoformat(s.replace("Z", "+00:00"))
        if d.tzinfo is None:
            d = d.replace(tzinfo=timezone.utc)
        return d.timestamp()
    except ValueError:
        return 0.0


def baseline_cluster(articles: list, threshold: float = 0.3) -> dict:
    """Single pass in publication order (input order when undated).

    Vectors: sublinear tf (1 + log tf) x smoothed idf over the whole input, L2-normalised.
    Each article joins the cluster whose centroid (sum of member vectors) has the highest
    cosine with it if that cosine is >= threshold, else it starts a new cluster.
    Returns article id -> cluster label.
    """
    docs = [Counter(_tokens(_baseline_text(a))) for a in articles]
    n = len(docs)
    df = Counter()
    for d in docs:
        df.update(d.keys())
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
    vecs = []
    for d in docs:
        v = {t: (1.0 + math.log(c)) * idf[t] for t, c in d.items()}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        vecs.append({t: w / norm for t, w in v.items()})

    centroids: list = []  # term -> summed weight
    cnorm2: list = []  # squared norm of each centroid
    postings: dict = defaultdict(set)  # term -> clusters whose centroid has it
    pred = {}
    order = sorted(range(n), key=lambda i: _sort_key(articles[i], i))
    for i in order:
        v = vecs[i]
        dots: dict = defaultdict(float)
        for t, w in v.items():
            for c in postings.get(t, ()):
                dots[c] += w * centroids[c][t]
        best, best_sim = -1, -1.0
        for c, dot in dots.items():
            sim = dot / math.sqrt(cnorm2[c]) if cnorm2[c] > 0 else 0.0
            if sim > best_sim or (sim == best_sim and c < best):
                best, best_sim = c, sim
        if best < 0 or best_sim < threshold or not v:
            best = len(centroids)
            centroids.append({})
            cnorm2.append(0.0)
        cen = centroids[best]
        for t, w in v.items():
            old = cen.get(t, 0.0)
            cen[t] = old + w
            cnorm2[best] += (old + w) ** 2 - old * old
            postings[t].add(best)
        pred[articles[i]["id"]] = f"b{best}"
    return pred


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def write_jsonl(articles: list, path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps(a, ensure_ascii=False))
            f.write("\n")


def run_engine(bin_path: str, input_path: str, work_dir: str, extra: list, timeout: float):
    """Run ``storyline analyze ... --format json --out FILE`` and return (parsed_json, wall_s).

    The JSON is read from FILE; if the engine left FILE absent or empty, its stdout is tried.
    """
    out_path = os.path.join(work_dir, "engine-output.json")
    if os.path.exists(out_path):
        os.remove(out_path)
    cmd = [bin_path, "analyze", input_path, "--format", "json", "--out", out_path] + list(extra)
    err_path = os.path.join(work_dir, "engine-stderr.txt")
    so_path = os.path.join(work_dir, "engine-stdout.txt")
    with open(err_path, "wb") as err, open(so_path, "wb") as so:
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, stdout=so, stderr=err, timeout=timeout)
        wall = time.perf_counter() - t0
    with open(err_path, "rb") as f:
        tail = f.read()[-2000:].decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"engine exited with {proc.returncode}: {' '.join(cmd)}\n{tail}")
    for path in (out_path, so_path):
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path, encoding="utf-8") as f:
                try:
                    doc = json.load(f)
                except json.JSONDecodeError as e:
                    raise RuntimeError(f"engine output {path} is not JSON: {e}") from e
            if not isinstance(doc, dict) or "stories" not in doc:
                raise RuntimeError(f"engine output {path} has no 'stories' key")
            return doc, wall
    raise RuntimeError(
        f"engine exited 0 but wrote no JSON (neither --out file nor stdout): {' '.join(cmd)}\n{tail}")


def resolve_bin(b: str) -> str:
    """Absolute path of the engine: as given, else relative to the repo root, else on PATH."""
    if os.path.isabs(b):
        return b
    if os.path.exists(b):
        return os.path.abspath(b)
    in_repo = os.path.join(REPO_ROOT, b)
    if os.sep in b or os.path.exists(in_repo):
        return in_repo
    return shutil.which(b) or in_repo


def _prepare_dir(keep: bool, name: str) -> tuple[str, bool]:
    if keep:
        d = os.path.join(OUT_DIR, name)
        os.makedirs(d, exist_ok=True)
        return d, False
    return tempfile.mkdtemp(prefix=f"storyline-eval-{name}-"), True


def evaluate(name: str, system: str, args, extra: list, loaded=None) -> dict:
    articles, gold, info = loaded if loaded is not None else LOADERS[name](args.data)
    ids = [a["id"] for a in articles]
    dup_input = [a for a, c in Counter(ids).items() if c > 1]
    if dup_input:
        raise ValueError(f"{name}: duplicate input ids {dup_input[:5]}")
    res = {
        "dataset": name,
        "system": system,
        "articles": len(articles),
        "skipped_empty": info.get("skipped_empty", 0),
        "gold_clusters": len(set(gold.values())),
    }
    if system == "baseline":
        t0 = time.perf_counter()
        pred = baseline_cluster(articles, args.threshold)
        wall = time.perf_counter() - t0
        res["threshold"] = args.threshold
        cov, n_stories, n_errors = Coverage(), len(set(pred.values())), 0
    else:
        work, cleanup = _prepare_dir(args.keep, name)
        try:
            inp = os.path.join(work, f"{name}.jsonl")
            write_jsonl(articles, inp)
            doc, wall = run_engine(args.bin, inp, work, extra, args.timeout)
        finally:
            if cleanup:
                shutil.rmtree(work, ignore_errors=True)
        pred, cov, n_stories = assignment_from_output(doc, ids)
        n_errors = len(doc.get("errors") or [])
        if n_errors:
            res["error_examples"] = (doc.get("errors") or [])[:3]
        res["engine_args"] = extra
    bp, br, bf = bcubed(gold, pred)
    pp, pr, pf = pairwise(gold, pred)
    sizes = Counter(pred.values())
    res.update(
        {
            "pred_clusters": n_stories,
            "pred_singletons": sum(1 for v in sizes.values() if v == 1),
            "bcubed_p": bp,
            "bcubed_r": br,
            "bcubed_f1": bf,
            "pair_p": pp,
            "pair_r": pr,
            "pair_f1": pf,
            "wall_s": wall,
            "articles_per_s": len(articles) / wall if wall > 0 else float("inf"),
            "input_errors": n_errors,
            "missing_ids": len(cov.missing),
            "duplicated_ids": len(cov.duplicated),
            "unknown_ids": len(cov.unknown),
            "coverage_ok": cov.ok(),
        }
    )
    if not cov.ok():
        res["missing_examples"] = cov.missing[:10]
        res["duplicated_examples"] = cov.duplicated[:10]
        res["unknown_examples"] = cov.unknown[:10]
    return res


COLUMNS = [
    ("data", "dataset", "{}"),
    ("system", "system", "{}"),
    ("articles", "articles", "{}"),
    ("gold", "gold_clusters", "{}"),
    ("pred", "pred_clusters", "{}"),
    ("B3 P", "bcubed_p", "{:.3f}"),
    ("B3 R", "bcubed_r", "{:.3f}"),
    ("B3 F1", "bcubed_f1", "{:.3f}"),
    ("pair P", "pair_p", "{:.3f}"),
    ("pair R", "pair_r", "{:.3f}"),
    ("pair F1", "pair_f1", "{:.3f}"),
    ("wall s", "wall_s", "{:.2f}"),
    ("art/s", "articles_per_s", "{:.0f}"),
    ("ids ok", "coverage_ok", "{}"),
]


def format_table(rows: list) -> str:
    head = "| " + " | ".join(c[0] for c in COLUMNS) + " |"
    sep = "|" + "|".join("---" for _ in COLUMNS) + "|"
    lines = [head, sep]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['dataset']} | {r['system']} | error: {r['error'].splitlines()[0]} |")
            continue
        cells = []
        for _, key, fmt in COLUMNS:
            v = r.get(key, "")
            if key == "coverage_ok":
                v = "yes" if v else (
                    f"no (missing {r['missing_ids']}, dup {r['duplicated_ids']}, "
                    f"unknown {r['unknown_ids']})")
                cells.append(v)
            else:
                cells.append(fmt.format(v) if v != "" else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def describe(r: dict) -> str:
    if "error" in r:
        return f"[{r['dataset']}/{r['system']}] ERROR: {r['error']}"
    s = (
        f"[{r['dataset']}/{r['system']}] {r['articles']} articles "
        f"(skipped empty: {r['skipped_empty']}), gold clusters {r['gold_clusters']}, "
        f"predicted {r['pred_clusters']} ({r['pred_singletons']} singletons)\n"
        f"  B-cubed  P {r['bcubed_p']:.4f}  R {r['bcubed_r']:.4f}  F1 {r['bcubed_f1']:.4f}\n"
        f"  pairwise P {r['pair_p']:.4f}  R {r['pair_r']:.4f}  F1 {r['pair_f1']:.4f}\n"
        f"  wall {r['wall_s']:.3f} s, {r['articles_per_s']:.1f} articles/s"
    )
    if r["system"] == "engine":
        s += f", input errors {r['input_errors']}"
    if not r["coverage_ok"]:
        s += (
            f"\n  COVERAGE PROBLEM: missing {r['missing_ids']} {r.get('missing_examples')}, "
            f"duplicated {r['duplicated_ids']} {r.get('duplicated_examples')}, "
            f"unknown {r['unknown_ids']} {r.get('unknown_examples')}"
        )
    return s


# --------------------------------------------------------------------------------------------
# Self-test
# --------------------------------------------------------------------------------------------


def self_test() -> int:
    failures = []

    def close(name, got, want):
        if abs(got - want) > 1e-9:
            failures.append(f"{name}: got {got}, want {want}")

    # gold {a,b,c} {d,e}
    gold = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}
    # 1) pred {a,b} {c,d,e}: B3 P per item 1,1,1/3,2/3,2/3 -> 11/15; R 2/3,2/3,1/3,1,1 -> 11/15
    #    pairs: pred ab,cd,ce,de (4), gold ab,ac,bc,de (4), both ab,de (2) -> P=R=0.5
    pred = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "y"}
    p, r, f = bcubed(gold, pred)
    close("b3 P mixed", p, 11 / 15)
    close("b3 R mixed", r, 11 / 15)
    close("b3 F1 mixed", f, 11 / 15)
    p, r, f = pairwise(gold, pred)
    close("pair P mixed", p, 0.5)
    close("pair R mixed", r, 0.5)
    # 2) everything in one cluster: B3 P = (3*3/5 + 2*2/5)/5 = 13/25, R = 1; pairs P = 4/10
    one = {k: 0 for k in gold}
    p, r, f = bcubed(gold, one)
    close("b3 P one", p, 13 / 25)
    close("b3 R one", r, 1.0)
    close("b3 F1 one", f, 2 * 0.52 / 1.52)
    p, r, _ = pairwise(gold, one)
    close("pair P one", p, 0.4)
    close("pair R one", r, 1.0)
    # 3) all singletons: B3 P = 1, R = (3*1/3 + 2*1/2)/5 = 2/5; pairs P = 1 (none), R = 0
    single = {k: k for k in gold}
    p, r, _ = bcubed(gold, single)
    close("b3 P single", p, 1.0)
    close("b3 R single", r, 0.4)
    p, r, f = pairwise(gold, single)
    close("pair P single", p, 1.0)
    close("pair R single", r, 0.0)
    close("pair F1 single", f, 0.0)
    # 4) perfect
    p, r, f = bcubed(gold, {k: -v for k, v in gold.items()})
    close("b3 F1 perfect", f, 1.0)
    p, r, f = pairwise(gold, {k: -v for k, v in gold.items()})
    close("pair F1 perfect", f, 1.0)
    # 5) unequal: gold {a,b,c,d} {e}; pred {a,b} {c,d,e}
    #    B3 P: a,b 1; c,d 2/3; e 1/3 -> (2 + 4/3 + 1/3)/5 = 11/15
    #    B3 R: a,b 2/4; c,d 2/4; e 1 -> (2 + 1)/5 = 3/5
    g2 = {"a": 1, "b": 1, "c": 1, "d": 1, "e": 2}
    p2 = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 2}
    p, r, f = bcubed(g2, p2)
    close("b3 P unequal", p, 11 / 15)
    close("b3 R unequal", r, 3 / 5)
    close("b3 F1 unequal", f, 2 * (11 / 15) * (3 / 5) / (11 / 15 + 3 / 5))

    # coverage check on a fake engine output: c missing, b duplicated, z unknown
    out = {
        "stories": [
            {"id": "s1", "articles": [{"id": "a"}, {"id": "b"}]},
            {"id": "s2", "articles": [{"id": "b"}, {"id": "d"}, {"id": "e"}, {"id": "z"}]},
        ],
        "errors": [],
    }
    pred, cov, n = assignment_from_output(out, ["a", "b", "c", "d", "e"])
    if cov.missing != ["c"] or cov.duplicated != ["b"] or cov.unknown != ["z"] or n != 2:
        failures.append(f"coverage: {cov} stories {n}")
    if pred["b"] != pred["a"] or pred["c"] in (pred["a"], pred["d"]):
        failures.append(f"coverage assignment: {pred}")
    pred, cov, _ = assignment_from_output(
        {"stories": [{"id": 1, "articles": [{"id": "a"}, {"id": "b"}]}]}, ["a", "b"])
    if not cov.ok():
        failures.append(f"coverage clean: {cov}")

    # baseline on an obvious two-topic toy
    arts = [
        {"id": "1", "title": "Volcano erupts in Iceland", "text": "The volcano erupted, lava flows near the town."},
        {"id": "2", "title": "Football final ends in draw", "text": "The cup final ended in a goalless draw."},
        {"id": "3", "title": "Iceland volcano lava reaches town", "text": "Lava from the erupting volcano reached the town."},
        {"id": "4", "title": "Cup final draw", "text": "A goalless draw in the football cup final."},
    ]
    bp = baseline_cluster(arts, 0.3)
    if not (bp["1"] == bp["3"] and bp["2"] == bp["4"] and bp["1"] != bp["2"]):
        failures.append(f"baseline toy: {bp}")

    # loaders' formats: parse multinews-style literal
    docs = ast.literal_eval("['Title line \\n \\n body', '', 'x']")
    if len(docs) != 3:
        failures.append("literal_eval")

    if failures:
        print("SELF-TEST FAILED")
        for f in failures:
            print("  " + f)
        return 1
    print("self-test passed (B-cubed, pairwise, coverage check, baseline toy)")
    return 0


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = []
    if "--" in argv:
        k = argv.index("--")
        argv, extra = argv[:k], argv[k + 1:]
    ap = argparse.ArgumentParser(
        description="Story-clustering evaluation (B-cubed / pairwise) for storyline analyze.",
        epilog="Arguments after `--` are passed to `storyline analyze` unchanged.",
    )
    ap.add_argument("dataset", nargs="?", choices=DATASETS + ("all",), default=None)
    ap.add_argument("--data", default=DEFAULT_DATA, help=f"data folder (default {DEFAULT_DATA})")
    ap.add_argument("--bin", default=DEFAULT_BIN, help="storyline binary (default target/release/storyline)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--baseline", action="store_true", help="run the naive TF-IDF baseline instead of the engine")
    mode.add_argument("--compare", action="store_true", help="run the engine and the baseline")
    ap.add_argument("--threshold", type=float, default=0.3, help="baseline cosine threshold (default 0.3)")
    ap.add_argument("--json", action="store_true", help="print results as JSON")
    ap.add_argument("--keep", action="store_true", help="write engine inputs/outputs to eval/out/<dataset>/ instead of a temp dir")
    ap.add_argument("--timeout", type=float, default=1800, help="engine timeout per data set, seconds")
    ap.add_argument("--self-test", action="store_true", help="check the metric code and exit")
    args = ap.parse_args(argv)

    if args.self_test:
        return self_test()
    if args.dataset is None:
        ap.error("a dataset (multinews, uci, basil, all) or --self-test is required")
    args.bin = resolve_bin(args.bin)
    systems = ["baseline"] if args.baseline else (["engine", "baseline"] if args.compare else ["engine"])
    if "engine" in systems and not (os.path.isfile(args.bin) and os.access(args.bin, os.X_OK)):
        print(f"error: engine binary not found or not executable: {args.bin}\n"
              f"       build it with `cargo build --release`, pass --bin, or use --baseline",
              file=sys.stderr)
        return 2

    names = list(DATASETS) if args.dataset == "all" else [args.dataset]
    results = []
    failed = False
    for name in names:
        try:
            loaded = LOADERS[name](args.data)
        except Exception as e:  # noqa: BLE001
            for system in systems:
                results.append({"dataset": name, "system": system, "error": f"loading: {e}"})
            failed = True
            continue
        for system in systems:
            try:
                r = evaluate(name, system, args, extra, loaded)
            except Exception as e:  # noqa: BLE001
                r = {"dataset": name, "system": system, "error": str(e)}
                failed = True
            results.append(r)
            if not args.json:
                print(describe(r), flush=True)
            if "error" not in r and not r["coverage_ok"]:
                failed = True

    if args.json:
        print(json.dumps({"results": results}, indent=2))
    else:
        print()
        print(format_table(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
