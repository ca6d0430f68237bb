#!/usr/bin/env python3
"""Sentence-level rewrite detection on MRPC with `storyline pair-score`.

    python3 eval/mrpc.py                 # evaluate the shipped models (10-fold CV + as shipped)
    python3 eval/mrpc.py --fit --write   # refit the pair model on MRPC train and write
                                         # crates/align/src/weights.rs

The data (../shared/data/mrpc/msr_paraphrase_train.txt) is read in place. Its sentences are
PTB-tokenised ("Dominick 's", "<QUOTE>"); they are detokenised into ordinary text first,
since Storyline reads articles as published.

Numbers reported:
- `cv`: 10-fold cross-validated accuracy / F1 of a logistic regression over the features
  `pair-score --features` writes (fitted on 9 folds, scored on the 10th) — the honest estimate
  of the shipped model on unseen pairs;
- `shipped`: accuracy / F1 of `pair-score`'s own verdict (`rewrite`) with the weights in the
  binary. When those weights were fitted on this same file this number is in-sample.
Both with embeddings (when the model is installed) and lexical only.
"""
import argparse
import json
import math
import os
import random
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data", "mrpc", "msr_paraphrase_train.txt")
OUT = os.path.join(ROOT, "eval", "out", "mrpc")
BIN = os.environ.get("STORYLINE_BIN", os.path.join(ROOT, "target", "release", "storyline"))


def detok(s):
    s = s.replace("<QUOTE>", '"')
    s = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", s)
    s = re.sub(r" ([,.;:!?%)\]])", r"\1", s)
    s = re.sub(r"([(\[$]) ", r"\1", s)
    s = re.sub(r'" (.*?) "', r'"\1"', s)
    return s.strip()


def load(path):
    rows = []
    with open(path, encoding="utf-8-sig") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5:
                continue
            rows.append((int(parts[0]), parts[1] + "-" + parts[2], detok(parts[3]), detok(parts[4])))
    return rows


def run_pair_score(rows, embeddings):
    os.makedirs(OUT, exist_ok=True)
    inp = os.path.join(OUT, "pairs.jsonl")
    with open(inp, "w") as f:
        for i, (_, pid, a, b) in enumerate(rows):
            f.write(json.dumps({"id": i, "a": a, "b": b}) + "\n")
    cmd = [BIN, "pair-score", "--input", inp, "--features"]
    if not embeddings:
        cmd.append("--no-embeddings")
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"pair-score failed: {res.stderr}")
    out = [json.loads(l) for l in res.stdout.splitlines() if l.strip()]
    out.sort(key=lambda r: r["id"])
    used_embeddings = "not installed" not in res.stderr and embeddings
    return out, used_embeddings


# --- logistic regression by IRLS (Newton), L2-regularised, no dependencies ---

