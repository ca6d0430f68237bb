#!/usr/bin/env python3
"""Sentence-level rewrite detection on MRPC with `storyline pair-score`.

    python3 -m venv eval/.venv && eval/.venv/bin/pip install numpy scikit-learn
    eval/.venv/bin/python eval/mrpc.py                # 10-fold CV + shipped verdicts
    eval/.venv/bin/python eval/mrpc.py --fit --write  # refit on all of MRPC train and write
                                                      # crates/align/src/weights.rs
    (--reuse: read eval/out/mrpc/scores-*.jsonl from an earlier run instead of rerunning
     pair-score, which takes minutes with embeddings on a small CPU)

The data (../shared/data/mrpc/msr_paraphrase_train.txt) is read in place. Its sentences are
PTB-tokenised ("Dominick 's", "<QUOTE>"); they are detokenised into ordinary text first,
since Storyline reads articles as published.

The features are the ones `pair-score --features` writes (crates/align/src/pair.rs): lexical
overlap, BLEU n-gram precisions, word edit distance, names/numbers/negation, and with the
embedding model the sentence cosine plus BERTScore-style greedy matching of MiniLM's
contextual word-piece vectors. Three models are fitted, by the inputs available:
`LEXICAL` (no model installed), `WITH_EMBEDDINGS` (sentence vectors only: passage
alignment, crates/align/src/align.rs) and `WITH_TOKENS` (pair-score). Each is a
one-hidden-layer perceptron (16 ReLU units, L2 alpha 3, scikit-learn's MLPClassifier,
seed 0) over standardised features; its parameters are written to Rust and evaluated there.

Numbers reported, per model:
- `cv`: 10-fold cross-validated accuracy / F1 (KFold, shuffled, seed 13; the scaler and the
  network fitted on 9 folds, scored on the 10th) - the honest estimate on unseen pairs.
  The architecture and alpha were chosen by this same CV (train only; test never read);
- `shipped`: accuracy / F1 of `pair-score`'s own verdict (`rewrite`) with the weights in
  the binary: in-sample when those weights were fitted on this file (a check that Rust
  evaluates the model as scikit-learn does, not an estimate).
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data", "mrpc", "msr_paraphrase_train.txt")
OUT = os.path.join(ROOT, "eval", "out", "mrpc")
BIN = os.environ.get("STORYLINE_BIN", os.path.join(ROOT, "target", "release", "storyline"))

HIDDEN = 16
ALPHA = 3.0
SEED = 0


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


def run_pair_score(rows, embeddings, reuse):
    os.makedirs(OUT, exist_ok=True)
    inp = os.path.join(OUT, "pairs.jsonl")
    out_path = os.path.join(OUT, "scores-emb.jsonl" if embeddings else "scores-lex.jsonl")
    if not (reuse and os.path.exists(out_path)):
        with open(inp, "w") as f:
            for i, (_, pid, a, b) in enumerate(rows):
                f.write(json.dumps({"id": i, "a": a, "b": b}) + "\n")
        cmd = [BIN, "pair-score", "--input", inp, "--features", "--out", out_path]
        if not embeddings:
            cmd.append("--no-embeddings")
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit(f"pair-score failed: {res.stderr}")
    out = [json.loads(l) for l in open(out_path) if l.strip()]
    out.sort(key=lambda r: r["id"])
    names = next(r["feature_names"] for r in out if "feature_names" in r)
    used = embeddings and any(r["features"][names.index("embedding_cosine")] != 0 for r in out)
    return out, names, used


def scores(y, pred):
    from sklearn.metrics import accuracy_score, f1_score
    return accuracy_score(y, pred), f1_score(y, pred)


def make_model():
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    return make_pipeline(StandardScaler(),
                         MLPClassifier((HIDDEN,), alpha=ALPHA, max_iter=3000, random_state=SEED))


def cross_validate(X, y):
    from sklearn.model_selection import KFold, cross_val_predict
    pred = cross_val_predict(make_model(), X, y, cv=KFold(10, shuffle=True, random_state=13))
    return scores(y, pred)


def export(model, cols, n):
    """Parameters of a fitted pipeline over columns `cols` of the n features, as PairModel."""
    sc, mlp = model[0], model[1]
    mean, scale = [0.0] * n, [0.0] * n
    for k, j in enumerate(cols):
        mean[j], scale[j] = float(sc.mean_[k]), float(sc.scale_[k])
    w1, b1 = mlp.coefs_[0], mlp.intercepts_[0]
    hidden = []
    for h in range(w1.shape[1]):
        row = [0.0] * n
        for k, j in enumerate(cols):
            row[j] = float(w1[k, h])
        hidden.append(row)
    return {"mean": mean, "scale": scale, "hidden": hidden, "hidden_bias": [float(b) for b in b1],
            "weights": [float(w) for w in mlp.coefs_[1][:, 0]], "bias": float(mlp.intercepts_[1][0])}


def rust_weights(models):
    def arr(v):
        return "[" + ", ".join(f"{x:.6}" for x in v) + "]"
    out = ["//! Learned weights of the sentence-pair model. Generated by `eval/mrpc.py --fit --write`",
           f"//! (a perceptron with {HIDDEN} ReLU units over standardised features, fitted on MRPC",
           "//! train; see that script for the cross-validated accuracy); do not edit by hand.", "",
           "use crate::pair::PairModel;", ""]
    for name, doc, m in models:
        out += [f"/// {doc}", f"pub const {name}: PairModel = PairModel {{",
                f"    mean: {arr(m['mean'])},", f"    scale: {arr(m['scale'])},",
                "    hidden: &[" + ", ".join(arr(r) for r in m["hidden"]) + "],",
                f"    hidden_bias: &{arr(m['hidden_bias'])},",
                f"    weights: &{arr(m['weights'])},", f"    bias: {m['bias']:.6},", "};", ""]
    return "\n".join(out)


TIERS = [
    ("WITH_TOKENS", "embeddings+tokens", "Lexical features, sentence cosine and word-piece matching (pair-score)."),
    ("WITH_EMBEDDINGS", "embeddings", "Lexical features plus the sentence-embedding cosine (passage alignment)."),
    ("LEXICAL", "lexical", "Lexical features only (no embedding model)."),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fit", action="store_true", help="refit the pair models on all of MRPC train")
    ap.add_argument("--write", action="store_true", help="with --fit: write crates/align/src/weights.rs")
    ap.add_argument("--reuse", action="store_true", help="reuse pair-score outputs of an earlier run")
    args = ap.parse_args()
    try:
        import numpy as np
    except ImportError:
        sys.exit("needs numpy and scikit-learn: python3 -m venv eval/.venv && "
                 "eval/.venv/bin/pip install numpy scikit-learn")
    if not os.path.exists(BIN):
        subprocess.run(["cargo", "build", "--release", "-p", "storyline-cli"], cwd=ROOT, check=True)
    rows = load(DATA)
    y = np.array([r[0] for r in rows])
    print(f"MRPC train: {len(rows)} pairs, {int(y.sum())} paraphrases")
    emb_out, names, used = run_pair_score(rows, True, args.reuse)
    lex_out, _, _ = run_pair_score(rows, False, args.reuse)
    if not used:
        print("(sentence-embedding model not installed: scripts/install-model.sh)")
    X = np.array([r["features"] for r in emb_out], dtype=float)
    n = X.shape[1]
    emb_start, tok_start = names.index("embedding_cosine"), names.index("embedding_cosine") + 1
    cols = {"WITH_TOKENS": list(range(n)), "WITH_EMBEDDINGS": list(range(tok_start)),
            "LEXICAL": list(range(emb_start))}
    shipped = {"WITH_TOKENS": emb_out, "LEXICAL": lex_out}
    results, fitted = {}, []
    for name, label, doc in TIERS:
        if name != "LEXICAL" and not used:
            continue
        Xc = X[:, cols[name]]
        cv_acc, cv_f1 = cross_validate(Xc, y)
        res = {"features": len(cols[name]), "cv_accuracy": cv_acc, "cv_f1": cv_f1}
        line = f"{label:18} ({len(cols[name])} features) 10-fold CV: accuracy {cv_acc:.4f} F1 {cv_f1:.4f}"
        if name in shipped:
            sh_acc, sh_f1 = scores(y, [1 if r["rewrite"] else 0 for r in shipped[name]])
            res.update(shipped_accuracy=sh_acc, shipped_f1=sh_f1)
            line += f" | shipped verdicts (in-sample when fitted here): accuracy {sh_acc:.4f} F1 {sh_f1:.4f}"
        results[label] = res
        print(line, flush=True)
        if args.fit:
            m = make_model().fit(Xc, y)
            fitted.append((name, doc, export(m, cols[name], n)))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    if args.fit:
        have = {f[0] for f in fitted}
        lex = next(f for f in fitted if f[0] == "LEXICAL")
        for name, _, _ in TIERS:
            if name not in have:
                fitted.append((name, "Embedding model absent when fitted: same as lexical.", lex[2]))
        text = rust_weights(fitted)
        if args.write:
            with open(os.path.join(ROOT, "crates", "align", "src", "weights.rs"), "w") as f:
                f.write(text)
            print("wrote crates/align/src/weights.rs (rebuild, then run without --fit)")
        else:
            print(text)


if __name__ == "__main__":
    main()
