#!/usr/bin/env bash
# Single-process server benchmarks (docs/PERFORMANCE.md), driven by instant-load.
#
# Usage: bench/server/run.sh SERVER [TARGET...]
#   SERVER  the server to test: path to our `instant` executable (e.g.
#           src/Instant.Web/bin/Release/net10.0/instant), or path to the original's Instant.jar
#           (run with `java -jar`); it is started on 127.0.0.1 on a free port for each target.
#   TARGET  any of: room100 room1000 room10 open100 open1000 idle15000 join5000 (default: all)
# Environment: LABEL (name in the results, default from SERVER), OUT (default bench/results/raw),
#   LOAD (instant-load command, default: the Release build, built if missing),
#   SERVER_ARGS (extra arguments for our server, e.g. "-o instant.metrics.enabled=yes").
# Writes OUT/LABEL-TARGET/{summary.json,timeline.csv,latency.csv,report.html,server.log} and
# prints one summary line per target (also appended to OUT/LABEL.txt).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
server=${1:?usage: bench/server/run.sh SERVER [TARGET...] (see the header of this script)}
shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(room100 room1000 room10 open100 open1000 idle15000 join5000)
[ -e "$server" ] || { echo "run.sh: no such server: $server" >&2; exit 2; }
case "$server" in
  *.jar) kind=java; label=${LABEL:-original} ;;
  *) kind=native; label=${LABEL:-ours} ;;
esac
out=${OUT:-$root/bench/results/raw}
mkdir -p "$out"
load=${LOAD:-$root/src/Instant.Load/bin/Release/net10.0/instant-load}
if [ ! -x "$load" ]; then dotnet build "$root/src/Instant.Load" -c Release -nologo -clp:ErrorsOnly >&2; fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

start_server() { # $1 port $2 log -> sets server_pid
  if [ "$kind" = java ]; then
    java -jar "$server" -h 127.0.0.1 --http-log /dev/null "$1" >"$2" 2>&1 &
  else
    # shellcheck disable=SC2086 # SERVER_ARGS is a list of words
    "$server" -h 127.0.0.1 --http-log /dev/null ${SERVER_ARGS:-} "$1" >"$2" 2>&1 &
  fi
  server_pid=$!
  # Up to 60 s: a machine shared with builds can take that long to start a server.
  for _ in $(seq 600); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || { echo "run.sh: server exited; see $2" >&2; return 1; }
    sleep 0.1
  done
  echo "run.sh: server did not listen on port $1 within 60 s" >&2
  return 1
}

stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
trap stop_server EXIT

for t in "${targets[@]}"; do
  case "$t" in
    room100)   args=(chat -c 100 --posts 2000 --in-flight 16) ;;
    room1000)  args=(chat -c 1000 --posts 300 --in-flight 16) ;;
    room10)    args=(chat -c 10 --posts 20000 --in-flight 16) ;;
    open100)   args=(chat -c 100 --rate 100 --duration 20) ;;
    open1000)  args=(chat -c 1000 --rate 20 --duration 20) ;;
    idle15000) args=(idle -c 15000 --rooms 150 --duration 5 --connect-timeout 300) ;;
    join5000)  args=(join-storm -c 5000 --connect-timeout 300) ;;
    *) echo "run.sh: unknown target $t" >&2; exit 2 ;;
  esac
  port=$(free_port)
  dir="$out/$label-$t"
  mkdir -p "$dir"
  start_server "$port" "$dir/server.log"
  sleep 1 # let the server settle so the RSS baseline is the empty server
  set +e
  "$load" "${args[@]}" --server "ws://127.0.0.1:$port" --server-pid "$server_pid" --label "$label $t" -o "$dir" -q > "$dir/summary.txt" 2>&1
  status=$?
  set -e
  stop_server
  line=$(python3 - "$dir/summary.json" "$label" "$t" "$status" <<'PY'
import json, sys
p, label, target, status = sys.argv[1:]
try:
    r = json.load(open(p))
except Exception as e:
    print(f"{label} {target}: no result ({e}), exit {status}"); sys.exit()
d, c = r["deliveryMs"], r["connectMs"]
parts = []
if r["delivered"]:
    parts.append(f"{r['deliveriesPerSecond']:.0f} deliveries/s, p50 {d['p50']} ms, p99 {d['p99']} ms, lost {r['lost']}")
parts.append(f"{r['connected']} connected in {r['connectPhaseSeconds']} s ({r['connectsPerSecond']}/s), connect p99 {c['p99']} ms")
if r.get("serverRssPerConnectionKb") is not None:
    parts.append(f"server RSS {r['serverRssStartMb']} -> {r['serverRssPeakMb']} MB ({r['serverRssPerConnectionKb']} KB/conn)")
if r.get("serverCpuSeconds") is not None:
    parts.append(f"server CPU {r['serverCpuSeconds']} s")
if r.get("fatal"): parts.append("STOPPED: " + r["fatal"])
if r["errors"]: parts.append("errors: " + "; ".join(f"{k}: {v}" for k, v in r["errors"].items()))
print(f"{label} {target}: " + ", ".join(parts) + f" (exit {status})")
PY
)
  echo "$line" | tee -a "$out/$label.txt"
done
