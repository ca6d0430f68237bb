#!/usr/bin/env bash
# Load bench of `storyline serve` on loopback: mixed reads and article posts for SECONDS
# (default 60) with CONCURRENCY clients (default 32). Starts a server on a fresh embedded store
# loaded with the sample corpus (rate limit off), runs the load generator
# (crates/serve/examples/load.rs), prints its table, and stops the server.
#
#   bench/serve_load.sh [SECONDS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
conc=${2:-32}
cargo build --release -p storyline-cli >&2
cargo build --release -p storyline-serve --example load >&2
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token=bench-token
STORYLINE_TOKEN=$token target/release/storyline serve --store "$dir/store" \
  --addr "127.0.0.1:$port" --rate-limit 0 --ingest examples/sample 2>"$dir/server.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break
  sleep 0.2
done
echo "server: $(curl -s "http://127.0.0.1:$port/api/health")"
target/release/examples/load "http://127.0.0.1:$port" "$token" "$secs" "$conc"
echo "server after: $(curl -s "http://127.0.0.1:$port/api/health")"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^storyline_(articles|stories|recomputes_total|recompute_seconds_total) '
