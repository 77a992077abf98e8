#!/usr/bin/env bash
# The shared evaluation (/work/shared/eval/run's steps) with the articles ingested into a SPARQL
# server through the remote-store backend, and `newsgraph serve --store SPEC` answering the
# contract queries (proxied to the server). The server's store must be empty to start with.
# Usage: bench/eval_remote.sh 'sparql+http://127.0.0.1:7878/query?update=/update' [GOLD_DIR ARTICLES_DIR] [score.py options]
set -euo pipefail
spec=$1; shift
eval_dir=${EVAL_DIR:-/work/shared/eval}
gold=$eval_dir/dev/gold articles=$eval_dir/dev/articles
if [[ $# -ge 2 && -d $1 && -d $2 ]]; then gold=$1 articles=$2; shift 2; fi
queries=${QUERIES:-sparql/contract}
work=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
start=$(date +%s.%N)
newsgraph ingest "$articles" --store "$spec" -q >"$work/ingest.log" 2>&1 || { cat "$work/ingest.log"; exit 1; }
end=$(date +%s.%N)
n=$(find "$articles" -type f | wc -l)
python3 -c "print(f'ingest: {$n} articles in {$end - $start:.1f} s = {100 * ($end - $start) / $n:.1f} s per 100 articles')"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
newsgraph serve --store "$spec" --host 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 150); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/sparql?query=ASK%7B%7D" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.2
done
python3 "$eval_dir/score.py" --gold "$gold" --endpoint "http://127.0.0.1:$port/sparql" --queries "$queries" "$@"
if [[ -f $gold/../identity.json ]]; then
  python3 "$eval_dir/identity.py" --gold "$gold" --endpoint "http://127.0.0.1:$port/sparql"
fi