def solve(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-12:
            continue
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                if f:
                    for k in range(c, n + 1):
                        m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def standardise(X):
    d = len(X[0])
    mean = [sum(x[j] for x in X) / len(X) for j in range(d)]
    scale = []
    for j in range(d):
        v = sum((x[j] - mean[j]) ** 2 for x in X) / len(X)
        scale.append(math.sqrt(v) if v > 1e-12 else 0.0)
    return mean, scale


def fit(X, y, l2=1.0, iters=25):
    mean, scale = standardise(X)
    Z = [[(x[j] - mean[j]) / scale[j] if scale[j] else 0.0 for j in range(len(x))] + [1.0] for x in X]
    d = len(Z[0])
    w = [0.0] * d
    for _ in range(iters):
        g = [0.0] * d
        H = [[0.0] * d for _ in range(d)]
        for z, t in zip(Z, y):
            s = sum(wi * zi for wi, zi in zip(w, z))
            p = 1.0 / (1.0 + math.exp(-max(-30, min(30, s))))
            r = p * (1 - p)
            for i in range(d):
                g[i] += (p - t) * z[i]
                zi = z[i] * r
                Hi = H[i]
                for k in range(i, d):
                    Hi[k] += zi * z[k]
        for i in range(d):
            for k in range(i):
                H[i][k] = H[k][i]
        for i in range(d - 1):
            g[i] += l2 * w[i]
            H[i][i] += l2
        step = solve(H, g)
        w = [wi - si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return {"mean": mean, "scale": scale, "weights": w[:-1], "bias": w[-1]}


def predict(model, x):
    s = model["bias"]
    for j, v in enumerate(x):
        if model["scale"][j]:
            s += model["weights"][j] * (v - model["mean"][j]) / model["scale"][j]
    return 1.0 / (1.0 + math.exp(-max(-30, min(30, s))))


def scores(y, pred):
    tp = sum(1 for t, p in zip(y, pred) if t and p)
    fp = sum(1 for t, p in zip(y, pred) if not t and p)
    fn = sum(1 for t, p in zip(y, pred) if t and not p)
    acc = sum(1 for t, p in zip(y, pred) if t == p) / len(y)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return acc, f1


def cross_validate(X, y, folds=10, seed=13):
    idx = list(range(len(y)))
    random.Random(seed).shuffle(idx)
    pred = [0] * len(y)
    for k in range(folds):
        test = set(idx[k::folds])
        tr = [i for i in idx if i not in test]
        m = fit([X[i] for i in tr], [y[i] for i in tr])
        for i in test:
            pred[i] = 1 if predict(m, X[i]) >= 0.5 else 0
    return scores(y, pred)


def rust_weights(models):
    def arr(v):
        return "[" + ", ".join(f"{x:.6}" for x in v) + "]"
    out = ["//! Learned weights of the sentence-pair model. Generated by `python3 eval/mrpc.py --fit",
           "//! --write` (L2-regularised logistic regression on MRPC train, standardised features);",
           "//! do not edit by hand.", "", "use crate::pair::PairModel;", ""]
    for name, doc, m in models:
        out += [f"/// {doc}", f"pub const {name}: PairModel = PairModel {{",
                f"    mean: {arr(m['mean'])},", f"    scale: {arr(m['scale'])},",
                f"    weights: {arr(m['weights'])},", f"    bias: {m['bias']:.6},", "};", ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fit", action="store_true", help="refit the pair models on all of MRPC train")
    ap.add_argument("--write", action="store_true", help="with --fit: write crates/align/src/weights.rs")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        subprocess.run(["cargo", "build", "--release", "-p", "storyline-cli"], cwd=ROOT, check=True)
    rows = load(DATA)
    y = [r[0] for r in rows]
    print(f"MRPC train: {len(rows)} pairs, {sum(y)} paraphrases")
    results, fitted = {}, []
    for emb in (True, False):
        out, used = run_pair_score(rows, emb)
        label = "embeddings+lexical" if used else "lexical"
        if emb and not used:
            print("(sentence-embedding model not installed: scripts/install-model.sh)")
            continue
        names = out[0]["feature_names"]
        cos = names.index("embedding_cosine")
        X = [list(r["features"]) for r in out]
        if not used:
            for x in X:
                x[cos] = 0.0
        cv_acc, cv_f1 = cross_validate(X, y)
        sh_acc, sh_f1 = scores(y, [1 if r["rewrite"] else 0 for r in out])
        results[label] = {"cv_accuracy": cv_acc, "cv_f1": cv_f1, "shipped_accuracy": sh_acc, "shipped_f1": sh_f1}
        print(f"{label:20} 10-fold CV: accuracy {cv_acc:.4f} F1 {cv_f1:.4f} | "
              f"shipped weights (in-sample when fitted here): accuracy {sh_acc:.4f} F1 {sh_f1:.4f}")
        if args.fit:
            m = fit(X, y)
            fitted.append(("WITH_EMBEDDINGS" if used else "LEXICAL",
                           "Lexical features plus the embedding cosine." if used else
                           "Lexical features only (embedding weight zero).", m))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    if args.fit:
        if len(fitted) == 1:
            fitted.append(("WITH_EMBEDDINGS", "Embedding model absent when fitted: same as lexical.", fitted[0][2]))
        text = rust_weights(fitted)
        if args.write:
            with open(os.path.join(ROOT, "crates", "align", "src", "weights.rs"), "w") as f:
                f.write(text)
            print("wrote crates/align/src/weights.rs (rebuild, then run without --fit)")
        else:
            print(text)


if __name__ == "__main__":
    main()
