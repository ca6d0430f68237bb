#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster in a temp dir on a free port; print its URL on stdout.
# Usage: url=$(.ci/pg-start.sh DIR)   — stop with: pg_ctl -D DIR/data stop (as the same user).
# Runs the server as the `postgres` user when invoked as root (initdb refuses root).
set -euo pipefail
dir=${1:?usage: pg-start.sh DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$dir"
as=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
"${as[@]}" "$bin/initdb" -D "$dir/data" -U storyline --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
echo "postgres://storyline@127.0.0.1:$port/postgres"
