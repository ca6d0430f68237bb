"""Read PolNeAR (Newell et al. 2018) in place: texts and brat-standoff attributions.

Layout: ``polnear/{train,dev}/text/<name>.txt`` and ``polnear/{train,dev}/attributions/
<name>_<annotator>.ann``. Offsets in the ``.ann`` files are Python string (code point) offsets
into the ``.txt`` file; a span may be discontinuous (``0 6;8 12``). Every attribution is an
event line ``E<n>  Attribution:T<a> Source:T<s> Cue:T<c> Content:T<t>`` (Source may be missing).
Some documents were annotated by more than one annotator; the first annotator file in sorted
order is used so each document counts once.

Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

QUOTE_CHARS = "\"“”„‟«»‘’‚‛`'"
DOUBLE_QUOTES = "\"“”„‟«»"


@dataclass
class Span:
    label: str
    parts: list[tuple[int, int]]
    text: str


@dataclass
class Attribution:
    source: Span | None
    cue: Span | None
    content: Span | None


@dataclass
class Doc:
    name: str
    text: str
    attributions: list[Attribution] = field(default_factory=list)


def parse_ann(path: Path) -> list[Attribution]:
    spans: dict[str, Span] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            label, _, offs = cols[1].partition(" ")
            parts = []
            for piece in offs.split(";"):
                a, b = piece.split()
                parts.append((int(a), int(b)))
            spans[cols[0]] = Span(label, parts, cols[2] if len(cols) > 2 else "")
        elif line.startswith("E") and len(cols) >= 2:
            roles = {}
            for arg in cols[1].split():
                role, _, ref = arg.partition(":")
                roles[role] = ref
            events.append(roles)
    out = []
    for ev in events:
        out.append(
            Attribution(
                source=spans.get(ev.get("Source", "")),
                cue=spans.get(ev.get("Cue", "")),
                content=spans.get(ev.get("Content", "")),
            )
        )
    return out


def load(data: Path, split: str) -> list[Doc]:
    root = data / "polnear" / split
    anns: dict[str, Path] = {}
    for p in sorted((root / "attributions").glob("*.ann")):
        name = p.stem.rsplit("_", 1)[0]
        anns.setdefault(name, p)
    docs = []
    for t in sorted((root / "text").glob("*.txt")):
        if t.stem not in anns:
            continue
        text = t.read_text(encoding="utf-8")
        docs.append(Doc(t.stem, text, parse_ann(anns[t.stem])))
    return docs


def quoted_fraction(text: str, parts: list[tuple[int, int]]) -> float:
    """Share of the content's non-space characters that lie inside double quotation marks
    (paragraph-local pairing of straight and typographic double quotes, `` and '')."""
    inside = [False] * len(text)
    for para_start, para in _paragraphs(text):
        state = False
        i = 0
        while i < len(para):
            c = para[i]
            # `` and '' (typewriter style, as in the NYT texts) are double marks too.
            if para[i : i + 2] in ("''", "``"):
                state = not state
                inside[para_start + i] = inside[para_start + i + 1] = True
                i += 2
                continue
            if c in DOUBLE_QUOTES:
                state = not state
                inside[para_start + i] = True
                i += 1
                continue
            inside[para_start + i] = state
            i += 1
    total = quoted = 0
    for a, b in parts:
        for i in range(a, min(b, len(text))):
            if text[i].isspace():
                continue
            total += 1
            quoted += inside[i]
    return quoted / total if total else 0.0


def _paragraphs(text: str):
    start = 0
    for line in text.split("\n"):
        yield start, line
        start += len(line) + 1
