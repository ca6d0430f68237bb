#!/usr/bin/env python3
"""Whole-process throughput benchmark for Storyline (standard library only).

Builds a synthetic corpus by repeating the 220 WikiRef220 articles until it holds at least
``--n`` articles (default 20,000), writes it as JSONL to ``bench/out/corpus.jsonl``, then times

    storyline analyze bench/out/corpus.jsonl --format json --out /dev/null

(or ``storyline extract ...`` with ``--extract``) and reports wall time, articles/s, peak RSS
of the child process and its user/sys CPU time. With ``--runs K`` the command is run K times
and the median of each measure is reported. The last line printed is a Markdown table row for
bench/README.md.

Corpus: repeat 0 is the original articles; repeat k >= 1 varies each article deterministically
(``random.Random(k)``): about a fifth are exact copies of the original text, the rest drop one
sentence, swap two sentences or do both. Every article gets a unique id, URL and a fake
publication date spread over 60 days; sources rotate over 40 fake outlets; the order of the whole
file is shuffled with a fixed seed. The corpus is regenerated only when its parameters change.

Examples::

    python3 bench/throughput.py                       # 20,000 articles, 1 run
    python3 bench/throughput.py --n 50000 --runs 3
    python3 bench/throughput.py --extract
    python3 bench/throughput.py --gen-only            # only build the corpus
    python3 bench/throughput.py -- --threads 1        # extra flags for the engine
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import hashlib
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
DEFAULT_DATA = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "data"))
DEFAULT_BIN = os.path.join(REPO_ROOT, "target", "release", "storyline")
OUT_DIR = os.path.join(SCRIPT_DIR, "out")
CORPUS_VERSION = 1  # bump when the generator changes so cached corpora are rebuilt

SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(\[A-Z0-9])")
BASE_DATE = dt.datetime(2015, 11, 1, tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------


def load_wikiref(data_dir: str) -> list:
    """(name, title, body) for each WikiRef220 article, sorted by file name."""
    folder = os.path.join(data_dir, "wikiref220")
    files = sorted(
        f for f in glob.glob(os.path.join(folder, "*.txt"))
        if os.path.basename(f).lower() != "readme.txt"
    )
    if not files:
        raise FileNotFoundError(f"no WikiRef220 .txt files under {folder}")
    out = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            raw = f.read().replace("\r\n", "\n").replace("\r", "\n")
        lines = raw.split("\n")
        k = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
        title = lines[k].strip() if lines else ""
        body = "\n".join(lines[k + 1:]).strip()
        if not body:  # single-line file: keep everything as text
            body = raw.strip()
        out.append((os.path.splitext(os.path.basename(path))[0], title, body))
    return out


def _paragraph_sentences(body: str) -> list:
    """Body as a list of paragraphs, each a list of sentences."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    return [[s for s in SENT_SPLIT.split(p) if s.strip()] for p in paras]


def _join(paras: list) -> str:
    return "\n\n".join(" ".join(p) for p in paras if p)


def vary(body: str, rng: random.Random) -> tuple[str, str]:
    """Deterministic light variation of ``body``; returns (kind, new_body)."""
    paras = _paragraph_sentences(body)
    slots = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
    roll = rng.random()
    if roll < 0.2 or len(slots) < 3:
        return "exact", body
    paras = [list(p) for p in paras]
    kind = "drop" if roll < 0.55 else ("swap" if roll < 0.85 else "drop+swap")
    if "swap" in kind:
        k = rng.randrange(len(slots) - 1)
        (i1, j1), (i2, j2) = slots[k], slots[k + 1]
        paras[i1][j1], paras[i2][j2] = paras[i2][j2], paras[i1][j1]
    if "drop" in kind:
        i, j = slots[rng.randrange(len(slots))]
        del paras[i][j]
    return kind, _join(paras)


def corpus_params(args, base: list) -> dict:
    h = hashlib.sha256()
    for name, title, body in base:
        h.update(name.encode())
        h.update(title.encode())
        h.update(body.encode())
    return {"version": CORPUS_VERSION, "n": args.n, "seed": args.seed, "source_sha256": h.hexdigest()}


