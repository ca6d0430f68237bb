#!/usr/bin/env python3
"""Stance detection on FNC-1 with `storyline stance`: does a body agree with, disagree with,
discuss, or ignore (unrelated) a headline claim?

    eval/.venv/bin/python eval/stance.py                 # grouped CV + the shipped model
    eval/.venv/bin/python eval/stance.py --fit --write   # refit on all labelled pairs and
                                                         # write crates/analyse/src/stance/weights.rs
    (--no-build: use the binary as it is; --bin PATH: another binary; --reuse: read the
     features of an earlier run from eval/out/stance/)

Data, read in place: ../shared/data/fnc1/dev_bodies.csv and dev_stances.csv (13,154 labelled
pairs over 452 bodies). Only the dev stances are labelled (train_bodies.csv has no stances),
so every number here is cross-validated on dev:

- `cv`: 10-fold cross-validation **grouped by Body ID** (no body in both the training and the
  test folds; GroupKFold). Everything learned is learned inside the training folds only: the
  standardiser, the classifier and the word lexicon. The lexicon scores the classifier is
  trained on are themselves out-of-fold (5-fold inner GroupKFold over the training folds),
  as they will be for unseen pairs.
- `cv-topic`: the same grouped by *topic*: connected components of the graph linking each
  related pair's body and headline (106 topics), so no claim story is in both sides either —
  stricter, since the lexicon can otherwise learn words of a topic whose bodies mostly agree.
- `shipped`: the verdicts of `storyline stance` with the weights in the binary. Once
  `--fit --write` has run these weights were fitted on all of dev: **in-sample, not an
  estimate** (a check that Rust evaluates the model as scikit-learn does).

The shipped weights (`--fit --write`) are fitted on all 13,154 dev pairs with the lexicon
learned the same way (out-of-fold lexicon scores for the classifier, the lexicon itself from
all of dev).

Features (`storyline stance --features`, crates/analyse/src/stance.rs): relatedness (TF-IDF
cosine, the share of the claim's IDF mass found in the body / in its lead / in its best
sentence, the best and top-3 MRPC paraphrase probability of claim vs body sentences, best
IDF stem Dice, claim names and numbers found), polarity and hedging (negations in the claim,
the three best-matching "near" sentences and the body, negation parity of claim vs best
sentence, question marks, quoted share) and three lexicon scores. The lexicon: a multinomial
logistic regression (agree / disagree / discuss, class-balanced) over binary word presence
in three regions — the claim, the near sentences, the whole body — fitted on the related
pairs; the `TOP` heaviest words per region are kept and their weights written to Rust.

Scores printed: accuracy per class (recall), the confusion matrix, the FNC-1 weighted score
(+0.25 for getting related/unrelated right, +0.75 more for the right related class; shown as
a share of the best possible), macro-F1 over the four classes, and accuracy. Baselines:
majority class (all unrelated), and relatedness only (the same classifier on the relatedness
features deciding related/unrelated, every related pair called `discuss`, the commonest).
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data", "fnc1")
OUT = os.path.join(ROOT, "eval", "out", "stance")
WEIGHTS = os.path.join(ROOT, "crates", "analyse", "src", "stance", "weights.rs")
LABELS = ["agree", "disagree", "discuss", "unrelated"]
RELATED = LABELS[:3]
REGIONS = ["claim", "near", "body"]
REL_COLS = list(range(12))  # the relatedness features (see FEATURE_NAMES)
TOP = 150           # lexicon words kept per region
LEX_C = 0.1         # inverse L2 strength of the lexicon regression
MIN_DF = 5          # a word must occur in this many related training pairs to be learned
FOLDS = 10
HIDDEN = 16
SEED = 0


def load():
    bodies = {}
    with open(os.path.join(DATA, "dev_bodies.csv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            bodies[r["Body ID"]] = r["articleBody"]
    rows = []
    with open(os.path.join(DATA, "dev_stances.csv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rows.append((r["Headline"], r["Body ID"], r["Stance"]))
    return bodies, rows


def run_stance(binary, bodies, rows, features, reuse):
    os.makedirs(OUT, exist_ok=True)
    out_path = os.path.join(OUT, "features.jsonl" if features else "stances.jsonl")
    if not (reuse and os.path.exists(out_path)):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            for i, (h, b, _) in enumerate(rows):
                f.write(json.dumps({"id": i, "claim": h, "body": bodies[b]}) + "\n")
            inp = f.name
        cmd = [binary, "stance", "--input", inp, "--out", out_path] + (["--features"] if features else [])
        res = subprocess.run(cmd, capture_output=True, text=True)
        os.unlink(inp)
        if res.returncode != 0:
            sys.exit(f"stance failed: {res.stderr}")
    out = [json.loads(l) for l in open(out_path) if l.strip()]
    out.sort(key=lambda r: r["id"])
    return out


def topics(rows):
    """Group of each pair: the connected component of its body in the graph joining the body
    and headline of every related pair."""
    parent = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for h, b, s in rows:
        if s != "unrelated":
            parent[find("b" + b)] = find("h" + h)
    names = {}
    return [names.setdefault(find("b" + b), len(names)) for _, b, _ in rows]


class Lexicon:
    """Word presence per region -> (agree, disagree, discuss) logits, the TOP words per region.

    `M` is the binary pair x (region, word) matrix of all pairs (`keys` its columns); a fit
    reads only the rows it is given."""

    def __init__(self, M, keys):
        self.M, self.keys = M, keys

    def fit(self, idx, y):
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        rel = np.array([i for i in idx if y[i] < 3])
        X = self.M[rel]
        df = np.asarray(X.sum(axis=0)).ravel()
        cols = np.flatnonzero(df >= MIN_DF)
        m = LogisticRegression(C=LEX_C, class_weight="balanced", max_iter=300, tol=1e-3)
        m.fit(X[:, cols], y[rel])
        coef = m.coef_.T  # (cols, 3)
        W = np.zeros((self.M.shape[1], 3))
        region = np.array([self.keys[c][0] for c in cols])
        strength = np.abs(coef).max(axis=1)
        for r in range(len(REGIONS)):
            mine = np.flatnonzero(region == r)
            keep = mine[np.argsort(-strength[mine], kind="stable")[:TOP]]
            W[cols[keep]] = coef[keep]
        self.W = W
        return self

    @property
    def lex(self):
        import numpy as np
        return {self.keys[c]: self.W[c] for c in np.flatnonzero(np.abs(self.W).sum(axis=1) > 0)}

    def scores(self, idx):
        return self.M[idx] @ self.W


def word_matrix(words):
    """The binary pair x (region, word) matrix over alphabetic words, and its columns."""
    from scipy import sparse
    vocab, ri, ci = {}, [], []
    for row, w in enumerate(words):
        for r, reg in enumerate(REGIONS):
            for t in w[reg]:
                if t.isalpha():
                    ri.append(row)
                    ci.append(vocab.setdefault((r, t), len(vocab)))
    M = sparse.csr_matrix(([1.0] * len(ri), (ri, ci)), shape=(len(words), len(vocab)))
    return M, list(vocab)


def make_model(kind, y):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    if kind == "lr-balanced":
        clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000)
    else:
        clf = LogisticRegression(C=1.0, max_iter=5000)
    return make_pipeline(StandardScaler(), clf)


class TwoStage:
    """Related or not (logistic regression on the relatedness features, all pairs), then
    agree / disagree / discuss (on all features, related pairs only). P(unrelated) = 1 - p,
    P(stance) = p * q(stance); the verdict is unrelated when P(unrelated) >= 0.5, else the
    most probable stance."""

    def __init__(self, kind, cols):
        self.kind, self.cols = kind, cols

    def fit(self, X, y):
        import numpy as np
        self.rel = make_model("lr", None).fit(X[:, REL_COLS], (y != 3).astype(int))
        r = y != 3
        self.st = make_model(self.kind, y[r]).fit(X[r][:, self.cols], y[r])
        return self

    def proba(self, X):
        import numpy as np
        p = self.rel.predict_proba(X[:, REL_COLS])[:, 1]
        q = self.st.predict_proba(X[:, self.cols])
        return np.column_stack([p[:, None] * q, 1 - p])

    def predict(self, X):
        import numpy as np
        P = self.proba(X)
        return np.where(P[:, 3] >= 0.5, 3, P[:, :3].argmax(axis=1))


def with_lexicon(X, lexdata, y, groups, train, inner_folds=5):
    """Training-fold feature matrix whose lexicon columns are out-of-fold, and the lexicon
    fitted on all of `train`."""
    import numpy as np
    from sklearn.model_selection import GroupKFold
    lexicon = Lexicon(*lexdata)
    Xt = X[train].copy()
    g = np.asarray(groups)[train]
    for a, b in GroupKFold(inner_folds).split(train, groups=g):
        lx = Lexicon(*lexdata).fit(train[a], y)
        Xt[b, -3:] = lx.scores(train[b])
    lexicon.fit(train, y)
    return Xt, lexicon


def cross_validate(X, y, lexdata, groups, kind, cols, lexicon_on):
    import numpy as np
    from sklearn.model_selection import GroupKFold
    pred = np.zeros(len(y), dtype=int)
    for train, test in GroupKFold(FOLDS).split(X, y, groups):
        if lexicon_on:
            Xt, lex = with_lexicon(X, lexdata, y, groups, train)
            Xs = X[test].copy()
            Xs[:, -3:] = lex.scores(test)
        else:
            Xt, Xs = X[train], X[test]
        pred[test] = TwoStage(kind, cols).fit(Xt, y[train]).predict(Xs)
    return pred


def relatedness_only(X, y, groups):
    """Related vs unrelated on the relatedness features; related pairs called discuss."""
    import numpy as np
    from sklearn.model_selection import GroupKFold
    yr = (y != 3).astype(int)
    pred = np.zeros(len(y), dtype=int)
    for train, test in GroupKFold(FOLDS).split(X, y, groups):
        m = make_model("lr", None).fit(X[train][:, REL_COLS], yr[train])
        pred[test] = np.where(m.predict(X[test][:, REL_COLS]) == 1, 2, 3)
    return pred


def metrics(y, pred):
    import numpy as np
    from sklearn.metrics import confusion_matrix, f1_score
    cm = confusion_matrix(y, pred, labels=range(4))
    per_class = {LABELS[k]: float(cm[k, k] / max(cm[k].sum(), 1)) for k in range(4)}
    score = 0.0
    for t, p in zip(y, pred):
        if (t == 3) == (p == 3):
            score += 0.25
        if t == p and t != 3:
            score += 0.75
    best = 0.25 * (y == 3).sum() + 1.0 * (y != 3).sum()
    related = y != 3
    return {
        "accuracy": float((y == pred).mean()),
        "per_class": per_class,
        "fnc_score": float(score), "fnc_max": float(best), "fnc_relative": float(score / best),
        "macro_f1": float(f1_score(y, pred, labels=range(4), average="macro", zero_division=0)),
        "related_accuracy": float(((y == 3) == (pred == 3)).mean()),
        "stance_accuracy_on_related": float((y[related] == pred[related]).mean()),
        "confusion": cm.tolist(),
    }


def show(name, m, confusion=False):
    pc = " ".join(f"{k} {v:.3f}" for k, v in m["per_class"].items())
    print(f"{name:34} acc {m['accuracy']:.4f} | {pc} | FNC {m['fnc_relative']:.4f} "
          f"({m['fnc_score']:.1f}/{m['fnc_max']:.1f}) | macro-F1 {m['macro_f1']:.4f} | "
          f"rel/unrel {m['related_accuracy']:.4f} | stance|related {m['stance_accuracy_on_related']:.4f}")
    if confusion:
        print("    confusion (rows gold, columns predicted: " + ", ".join(LABELS) + ")")
        for k, r in enumerate(m["confusion"]):
            print(f"    {LABELS[k]:10} " + " ".join(f"{v:6d}" for v in r))


def export_linear(model, cols, n, classes):
    """A fitted scaler + logistic regression over columns `cols` of the n features, as rows of
    class weights (a binary regression as the rows [0, w])."""
    sc, clf = model[0], model[1]
    mean, scale = [0.0] * n, [0.0] * n
    for k, j in enumerate(cols):
        mean[j], scale[j] = float(sc.mean_[k]), float(sc.scale_[k])
    coef, bias = clf.coef_, list(clf.intercept_)
    if classes == 2:
        coef, bias = [[0.0] * len(cols), coef[0]], [0.0, bias[0]]
    rows = []
    for c in range(classes):
        row = [0.0] * n
        for k, j in enumerate(cols):
            row[j] = float(coef[c][k])
        rows.append(row)
    return {"mean": mean, "scale": scale, "weights": rows, "bias": [float(b) for b in bias]}


def rust_weights(model, n, lex, kind, cv_line):
    def arr(v):
        return "[" + ", ".join(f"{x:.6}" for x in v) + "]"

    def linear(name, m):
        return [f"    {name}: LinearModel {{", f"        mean: {arr(m['mean'])},",
                f"        scale: {arr(m['scale'])},",
                "        weights: &[" + ", ".join(arr(r) for r in m["weights"]) + "],",
                f"        bias: &{arr(m['bias'])},", "    },"]
    out = ["//! Learned weights of the stance classifier. Generated by `eval/stance.py --fit --write`",
           f"//! (two logistic regressions, stance stage `{kind}`, and the word lexicon), fitted on",
           "//! all 13,154 labelled FNC-1 dev pairs. Body-grouped 10-fold CV (eval/README.md):",
           f"//! {cv_line}. Do not edit by hand.", "",
           "use super::{LinearModel, StanceModel};", "",
           "/// The stance classifier.",
           "pub const MODEL: StanceModel = StanceModel {"]
    out += linear("related", export_linear(model.rel, REL_COLS, n, 2))
    out += linear("stance", export_linear(model.st, model.cols, n, 3))
    out += ["};", "",
            "/// The learned lexicon: (region: 0 claim, 1 near sentences, 2 body; word; weights",
            "/// towards agree / disagree / discuss).",
            "pub const LEXICON: &[(u8, &str, [f32; 3])] = &["]
    for (r, w), v in sorted(lex.items()):
        out.append(f"    ({r}, {json.dumps(w)}, {arr(v)}),")
    out += ["];", ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fit", action="store_true", help="refit on all labelled pairs")
    ap.add_argument("--write", action="store_true", help=f"with --fit: write {os.path.relpath(WEIGHTS, ROOT)}")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build first")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "storyline"))
    ap.add_argument("--reuse", action="store_true", help="reuse the features of an earlier run")
    ap.add_argument("--model", default="lr-balanced", choices=["lr", "lr-balanced"],
                    help="the classifier shipped with --fit (all are cross-validated)")
    ap.add_argument("--quick", action="store_true", help="only the shipped kind, body-grouped")
    ap.add_argument("--json", action="store_true", help="also write eval/out/stance/results.json")
    args = ap.parse_args()
    try:
        import numpy as np
    except ImportError:
        sys.exit("needs numpy and scikit-learn: python3 -m venv eval/.venv && "
                 "eval/.venv/bin/pip install numpy scikit-learn")
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "storyline-cli"], cwd=ROOT, check=True)
    bodies, rows = load()
    y = np.array([LABELS.index(s) for _, _, s in rows])
    print(f"FNC-1 dev: {len(rows)} pairs, {len(bodies)} bodies; "
          + ", ".join(f"{l} {(y == k).sum()}" for k, l in enumerate(LABELS)))
    feats = run_stance(args.bin, bodies, rows, True, args.reuse)
    names = feats[0]["feature_names"]
    X = np.array([r["features"] for r in feats], dtype=float)
    lexdata = word_matrix([r["words"] for r in feats])
    n = X.shape[1]
    assert names[-3:] == ["lex_agree", "lex_disagree", "lex_discuss"], names
    body_groups = [b for _, b, _ in rows]
    topic_groups = topics(rows)
    all_cols = list(range(n))
    no_lex = list(range(n - 3))
    results = {}

    def record(name, pred, confusion=False):
        m = metrics(y, pred)
        results[name] = m
        show(name, m, confusion)
        return m

    record("majority (all unrelated)", np.full(len(y), 3))
    record("relatedness only (cv)", relatedness_only(X, y, body_groups))
    kinds = [args.model] if args.quick else ["lr", "lr-balanced"]
    for kind in kinds:
        if not args.quick:
            record(f"{kind}, no lexicon (cv)", cross_validate(X, y, lexdata, body_groups, kind, no_lex, False))
        record(f"{kind} (cv)", cross_validate(X, y, lexdata, body_groups, kind, all_cols, True),
               confusion=kind == args.model)
    if not args.quick:
        record(f"{args.model} (cv-topic)",
               cross_validate(X, y, lexdata, topic_groups, args.model, all_cols, True), confusion=True)
    shipped = run_stance(args.bin, bodies, rows, False, False)
    record("shipped verdicts (in-sample if fitted here)",
           np.array([LABELS.index(r["stance"]) for r in shipped]))
    if args.json:
        with open(os.path.join(OUT, "results.json"), "w") as f:
            json.dump(results, f, indent=2)
    if args.fit:
        train = np.arange(len(y))
        Xt, lex = with_lexicon(X, lexdata, y, body_groups, train)
        model = TwoStage(args.model, all_cols).fit(Xt, y)
        cv = results[f"{args.model} (cv)"]
        cv_line = (f"accuracy {cv['accuracy']:.3f}, FNC {cv['fnc_relative']:.3f}, macro-F1 {cv['macro_f1']:.3f}")
        text = rust_weights(model, n, lex.lex, args.model, cv_line)
        if args.write:
            with open(WEIGHTS, "w") as f:
                f.write(text)
            print(f"wrote {os.path.relpath(WEIGHTS, ROOT)} (rebuild, then run without --fit)")
        else:
            print(text)
        # Top lexicon words, for reading.
        for r, reg in enumerate(REGIONS):
            items = [(w, v) for (rr, w), v in lex.lex.items() if rr == r]
            for k, lab in enumerate(RELATED):
                top = sorted(items, key=lambda t: -(t[1][k] - max(t[1][j] for j in range(3) if j != k)))[:12]
                print(f"  {reg:5} {lab:8}: " + " ".join(w for w, _ in top))


if __name__ == "__main__":
    main()
