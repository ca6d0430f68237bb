#!/usr/bin/env python3
"""Score ``storyline quotes`` on PolNeAR (train and dev, read in place).

Every PolNeAR document is written (to a temporary folder) as one JSONL record
``{"id": <name>, "text": <file text>}``; the release binary runs ``storyline quotes`` over it and
``storyline extract`` (for the text as read, so the character offsets it reports can be mapped
back onto the original file: reading only drops or collapses whitespace).

Gold (see ``eval/polnear.py``): each attribution's Content is classified by the share of its
non-space characters inside double quotation marks: **direct** (≥ 0.5), **mixed** (> 0 and
< 0.5: an indirect report with a quoted fragment), **indirect** (0).

* **Quote spans.** A predicted quote *matches* a gold Content when one of its parts overlaps one
  of the Content's spans by at least one non-space character. Recall = direct gold quotes matched
  by some prediction / direct gold quotes. Precision (strict) = predictions matching a direct gold
  quote / predictions; precision (lenient) also accepts a prediction matching a mixed Content.
* **Speakers**, on direct gold quotes that are matched and have a gold Source, using the
  prediction with the largest overlap:
  - *mention*: the predicted speaker mention overlaps the gold Source span;
  - *entity* (the headline speaker accuracy): the gold Source is classified as a **name** (it has
    a capitalised word that is not a pronoun or a function word), a **pronoun** (he, she, they, I,
    we, it) or a **nominal** ("the campaign"). For a name, a content word of the predicted speaker
    must occur in the Source ("Graham" ~ "Sen. Lindsey Graham (R-SC)"). For a pronoun, PolNeAR
    has no coreference, so its referent is approximated by the nearest preceding gold Source in
    the document that is a name, and a content word of the predicted speaker must occur in that
    referent; with no such referent the mention rule is used. For a nominal, the mention rule or a
    shared content word counts.
  - *pronoun resolution*: among those, gold Sources that are he/she with a referent: the share
    whose predicted speaker is a resolved name matching the referent (an unresolved "he" fails).
* Documents annotated by several annotators are scored once (first annotator, sorted).

Usage::

    python3 eval/quotes.py                  # builds the release binary, scores train and dev
    python3 eval/quotes.py --split dev --errors 20   # print some misses / wrong speakers
    python3 eval/quotes.py --no-build --bin target/release/storyline

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import polnear  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PRONOUNS = {"he", "she", "they", "i", "we", "it", "him", "her", "them"}
FUNCTION = {
    "the", "a", "an", "of", "for", "in", "on", "at", "and", "or", "to", "with", "by", "from",
    "his", "her", "their", "its", "our", "my", "mr", "mrs", "ms", "dr", "sen", "rep", "gov",
    "president", "senator", "former", "also", "who", "that", "this", "these", "those",
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*")


def words(s: str) -> list[str]:
    out = []
    for w in WORD.findall(s or ""):
        w = re.sub(r"(['’]s|['’])$", "", w).strip(".").lower()
        if w:
            out.append(w)
    return out


def content_words(s: str) -> set[str]:
    return {w for w in words(s) if w not in FUNCTION and w not in PRONOUNS and len(w) > 1}


def source_class(src: str) -> str:
    ws = src.strip()
    if ws.lower() in PRONOUNS:
        return "pronoun"
    for w in WORD.findall(ws):
        lw = w.lower().strip(".")
        if w[0].isupper() and lw not in PRONOUNS and lw not in FUNCTION:
            return "name"
    return "nominal"


def align(orig: str, read: str) -> list[int]:
    """Map each character offset of ``read`` (and its end) to an offset in ``orig``; reading
    only drops or collapses whitespace."""
    m = [0] * (len(read) + 1)
    i = 0
    for j, c in enumerate(read):
        while i < len(orig) and orig[i] != c and orig[i].isspace():
            i += 1
        if i < len(orig) and orig[i] == c:
            m[j] = i
            i += 1
        else:  # whitespace in read with no counterpart (should not happen)
            m[j] = min(i, len(orig))
    m[len(read)] = len(orig) if not read else m[len(read) - 1] + 1
    return m


def overlap(a: list[tuple[int, int]], b: list[tuple[int, int]], text: str) -> int:
    n = 0
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if s < e:
                n += sum(1 for c in text[s:e] if not c.isspace())
    return n


def run_engine(binary: Path, docs: list[polnear.Doc]) -> tuple[dict, dict, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "polnear.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps({"id": d.name, "text": d.text}) + "\n")
        t0 = time.time()
        out = subprocess.run([str(binary), "quotes", str(path)], capture_output=True, text=True,
                             check=True).stdout
        elapsed = time.time() - t0
        ext = subprocess.run([str(binary), "extract", str(path)], capture_output=True, text=True,
                             check=True).stdout
    read = {}
    for line in ext.splitlines():
        r = json.loads(line)
        read[r["id"]] = r["text"]
    preds: dict[str, list] = {d.name: [] for d in docs}
    for line in out.splitlines():
        r = json.loads(line)
        preds.setdefault(r["article"], []).append(r)
    return preds, read, elapsed


def score(docs, preds, read, show_errors=0, kinds=("direct", "partial")):
    st = dict(direct=0, mixed=0, pred=0, tp_strict=0, tp_lenient=0, matched=0,
              spk_n=0, spk_mention=0, spk_entity=0, no_source=0,
              pron_n=0, pron_ok=0, by_class={})
    errors = []
    for d in docs:
        text = d.text
        rt = read.get(d.name, "")
        amap = align(text, rt)
        P = []
        for p in preds.get(d.name, []):
            if p.get("kind", "direct") not in kinds:
                continue
            parts = [(amap[s["start"]], amap[s["end"]]) for s in p["parts"]]
            m = p.get("speaker_mention")
            mspan = [(amap[m["start"]], amap[m["end"]])] if m else []
            P.append((parts, p, mspan))
        st["pred"] += len(P)
        gold = []
        named_sources = []  # (start, text) of gold Sources that are names
        for a in d.attributions:
            if a.source and source_class(a.source.text) == "name":
                named_sources.append((a.source.parts[0][0], a.source.text))
        named_sources.sort()
        for a in d.attributions:
            if a.content is None:
                continue
            qf = polnear.quoted_fraction(text, a.content.parts)
            if qf >= 0.5:
                gold.append(("direct", a))
            elif qf > 0:
                gold.append(("mixed", a))
        st["direct"] += sum(1 for k, _ in gold if k == "direct")
        st["mixed"] += sum(1 for k, _ in gold if k == "mixed")
        for parts, _, _ in P:
            ov = [k for k, a in gold if overlap(parts, a.content.parts, text) > 0]
            st["tp_strict"] += "direct" in ov
            st["tp_lenient"] += bool(ov)
            if not ov and show_errors:
                errors.append(("FP", d.name, " | ".join(text[s:e] for s, e in parts)[:160]))
        for kind, a in gold:
            if kind != "direct":
                continue
            best = max(P, key=lambda p: overlap(p[0], a.content.parts, text), default=None)
            if best is None or overlap(best[0], a.content.parts, text) == 0:
                if show_errors:
                    errors.append(("FN", d.name, a.content.text[:160]))
                continue
            st["matched"] += 1
            if a.source is None:
                st["no_source"] += 1
                continue
            parts, p, mspan = best
            st["spk_n"] += 1
            cls = source_class(a.source.text)
            src_start = a.source.parts[0][0]
            mention_ok = overlap(mspan, a.source.parts, text) > 0
            pw = content_words(p.get("speaker") or "")
            if cls == "name":
                ok = bool(pw & content_words(a.source.text))
            elif cls == "pronoun":
                ref = [t for s, t in named_sources if s < src_start]
                if ref:
                    ok = bool(pw & content_words(ref[-1]))
                    if a.source.text.lower() in ("he", "she"):
                        st["pron_n"] += 1
                        st["pron_ok"] += ok
                else:
                    ok = mention_ok
            else:
                ok = mention_ok or bool(pw & content_words(a.source.text))
            st["spk_mention"] += mention_ok
            st["spk_entity"] += ok
            c = st["by_class"].setdefault(cls, [0, 0])
            c[0] += 1
            c[1] += ok
            if not ok and show_errors:
                errors.append(("SPK", d.name, f"gold={a.source.text!r} pred={p.get('speaker')!r} "
                               f"mention={(p.get('speaker_mention') or {}).get('text')!r} "
                               f"method={p.get('method')} quote={a.content.text[:70]!r}"))
    return st, errors


def prf(tp, npred, tp_r, ngold):
    p = tp / npred if npred else 0.0
    r = tp_r / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> int:
    ap = argparse.ArgumentParser(description="Score storyline quotes on PolNeAR.")
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--split", choices=["train", "dev", "both"], default="both")
    ap.add_argument("--bin", type=Path, default=REPO / "target/release/storyline")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--errors", type=int, default=0, help="print up to N errors of each kind")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "storyline-cli"], cwd=REPO,
                       check=True)
    splits = ["train", "dev"] if args.split == "both" else [args.split]
    results = {}
    for split in splits:
        docs = polnear.load(args.data, split)
        preds, read, elapsed = run_engine(args.bin, docs)
        for label, kinds in (("direct", ("direct",)), ("all", ("direct", "partial"))):
            st, errors = score(docs, preds, read, args.errors if label == "direct" else 0, kinds)
            results[f"{split}/{label}"] = summarise(st, docs, elapsed)
            if args.errors and label == "direct":
                for kind in ("FP", "FN", "SPK"):
                    sel = [e for e in errors if e[0] == kind][: args.errors]
                    for e in sel:
                        print(f"{e[0]}\t{e[1]}\t{e[2]}")
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'split':12} {'docs':>5} {'gold':>5} {'pred':>5} {'P':>6} {'P_len':>6} {'R':>6} "
          f"{'F1':>6} {'F1_len':>6} | {'spk_n':>5} {'spk':>6} {'mention':>7} {'pron_n':>6} "
          f"{'pron':>6}")
    for split, r in results.items():
        print(f"{split:12} {r['docs']:5} {r['gold_direct']:5} {r['predicted']:5} "
              f"{r['precision_strict']:6.3f} {r['precision_lenient']:6.3f} {r['recall']:6.3f} "
              f"{r['f1_strict']:6.3f} {r['f1_lenient']:6.3f} | {r['speaker_n']:5} "
              f"{r['speaker_accuracy']:6.3f} {r['speaker_mention_accuracy']:7.3f} "
              f"{r['pronoun_n']:6} {r['pronoun_resolution']:6.3f}")
        print("             by gold source: " + ", ".join(
            f"{k} {v['accuracy']:.3f} (n={v['n']})" for k, v in sorted(r["by_gold_source"].items())))
    return 0


def summarise(st, docs, elapsed):
    if True:
        ps, r, fs = prf(st["tp_strict"], st["pred"], st["matched"], st["direct"])
        pl, _, fl = prf(st["tp_lenient"], st["pred"], st["matched"], st["direct"])
        return {
            "docs": len(docs), "gold_direct": st["direct"], "gold_mixed": st["mixed"],
            "predicted": st["pred"],
            "precision_strict": ps, "precision_lenient": pl, "recall": r,
            "f1_strict": fs, "f1_lenient": fl,
            "speaker_n": st["spk_n"], "no_gold_source": st["no_source"],
            "speaker_accuracy": st["spk_entity"] / st["spk_n"] if st["spk_n"] else 0.0,
            "speaker_mention_accuracy": st["spk_mention"] / st["spk_n"] if st["spk_n"] else 0.0,
            "by_gold_source": {k: {"n": v[0], "accuracy": v[1] / v[0]}
                               for k, v in st["by_class"].items()},
            "pronoun_n": st["pron_n"],
            "pronoun_resolution": st["pron_ok"] / st["pron_n"] if st["pron_n"] else 0.0,
            "seconds": round(elapsed, 2),
        }


if __name__ == "__main__":
    sys.exit(main())