def build_corpus(args, path: str) -> dict:
    base = load_wikiref(args.data)
    params = corpus_params(args, base)
    meta_path = path + ".meta.json"
    if not args.regen and os.path.exists(path) and os.path.exists(meta_path):
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
        if meta.get("params") == params and os.path.getsize(path) == meta.get("bytes"):
            return meta

    repeats = -(-args.n // len(base))  # ceil
    kinds: dict = {}
    records = []
    for k in range(repeats):
        rng = random.Random(k)
        for i, (name, title, body) in enumerate(base):
            if k == 0:
                kind, text = "original", body
            else:
                kind, text = vary(body, rng)
            kinds[kind] = kinds.get(kind, 0) + 1
            when = BASE_DATE + dt.timedelta(seconds=rng.randrange(60 * 86400))
            src = f"outlet{(i * 7 + k) % 40:02d}.example"
            aid = f"w{k:04d}-{i:03d}"
            records.append({
                "id": aid,
                "title": title,
                "text": text,
                "url": f"https://{src}/{k}/{i}/{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}",
                "source": src,
                "published": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "author": f"Reporter {(i + k) % 97}",
            })
    random.Random(args.seed).shuffle(records)

    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False))
            f.write("\n")
    os.replace(tmp, path)
    meta = {
        "params": params,
        "articles": len(records),
        "base_articles": len(base),
        "repeats": repeats,
        "variants": kinds,
        "bytes": os.path.getsize(path),
    }
    with open(meta_path, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
    return meta


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


# The engine is started by a minimal helper interpreter (python3 -I -S), not by this process:
# on Linux a child's ru_maxrss also counts the memory of the process it was forked from (until
# exec), so forking from this script (which may hold the whole corpus) would inflate the peak
# RSS. The helper forks from ~5 MiB; `rss_floor` below measures that floor with /bin/true.
_HELPER = r"""
import os, sys, time
cmd = sys.argv[1:]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.execv(cmd[0], cmd)
    except BaseException as e:
        os.write(2, ("cannot run %r: %s\n" % (cmd[0], e)).encode())
    os._exit(127)
_, status = os.waitpid(pid, 0)
wall = time.perf_counter() - t0
import json, resource
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall_s": wall, "exit": os.waitstatus_to_exitcode(status),
                  "user_s": ru.ru_utime, "sys_s": ru.ru_stime, "maxrss": ru.ru_maxrss}))
"""


def run_once(cmd: list, timeout: float) -> dict:
    """Run ``cmd`` once under the helper; wall time, CPU user/sys and peak RSS of the child.

    Peak RSS is ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` taken in the helper after it
    waited for its only child (KiB on Linux, converted to MiB).
    """
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", _HELPER] + cmd,
                                stdout=subprocess.PIPE, stderr=err, start_new_session=True)
        try:
            so, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the helper and the engine it started
            except ProcessLookupError:
                pass
            proc.communicate()
            raise RuntimeError(f"timed out after {timeout:.0f} s: {shlex.join(cmd)}")
        err.seek(0)
        tail = err.read()[-3000:].decode("utf-8", "replace")
    try:
        res = json.loads(so.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RuntimeError(f"measuring helper failed (status {proc.returncode}): {shlex.join(cmd)}\n{tail}")
    if res["exit"] != 0:
        raise RuntimeError(f"exit status {res['exit']}: {shlex.join(cmd)}\n{tail}")
    rss_kib = res["maxrss"] if sys.platform != "darwin" else res["maxrss"] / 1024
    return {
        "wall_s": res["wall_s"],
        "user_s": res["user_s"],
        "sys_s": res["sys_s"],
        "peak_rss_mib": rss_kib / 1024.0,
        "stderr_tail": tail,
    }


def rss_floor() -> float | None:
    """Peak RSS (MiB) the helper reports for /bin/true: the floor of the RSS measurement."""
    true = shutil.which("true")
    if not true:
        return None
    try:
        return run_once([true], 30)["peak_rss_mib"]
    except RuntimeError:
        return None


def git_rev() -> str:
    try:
        r = subprocess.run(["git", "-C", REPO_ROOT, "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True, timeout=10)
        rev = r.stdout.strip() or "?"
        d = subprocess.run(["git", "-C", REPO_ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, timeout=10)
        return rev + ("+dirty" if d.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "?"


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for ln in f:
                if ln.startswith("model name"):
                    return ln.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


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


def check_output(path: str, expected: int) -> str:
    """Light sanity check of an analyze JSON output: every article placed once."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    ids = [a["id"] for s in doc.get("stories", []) for a in s.get("articles", [])]
    uniq = len(set(ids))
    errs = len(doc.get("errors") or [])
    ok = uniq == len(ids) == expected
    return (f"output check: {len(doc.get('stories', []))} stories, {len(ids)} placements, "
            f"{uniq} distinct ids, {errs} input errors, expected {expected} -> "
            f"{'OK' if ok else 'MISMATCH'}")


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
        description="Whole-process throughput benchmark of `storyline analyze` / `extract`.",
        epilog="Arguments after `--` are appended to the engine command line.",
    )
    ap.add_argument("--data", default=DEFAULT_DATA, help=f"data folder (default {DEFAULT_DATA})")
    ap.add_argument("--bin", default=DEFAULT_BIN, help="storyline binary (default target/release/storyline)")
    ap.add_argument("--n", type=int, default=20000, help="minimum number of articles (default 20000)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the file-order shuffle (default 0)")
    ap.add_argument("--corpus", default=None, help="corpus path (default bench/out/corpus.jsonl)")
    ap.add_argument("--regen", action="store_true", help="rebuild the corpus even if it is cached")
    ap.add_argument("--gen-only", action="store_true", help="build the corpus and stop")
    ap.add_argument("--runs", type=int, default=1, help="timed runs; the median is reported (default 1)")
    ap.add_argument("--warmup", type=int, default=0, help="untimed runs first (default 0)")
    ap.add_argument("--extract", action="store_true", help="time `storyline extract` instead of `analyze`")
    ap.add_argument("--out", default="/dev/null",
                    help="the engine's --out (default /dev/null); a real file is sanity-checked")
    ap.add_argument("--format", default="json", help="the engine's --format (default json)")
    ap.add_argument("--engine-args", default=None,
                    help="replace the whole engine argument list (shell words; {corpus} and {out} "
                         "are substituted), e.g. \"extract {corpus} --out {out}\"")
    ap.add_argument("--timeout", type=float, default=3600, help="per-run timeout, seconds")
    ap.add_argument("--json", action="store_true", help="print the result as JSON too")
    args = ap.parse_args(argv)
    if args.n < 1 or args.runs < 1:
        ap.error("--n and --runs must be positive")

    corpus = os.path.abspath(args.corpus) if args.corpus else os.path.join(OUT_DIR, "corpus.jsonl")
    t0 = time.perf_counter()
    meta = build_corpus(args, corpus)
    print(f"corpus: {corpus}: {meta['articles']} articles from {meta['base_articles']} x "
          f"{meta['repeats']} repeats, {meta['bytes'] / 2**20:.1f} MiB, variants {meta['variants']} "
          f"({time.perf_counter() - t0:.1f} s)", flush=True)
    if args.gen_only:
        return 0

    binary = resolve_bin(args.bin)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"error: engine binary not found or not executable: {binary}\n"
              f"       build it with `cargo build --release` or pass --bin", file=sys.stderr)
        return 2
    sub = "extract" if args.extract else "analyze"
    out = args.out if args.out == "/dev/null" else os.path.abspath(args.out)
    if args.engine_args:
        rest = [w.replace("{corpus}", corpus).replace("{out}", out) for w in shlex.split(args.engine_args)]
    else:
        rest = [sub, corpus, "--format", args.format, "--out", out]
    cmd = [binary] + rest + extra
    print(f"command: {shlex.join(cmd)}", flush=True)

    floor = rss_floor()
    if floor is not None:
        print(f"RSS floor of the measuring helper (/bin/true): {floor:.1f} MiB", flush=True)
    for w in range(args.warmup):
        run_once(cmd, args.timeout)
    runs = []
    for r in range(args.runs):
        try:
            m = run_once(cmd, args.timeout)
        except RuntimeError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        m["articles_per_s"] = meta["articles"] / m["wall_s"]
        runs.append(m)
        print(f"run {r + 1}/{args.runs}: wall {m['wall_s']:.2f} s, {m['articles_per_s']:.0f} articles/s, "
              f"peak RSS {m['peak_rss_mib']:.1f} MiB, user {m['user_s']:.2f} s, sys {m['sys_s']:.2f} s",
              flush=True)
    if out != "/dev/null" and not args.extract and not args.engine_args and os.path.exists(out):
        try:
            print(check_output(out, meta["articles"]))
        except (OSError, ValueError, KeyError, TypeError) as e:
            print(f"output check: could not read {out}: {e}")

    med = {k: statistics.median(r[k] for r in runs)
           for k in ("wall_s", "articles_per_s", "peak_rss_mib", "user_s", "sys_s")}
    result = {
        "command": sub if not args.engine_args else rest[0],
        "articles": meta["articles"],
        "corpus_mib": meta["bytes"] / 2**20,
        "runs": args.runs,
        "median": med,
        "all_runs": [{k: v for k, v in r.items() if k != "stderr_tail"} for r in runs],
        "git": git_rev(),
        "date": dt.date.today().isoformat(),
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "engine_args": rest[1:] + extra,
        "rss_floor_mib": floor,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    print()
    print("| date | commit | command | articles | runs | wall s (median) | articles/s | "
          "peak RSS MiB | user s | sys s | machine |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    flags = (" " + " ".join(extra)) if extra else ""
    print(f"| {result['date']} | {result['git']} | {result['command']}{flags} | {meta['articles']} | "
          f"{args.runs} | {med['wall_s']:.2f} | {med['articles_per_s']:.0f} | {med['peak_rss_mib']:.1f} | "
          f"{med['user_s']:.2f} | {med['sys_s']:.2f} | {result['cores']} x {result['cpu']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
