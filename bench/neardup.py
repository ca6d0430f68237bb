#!/usr/bin/env python3
"""Near-duplicate stage: Storyline vs datasketch vs rensa, on one generated corpus, in one run.

    python3 -m venv bench/.venv && bench/.venv/bin/pip install datasketch rensa numpy
    cargo build --release -p storyline-dedup --example neardup
    python3 bench/neardup.py                 # 100,000 documents
    python3 bench/neardup.py --n 10000       # quick run while developing

Steps (everything under bench/out/neardup/, git-ignored):

1. **Corpus** (deterministic, ``--seed``): sentences of ``../shared/data/wikiref220/*.txt``
   (read in place, ``readme.txt`` skipped, exact repeats removed) are recombined into base
   documents of 300-500 words. A fraction ``--dup-fraction`` (default 0.3) of the documents are
   variants of a base document: word substitutions, deletions and insertions at one of several
   rates, sentence drops, sentence appends, or none (exact copy). Bases with variants form
   *families*; the file is shuffled. ``corpus.jsonl`` holds ``{"id", "text"}`` per line.
2. **Tokens** (not timed): ``neardup --dump-tokens`` writes each document's Storyline
   fingerprint key (normalised lower-cased word tokens joined by spaces): the truth is computed
   on them, and the "from tokens" runs of the Python tools start from them.
3. **Tools**, each as its own process, one after the other, single-threaded
   (``RAYON_NUM_THREADS=1``, BLAS/OpenMP threads 1), each from a minimal helper interpreter so
   that peak RSS (``getrusage(RUSAGE_CHILDREN).ru_maxrss``) is the tool's own:

   * ``storyline``: ``target/release/examples/neardup`` reads the raw JSONL; its timed stage goes
     from the raw texts in memory to the verified pairs in memory: tokenisation (and the
     exact-copy key), 5-shingles, 126-value signature (one-permutation hashing), LSH candidates
     (42 bands x 3 rows, band keys sorted per band), verification by estimated Jaccard >= 0.5.
   * ``datasketch``: ``MinHashLSH(threshold=0.5, num_perm=126)`` (it picks its own bands x rows:
     25 x 5), ``MinHash(num_perm=126)`` with ``update_batch`` on the UTF-8 shingles; per document:
     query, verify candidates with ``MinHash.jaccard >= 0.5``, insert.
   * ``rensa``: ``RMinHash.from_token_sets`` (batches of 2,000 documents, 126 permutations),
     ``RMinHashLSH(threshold=0.5, num_perm=126, num_bands=42)`` (3 rows, as Storyline),
     ``insert_many`` then ``query_all``, verify candidates with ``RMinHash.jaccard >= 0.5``.

   Each Python tool runs twice (``--inputs raw,tokens``):

   * **raw** (the primary measurement, the same work as Storyline's stage): the timed stage goes
     from the raw texts in memory (the JSONL parsed beforehand, untimed) to the verified pairs in
     memory and includes tokenising in Python: ``WORD_RE.findall(text.lower())`` with
     ``WORD_RE = [^\W_]+(?:(?:(?<=[^\W\d_])'(?=[^\W\d_])|(?<=[0-9])[.,](?=[0-9]))[^\W_]+)*``
     (runs of letters and digits, joined across an apostrophe between letters and across ``.``
     or ``,`` between digits, as ``storyline_text::tokens``), a possessive ``'s`` dropped from
     words longer than two characters, then the 5-shingle strings
     (``" ".join(words[i:i+5])``).
   * **tokens** (secondary, labelled "from tokens"): the timed stage starts from Storyline's
     normalised token strings (read from the token file, untimed) and only splits them on
     spaces before building the shingle strings. Storyline's stage still tokenises raw text, so
     it does strictly more work than these runs.
4. **Truth**: the true 5-shingle Jaccard (exact sets of the same tokens) of every pair within a
   family and of every pair any tool reported. True duplicate pairs are those with Jaccard >= 0.5.
   Precision = reported pairs that are true / reported; recall = true pairs reported / all true
   pairs.

Speed is docs / CPU time of the timed stage (``time.process_time()`` in Python, the thread's
``/proc/thread-self/schedstat`` in Rust; all tools are single-threaded, so CPU time <= wall time),
because the benchmark machine may be shared; the stage's wall time is shown too.

Results: a table on stdout and ``bench/out/neardup.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import hashlib
import json
import os
import random
import re
import shlex
import subprocess
import sys
import time

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
DEFAULT_DATA = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "data"))
DEFAULT_BIN = os.path.join(REPO_ROOT, "target", "release", "examples", "neardup")
OUT_DIR = os.path.join(SCRIPT_DIR, "out")
WORK_DIR = os.path.join(OUT_DIR, "neardup")
VENV_PY = os.path.join(SCRIPT_DIR, ".venv", "bin", "python")
CORPUS_VERSION = 1

NUM_PERM = 126
BANDS, ROWS = 42, 3
THRESHOLD = 0.5
SHINGLE = 5

SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(\[A-Z0-9])")
# Word-edit rates of the variants (fraction of words edited: substituted, deleted or inserted).
EDIT_RATES = [0.0, 0.01, 0.02, 0.03, 0.05, 0.07, 0.09, 0.12, 0.16]
TOOLS = ["storyline", "datasketch", "rensa"]


# --------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------


def load_sentences(data_dir: str) -> list:
    folder = os.path.join(data_dir, "wikiref220")
    files = sorted(f for f in glob.glob(os.path.join(folder, "*.txt"))
                   if os.path.basename(f).lower() != "readme.txt")
    if not files:
        raise FileNotFoundError(f"no WikiRef220 .txt files under {folder}")
    seen, out = set(), []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            raw = f.read().replace("\r\n", "\n").replace("\r", "\n")
        for para in re.split(r"\n\s*\n|\n", raw):
            for s in SENT_SPLIT.split(para.strip()):
                s = " ".join(s.split())
                if len(s.split()) >= 5 and s not in seen:
                    seen.add(s)
                    out.append(s)
    return out


def make_base(rng: random.Random, sents: list) -> list:
    """A base document: a list of sentences, 300-500 words in all."""
    target = rng.randint(300, 500)
    doc, words = [], 0
    while words < target:
        s = sents[rng.randrange(len(sents))]
        doc.append(s)
        words += len(s.split())
    return doc


def make_variant(rng: random.Random, base: list, sents: list, vocab: list) -> tuple:
    """A near-copy of ``base``; returns (text, description of the edits)."""
    doc = list(base)
    rate = rng.choice(EDIT_RATES)
    drops = rng.choice([0, 0, 0, 1, 1, 2, 3])
    appends = rng.choice([0, 0, 0, 1, 2])
    for _ in range(min(drops, len(doc) - 1)):
        del doc[rng.randrange(len(doc))]
    for _ in range(appends):
        doc.append(sents[rng.randrange(len(sents))])
    words = " ".join(doc).split()
    if rate > 0:
        out = []
        for w in words:
            if rng.random() < rate:
                op = rng.random()
                if op < 0.5:
                    out.append(rng.choice(vocab))  # substitution
                elif op < 0.75:
                    pass  # deletion
                else:
                    out.append(w)
                    out.append(rng.choice(vocab))  # insertion
            else:
                out.append(w)
        words = out
    return " ".join(words), {"rate": rate, "drops": drops, "appends": appends}


def corpus_params(args, sents: list) -> dict:
    h = hashlib.sha256()
    for s in sents:
        h.update(s.encode())
    return {"version": CORPUS_VERSION, "n": args.n, "seed": args.seed,
            "dup_fraction": args.dup_fraction, "source_sha256": h.hexdigest()}


def build_corpus(args, corpus: str) -> dict:
    sents = load_sentences(args.data)
    params = corpus_params(args, sents)
    meta_path = os.path.join(WORK_DIR, "corpus.meta.json")
    if not args.regen and os.path.exists(corpus) and os.path.exists(meta_path):
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
        if meta.get("params") == params and os.path.getsize(corpus) == meta.get("bytes"):
            return meta

    rng = random.Random(args.seed)
    vocab = sorted({w.strip(".,;:!?\"'()[]").lower() for s in sents for w in s.split()} - {""})
    n_var = int(round(args.n * args.dup_fraction))
    n_base = args.n - n_var
    bases = [make_base(rng, sents) for _ in range(n_base)]
    # Variants pick their base among the first n_fam bases, so families have 1, 2, 3... variants.
    n_fam = max(1, int(n_var / 1.6))
    docs = [(" ".join(b), b_i, None) for b_i, b in enumerate(bases)]
    edits = {}
    for _ in range(n_var):
        b_i = rng.randrange(n_fam)
        text, e = make_variant(rng, bases[b_i], sents, vocab)
        docs.append((text, b_i, e))
        key = f"rate={e['rate']:.2f} drops={e['drops']} appends={e['appends']}"
        edits[key] = edits.get(key, 0) + 1
    order = list(range(len(docs)))
    rng.shuffle(order)
    families: dict = {}
    os.makedirs(WORK_DIR, exist_ok=True)
    tmp = corpus + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for new_i, old_i in enumerate(order):
            text, b_i, _ = docs[old_i]
            families.setdefault(b_i, []).append(new_i)
            f.write(json.dumps({"id": f"d{new_i:07d}", "text": text}, ensure_ascii=False))
            f.write("\n")
    os.replace(tmp, corpus)
    fams = sorted(sorted(v) for v in families.values() if len(v) > 1)
    with open(os.path.join(WORK_DIR, "families.json"), "w", encoding="utf-8") as f:
        json.dump(fams, f)
    words = [len(d[0].split()) for d in docs]
    meta = {
        "params": params,
        "docs": len(docs),
        "base_docs": n_base,
        "variants": n_var,
        "families": len(fams),
        "sentences_in_pool": len(sents),
        "words_mean": sum(words) / len(words),
        "words_min": min(words),
        "words_max": max(words),
        "bytes": os.path.getsize(corpus),
    }
    with open(meta_path, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
    return meta


# --------------------------------------------------------------------------------------------
# Workers (run in their own process by the venv Python)
# --------------------------------------------------------------------------------------------


def read_tokens(path: str) -> list:
    """One string per document: its normalised tokens joined by single spaces."""
    with open(path, encoding="utf-8") as f:
        return [ln.rstrip("\n") for ln in f]


# Raw-text tokenisation in Python, consistent with Storyline's word tokens
# (`storyline_text::tokens`): runs of letters and digits, joined across an apostrophe between two
# letters and across "." or "," between two ASCII digits; lower-cased; a possessive "'s" dropped
# from a token longer than two characters.
WORD_RE = re.compile(r"[^\W_]+(?:(?:(?<=[^\W\d_])'(?=[^\W\d_])|(?<=[0-9])[.,](?=[0-9]))[^\W_]+)*")


def words_of_text(text: str) -> list:
    """Raw text -> normalised words, as a data team would do it in Python."""
    return [w[:-2] if len(w) > 2 and w.endswith("'s") else w for w in WORD_RE.findall(text.lower())]


def words_of_tokens(line: str) -> list:
    """A pre-normalised token line (``neardup --dump-tokens``) -> words."""
    return line.split()


def read_texts(path: str) -> list:
    with open(path, encoding="utf-8") as f:
        return [json.loads(ln)["text"] for ln in f if ln.strip()]


def shingles_of(line: str, words_of=words_of_tokens) -> list:
    """Word 5-shingles as strings; as Storyline: a text shorter than one shingle is one shingle."""
    words = words_of(line)
    if not words:
        return []
    if len(words) <= SHINGLE:
        return [" ".join(words)]
    return [" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


def hwm_mib() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def worker_datasketch(docs: list, words_of) -> dict:
    from datasketch import MinHash, MinHashLSH
    import datasketch
    perf = time.perf_counter
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    template = MinHash(num_perm=NUM_PERM, seed=1)
    perms = template.permutations
    sigs, pairs = [], []
    t_sh = t_sig = t_lsh = 0.0
    candidates = 0
    c_stage = time.process_time()
    t_stage = perf()
    for i, line in enumerate(docs):
        t0 = perf()
        sh = [s.encode("utf-8") for s in shingles_of(line, words_of)]
        t1 = perf()
        m = MinHash(num_perm=NUM_PERM, seed=1, permutations=perms, scheme=template.scheme)
        m.update_batch(sh)
        t2 = perf()
        cands = lsh.query(m)
        candidates += len(cands)
        for c in cands:
            j = m.jaccard(sigs[c])
            if j >= THRESHOLD:
                pairs.append((c, i, j))
        lsh.insert(i, m, check_duplication=False)
        sigs.append(m)
        t3 = perf()
        t_sh += t1 - t0
        t_sig += t2 - t1
        t_lsh += t3 - t2
    stage = perf() - t_stage
    stage_cpu = time.process_time() - c_stage
    return {"stage_s": stage, "stage_cpu_s": stage_cpu, "pairs": pairs, "candidates": candidates,
            "parts_s": {"words_shingles": t_sh, "signature": t_sig, "lsh_verify": t_lsh},
            "bands": lsh.b, "rows": lsh.r, "version": datasketch.__version__}


def worker_rensa(docs: list, words_of) -> dict:
    import rensa
    from rensa import RMinHash, RMinHashLSH
    perf = time.perf_counter
    batch = 2000
    t_sh = t_sig = 0.0
    c_stage = time.process_time()
    t_stage = perf()
    sigs = []
    for s in range(0, len(docs), batch):
        t0 = perf()
        sh = [shingles_of(w, words_of) for w in docs[s:s + batch]]
        t1 = perf()
        sigs.extend(RMinHash.from_token_sets(sh, num_perm=NUM_PERM, seed=42))
        t2 = perf()
        t_sh += t1 - t0
        t_sig += t2 - t1
    t2 = perf()
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=BANDS)
    lsh.insert_many(sigs)
    cand_lists = lsh.query_all(sigs)
    pairs = []
    candidates = 0
    for i, cands in enumerate(cand_lists):
        m = sigs[i]
        for c in cands:
            if c < i:
                candidates += 1
                j = m.jaccard(sigs[c])
                if j >= THRESHOLD:
                    pairs.append((c, i, j))
    t3 = perf()
    stage = perf() - t_stage
    stage_cpu = time.process_time() - c_stage
    try:
        from importlib.metadata import version
        ver = version("rensa")
    except Exception:  # noqa: BLE001
        ver = getattr(rensa, "__version__", "?")
    return {"stage_s": stage, "stage_cpu_s": stage_cpu, "pairs": pairs, "candidates": candidates,
            "parts_s": {"words_shingles": t_sh, "signature": t_sig, "lsh_verify": t3 - t2},
            "bands": lsh.get_num_bands(), "rows": NUM_PERM // lsh.get_num_bands(), "version": ver}


def worker_main(args) -> int:
    t0 = time.perf_counter()
    if args.input == "raw":
        docs, words_of = read_texts(args.corpus), words_of_text
    else:
        docs, words_of = read_tokens(args.tokens), words_of_tokens
    read_s = time.perf_counter() - t0
    input_hwm = hwm_mib()
    fn = {"datasketch": worker_datasketch, "rensa": worker_rensa}[args.worker]
    res = fn(docs, words_of)
    res["input"] = args.input
    pairs = res.pop("pairs")
    with open(args.pairs, "w", encoding="utf-8") as f:
        for a, b, j in pairs:
            f.write(f"{a}\t{b}\t{j:.4f}\n")
    res.update({"tool": args.worker, "docs": len(docs), "read_s": read_s, "pairs": len(pairs),
                "num_perm": NUM_PERM, "threshold": THRESHOLD, "threads": 1,
                "input_hwm_mib": input_hwm})
    with open(args.stats, "w", encoding="utf-8") as f:
        json.dump(res, f, indent=2)
    return 0


# --------------------------------------------------------------------------------------------
# Truth
# --------------------------------------------------------------------------------------------


class Shingler:
    """Exact 5-shingle sets of the dumped tokens as sorted uint64 arrays (word ids mixed)."""

    def __init__(self, tokens_path: str):
        import numpy as np
        self.np = np
        vocab: dict = {}
        self.docs = []
        with open(tokens_path, encoding="utf-8") as f:
            for ln in f:
                ws = ln.split()
                self.docs.append(np.fromiter((vocab.setdefault(w, len(vocab) + 1) for w in ws),
                                             dtype=np.uint64, count=len(ws)))
        self.cache: dict = {}

    def get(self, i: int):
        s = self.cache.get(i)
        if s is None:
            np = self.np
            ids = self.docs[i]
            if len(ids) == 0:
                s = ids
            else:
                k = min(SHINGLE, len(ids))
                n = len(ids) - k + 1
                h = np.zeros(n, dtype=np.uint64)
                with np.errstate(over="ignore"):
                    for j in range(k):
                        h = (h ^ ids[j:j + n]) * np.uint64(0x9E3779B97F4A7C15)
                        h ^= h >> np.uint64(29)
                s = np.unique(h)
            self.cache[i] = s
        return s

    def jaccard(self, a: int, b: int) -> float:
        sa, sb = self.get(a), self.get(b)
        if len(sa) == 0 and len(sb) == 0:
            return 1.0
        inter = len(self.np.intersect1d(sa, sb, assume_unique=True))
        return inter / (len(sa) + len(sb) - inter)


def read_pairs(path: str) -> set:
    out = set()
    with open(path, encoding="utf-8") as f:
        for ln in f:
            a, b, _ = ln.split("\t")
            a, b = int(a), int(b)
            out.add((a, b) if a < b else (b, a))
    return out


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def single_thread_env() -> dict:
    env = dict(os.environ)
    for k in ("RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "NUMEXPR_NUM_THREADS"):
        env[k] = "1"
    return env


def run_measured(cmd: list, timeout: float) -> dict:
    import throughput  # same folder: the fork-from-a-tiny-helper RSS measurement
    old = dict(os.environ)
    os.environ.update(single_thread_env())
    try:
        return throughput.run_once(cmd, timeout)
    finally:
        os.environ.clear()
        os.environ.update(old)


def main(argv=None) -> int:
    global WORK_DIR
    ap = argparse.ArgumentParser(description="Near-duplicate stage: Storyline vs datasketch vs rensa.")
    ap.add_argument("--n", type=int, default=100_000, help="documents (default 100000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dup-fraction", type=float, default=0.3,
                    help="fraction of documents that are variants of a base document (default 0.3)")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--bin", default=DEFAULT_BIN, help="the neardup example binary")
    ap.add_argument("--python", default=VENV_PY, help="Python with datasketch and rensa (bench/.venv)")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS))
    ap.add_argument("--inputs", default="raw,tokens",
                    help="what the Python tools start from: raw (raw text, tokenised in the timed "
                         "stage), tokens (Storyline's normalised tokens, untimed); default both")
    ap.add_argument("--work-dir", default=None,
                    help="where the corpus, tokens and pairs go (default bench/out/neardup)")
    ap.add_argument("--regen", action="store_true", help="rebuild the corpus even if cached")
    ap.add_argument("--gen-only", action="store_true")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--out", default=os.path.join(OUT_DIR, "neardup.json"))
    # worker mode (internal)
    ap.add_argument("--worker", choices=["datasketch", "rensa"], help=argparse.SUPPRESS)
    ap.add_argument("--tokens", help=argparse.SUPPRESS)
    ap.add_argument("--input", choices=["raw", "tokens"], default="tokens", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--pairs", help=argparse.SUPPRESS)
    ap.add_argument("--stats", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    WORK_DIR = args.work_dir or WORK_DIR
    if args.worker:
        return worker_main(args)
    try:
        import numpy  # noqa: F401  (the truth computation needs it)
    except ImportError:
        if os.path.exists(args.python) and not os.environ.get("NEARDUP_REEXEC"):
            argv = list(sys.argv[1:] if argv is None else argv)
            os.environ["NEARDUP_REEXEC"] = "1"
            os.execv(args.python, [args.python, os.path.abspath(__file__)] + argv)
        print("error: numpy is missing; create the venv with\n"
              "  python3 -m venv bench/.venv && bench/.venv/bin/pip install datasketch rensa numpy",
              file=sys.stderr)
        return 2

    sys.path.insert(0, SCRIPT_DIR)
    import throughput

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    bad = [t for t in tools if t not in TOOLS]
    if bad:
        ap.error(f"unknown tools {bad}")
    binary = args.bin
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"error: {binary} not found; build it with\n"
              f"  cargo build --release -p storyline-dedup --example neardup", file=sys.stderr)
        return 2
    py_tools = [t for t in tools if t != "storyline"]
    if py_tools:
        if not os.path.exists(args.python):
            print(f"error: {args.python} not found; create it with\n"
                  f"  python3 -m venv bench/.venv && bench/.venv/bin/pip install datasketch rensa numpy",
                  file=sys.stderr)
            return 2
        for mod in ["numpy"] + py_tools:
            r = subprocess.run([args.python, "-c", f"import {mod}"], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"error: `{mod}` is not importable by {args.python}: {r.stderr.strip()[-300:]}\n"
                      f"  install it with {args.python} -m pip install {mod}", file=sys.stderr)
                return 2

    corpus = os.path.join(WORK_DIR, "corpus.jsonl")
    t0 = time.perf_counter()
    meta = build_corpus(args, corpus)
    print(f"corpus: {corpus}: {meta['docs']} docs ({meta['base_docs']} base, {meta['variants']} "
          f"variants in {meta['families']} families), {meta['words_mean']:.0f} words/doc "
          f"[{meta['words_min']}-{meta['words_max']}], {meta['bytes'] / 2**20:.1f} MiB, "
          f"{meta['sentences_in_pool']} distinct sentences ({time.perf_counter() - t0:.1f} s)", flush=True)
    if args.gen_only:
        return 0
    n = meta["docs"]

    tokens = os.path.join(WORK_DIR, "tokens.txt")
    t0 = time.perf_counter()
    subprocess.run([binary, corpus, "--dump-tokens", tokens], check=True)
    print(f"tokens: {tokens} ({time.perf_counter() - t0:.1f} s, not timed)", flush=True)
    floor = throughput.rss_floor()

    inputs = [x.strip() for x in args.inputs.split(",") if x.strip()]
    if any(x not in ("raw", "tokens") for x in inputs):
        ap.error(f"unknown inputs {inputs}")
    # (row name, tool, input): Storyline always starts from the raw text; each Python tool once
    # from the raw text (primary measurement) and once from the pre-normalised tokens.
    runs = []
    for tool in tools:
        if tool == "storyline":
            runs.append((tool, tool, "raw"))
        else:
            for inp in inputs:
                runs.append((tool if inp == "raw" else f"{tool} (from tokens)", tool, inp))
    results = {}
    for name, tool, inp in runs:
        tag = tool if inp == "raw" else f"{tool}.tokens"
        pairs_path = os.path.join(WORK_DIR, f"pairs.{tag}.tsv")
        stats_path = os.path.join(WORK_DIR, f"stats.{tag}.json")
        for p in (pairs_path, stats_path):
            if os.path.exists(p):
                os.remove(p)
        if tool == "storyline":
            cmd = [os.path.abspath(binary), corpus, "--pairs", pairs_path, "--stats", stats_path]
        else:
            src = ["--corpus", corpus] if inp == "raw" else ["--tokens", tokens]
            cmd = [os.path.abspath(args.python), os.path.abspath(__file__), "--worker", tool,
                   "--input", inp] + src + ["--pairs", pairs_path, "--stats", stats_path]
        print(f"running {name}: {shlex.join(cmd)}", flush=True)
        m = run_measured(cmd, args.timeout)
        with open(stats_path, encoding="utf-8") as f:
            st = json.load(f)
        st.update(m)
        st.pop("stderr_tail", None)
        st["docs_per_s_wall"] = n / st["stage_s"]
        st["docs_per_s"] = n / st["stage_cpu_s"]
        st["pairs_path"] = pairs_path
        st["input"] = inp
        results[name] = st
        print(f"  {name}: stage {st['stage_s']:.2f} s wall, {st['stage_cpu_s']:.2f} s CPU "
              f"({st['docs_per_s']:.0f} docs/s of CPU), process wall "
              f"{st['wall_s']:.2f} s, user {st['user_s']:.2f} s, peak RSS {st['peak_rss_mib']:.1f} MiB, "
              f"{st['pairs']} pairs", flush=True)

    # Truth: exact Jaccard of family pairs and of every reported pair.
    t0 = time.perf_counter()
    sh = Shingler(tokens)
    with open(os.path.join(WORK_DIR, "families.json"), encoding="utf-8") as f:
        fams = json.load(f)
    reported = {t: read_pairs(r["pairs_path"]) for t, r in results.items()}
    to_check = set()
    for fam in fams:
        for x in range(len(fam)):
            for y in range(x + 1, len(fam)):
                to_check.add((fam[x], fam[y]))
    fam_set = set(to_check)
    fam_pairs = len(fam_set)
    for s in reported.values():
        to_check |= s
    # Sorted by first document, so a document's shingle set is mostly built once.
    jac = {}
    for a, b in sorted(to_check):
        jac[(a, b)] = sh.jaccard(a, b)
        if len(sh.cache) > 20000:
            sh.cache.clear()
    truth = {p for p, j in jac.items() if j >= THRESHOLD}
    truth_outside = len(truth - fam_set)
    hist = [0] * 10
    for (p, j) in jac.items():
        if p in fam_set:
            hist[min(9, int(j * 10))] += 1
    print(f"truth: {len(truth)} pairs with true Jaccard >= {THRESHOLD} ({fam_pairs} family pairs "
          f"checked, {len(to_check) - fam_pairs} more reported pairs checked, {truth_outside} true pairs "
          f"outside families) ({time.perf_counter() - t0:.1f} s)", flush=True)
    print("family pairs by true Jaccard decile: " +
          ", ".join(f"{k / 10:.1f}-: {c}" for k, c in enumerate(hist)), flush=True)

    base = results.get("datasketch")  # datasketch from the raw text
    for t, r in results.items():
        rep = reported[t]
        tp = len(rep & truth)
        r["precision"] = tp / len(rep) if rep else 1.0
        r["recall"] = tp / len(truth) if truth else 1.0
        r["true_positives"] = tp
        r["speed_vs_datasketch"] = (base["stage_cpu_s"] / r["stage_cpu_s"]) if base else None
        r["speed_vs_datasketch_wall"] = (base["stage_s"] / r["stage_s"]) if base else None
        # Recall by true-Jaccard band, to see where the misses are.
        bands = {}
        for lo, hi in ((0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)):
            tt = [p for p in truth if lo <= jac[p] < hi]
            bands[f"{lo:.1f}-{min(hi, 1.0):.1f}"] = (sum(1 for p in tt if p in rep) / len(tt)) if tt else None
        r["recall_by_jaccard"] = bands

    print()
    print(f"{n} documents, {len(truth)} true duplicate pairs (5-shingle Jaccard >= {THRESHOLD}), "
          f"single thread, {os.cpu_count()} x {throughput.cpu_name()}")
    sl = results.get("storyline")
    hdr = ("| tool | timed stage starts from | bands x rows | stage CPU s | stage wall s | docs/s (CPU) | "
           "speed vs datasketch (raw text) | Storyline speed-up vs this row | process wall s | "
           "peak RSS MiB | pairs found | precision | recall |")
    print(hdr)
    print("|" + "---|" * 13)
    for t, r in results.items():
        ratio = f"{r['speed_vs_datasketch']:.1f}x" if r["speed_vs_datasketch"] else "-"
        vs = f"{r['stage_cpu_s'] / sl['stage_cpu_s']:.1f}x" if sl else "-"
        start = "raw text" if r["input"] == "raw" else "normalised tokens (untimed)"
        print(f"| {t} | {start} | {r['bands']} x {r['rows']} | {r['stage_cpu_s']:.2f} | {r['stage_s']:.2f} | "
              f"{r['docs_per_s']:,.0f} | {ratio} | {vs} | {r['wall_s']:.2f} | {r['peak_rss_mib']:.0f} | "
              f"{r['pairs']:,} | {r['precision']:.4f} | {r['recall']:.4f} |")
    print()
    print("parts of the timed stage (wall s): " + "; ".join(
        f"{t}: " + ", ".join(f"{k} {v:.2f}" for k, v in r["parts_s"].items()) for t, r in results.items()))
    print("recall by true Jaccard: " + "; ".join(
        f"{t}: " + ", ".join(f"{k} {v:.4f}" for k, v in r["recall_by_jaccard"].items() if v is not None)
        for t, r in results.items()))

    out = {
        "date": dt.date.today().isoformat(),
        "git": throughput.git_rev(),
        "cpu": throughput.cpu_name(),
        "cores": os.cpu_count(),
        "threads": 1,
        "rss_floor_mib": floor,
        "corpus": meta,
        "params": {"num_perm": NUM_PERM, "threshold": THRESHOLD, "shingle": SHINGLE,
                   "storyline_bands_rows": [BANDS, ROWS]},
        "truth": {"pairs": len(truth), "family_pairs_checked": fam_pairs,
                  "reported_pairs_checked": len(to_check) - fam_pairs,
                  "true_pairs_outside_families": truth_outside,
                  "family_pairs_by_jaccard_decile": hist},
        "tools": results,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
    print(f"\nwritten {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
