#!/usr/bin/env bash
# Server CPU per connection and per delivery, ours against the original, in one invocation
# (docs/PERFORMANCE.md, "Server CPU per connection and per delivery").
#
# Usage: bench/cpu/run.sh OURS ORIGINAL_JAR [TARGET...]
#   OURS          our `instant` executable (e.g. src/Instant.Web/bin/Release/net10.0/instant)
#   ORIGINAL_JAR  the original's Instant.jar (run with `java -jar JAR -h 127.0.0.1 --http-log /dev/null PORT`)
#   TARGET        any of (default: all, in this order):
#     chat100      100 clients in one room, 5,000 posts, 256 in flight: CPU per delivery
#     chat1000     1,000 clients in one room, 500 posts, 256 in flight: CPU per delivery
#     idle5000x1   5,000 connections, one per room: CPU per connection
#     idle5000x100 5,000 connections, 100 per room: CPU of the connect phase
#     storm15000   15,000 connections into 150 rooms at once (a join storm): CPU of the whole run
#                  (connects, joins, 2 s of holding, and the leaves as they close) and of its connect phase
# Environment:
#   REPEAT   rounds (default 1); each round runs every target on both servers, alternating
#            which server goes first, so both see the same machine load
#   TIMEOUT  seconds a measured run may take before it is stopped (default 300; SIGTERM makes
#            instant-load write what it measured so far, marked STOPPED, once it has closed its
#            connections: it gets KILL_AFTER more seconds for that, default 120); STORM_TIMEOUT
#            for storm15000 (default 600: on a busy machine ours needed over 3 minutes)
#   OUT      raw results (default bench/results/raw); LOAD the instant-load command (default:
#            the Release build, built if missing); SERVER_ARGS extra arguments for our server
# Every measured run gets a fresh server, warmed up first by a short chat run (20 clients,
# 2,000 posts) so both the JIT of .NET and the JVM's have compiled the hot paths. The figures are
# the server's CPU time (user + system, /proc/PID/stat) as instant-load --server-pid splits it
# by phase, so they hold up on a busy machine better than wall-clock rates; each run records
# `uptime` beside them. Writes OUT/cpu-TIME/ROUND-TARGET-SERVER/{summary.json,report.html,...},
# OUT/cpu-TIME/runs.tsv (one line per run) and OUT/cpu-TIME/table.md, and prints the table:
# the median over the rounds of each figure, for both servers, and the ratio original/ours.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
usage="usage: bench/cpu/run.sh OURS ORIGINAL_JAR [TARGET...] (see the header of this script)"
ours=${1:?$usage}
original=${2:?$usage}
shift 2
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(chat100 chat1000 idle5000x1 idle5000x100 storm15000)
[ -x "$ours" ] || { echo "run.sh: not an executable: $ours" >&2; exit 2; }
[ -f "$original" ] || { echo "run.sh: no such jar: $original" >&2; exit 2; }
repeat=${REPEAT:-1}
timeout_s=${TIMEOUT:-300}
storm_timeout_s=${STORM_TIMEOUT:-600}
kill_after_s=${KILL_AFTER:-120}
out=${OUT:-$root/bench/results/raw}/cpu-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
load=${LOAD:-$root/src/Instant.Load/bin/Release/net10.0/instant-load}
if [ ! -x "$load" ]; then dotnet build "$root/src/Instant.Load" -c Release -nologo -clp:ErrorsOnly >&2; fi
for t in "${targets[@]}"; do
  case "$t" in chat100|chat1000|idle5000x1|idle5000x100|storm15000) ;; *) echo "run.sh: unknown target $t" >&2; exit 2 ;; esac
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

server_pid=
start_server() { # $1 ours|original $2 port $3 log -> sets server_pid
  if [ "$1" = original ]; then
    java -jar "$original" -h 127.0.0.1 --http-log /dev/null "$2" >"$3" 2>&1 &
  else
    # shellcheck disable=SC2086 # SERVER_ARGS is a list of words
    "$ours" -h 127.0.0.1 --http-log /dev/null ${SERVER_ARGS:-} "$2" >"$3" 2>&1 &
  fi
  server_pid=$!
  # Up to 60 s: a machine shared with builds can take that long to start a server.
  for _ in $(seq 600); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$2") 2>/dev/null; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || { echo "run.sh: server exited; see $3" >&2; return 1; }
    sleep 0.1
  done
  echo "run.sh: server did not listen on port $2 within 60 s" >&2
  return 1
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null || true
  # A server busy with thousands of closing connections gets 20 s, then SIGKILL.
  for _ in $(seq 200); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
trap stop_server EXIT

args_of() {
  case "$1" in
    chat100)      echo "chat -c 100 --posts 5000 --in-flight 256" ;;
    chat1000)     echo "chat -c 1000 --posts 500 --in-flight 256 --connect-timeout 120" ;;
    idle5000x1)   echo "idle -c 5000 --rooms 5000 --duration 1 --connect-timeout 120" ;;
    idle5000x100) echo "idle -c 5000 --rooms 50 --duration 1 --connect-timeout 120" ;;
    storm15000)   echo "idle -c 15000 --rooms 150 --duration 2 --connect-timeout 120" ;;
  esac
}

printf 'round\ttarget\tserver\tstatus\tuptime\tdir\n' > "$out/runs.tsv"
{
  echo "commit $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "ours $ours"
  echo "original $original ($(sha256sum "$original" | cut -c1-16))"
  echo "started $(date -u +%FT%TZ), $(nproc) cores, $(uptime)"
} > "$out/machine.txt"

run_one() { # $1 round $2 target $3 server
  local dir="$out/$1-$2-$3" port status limit
  mkdir -p "$dir"
  port=$(free_port)
  start_server "$3" "$port" "$dir/server.log" || { printf '%s\t%s\t%s\tstart-failed\t%s\t%s\n' "$1" "$2" "$3" "$(uptime)" "$dir" >> "$out/runs.tsv"; return 0; }
  set +e
  timeout --kill-after=10 60 "$load" chat -c 20 --posts 2000 --in-flight 16 --room-prefix warm --server "ws://127.0.0.1:$port" \
    -o "$dir/warmup" -q > "$dir/warmup.txt" 2>&1
  limit=$timeout_s
  [ "$2" = storm15000 ] && limit=$storm_timeout_s
  # shellcheck disable=SC2046 # the arguments are a list of words
  timeout --kill-after="$kill_after_s" "$limit" "$load" $(args_of "$2") --server "ws://127.0.0.1:$port" --server-pid "$server_pid" \
    --label "$3 $2" -o "$dir" -q > "$dir/summary.txt" 2>&1
  status=$?
  set -e
  stop_server
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$status" "$(uptime)" "$dir" >> "$out/runs.tsv"
  echo "round $1 $2 $3: exit $status, $(uptime | sed 's/.*load/load/')" >&2
}

for round in $(seq "$repeat"); do
  for t in "${targets[@]}"; do
    if [ $((round % 2)) -eq 1 ]; then order=(ours original); else order=(original ours); fi
    for s in "${order[@]}"; do run_one "$round" "$t" "$s"; done
  done
done

python3 - "$out" <<'PY' | tee "$out/table.md"
import csv, json, os, statistics, sys
out = sys.argv[1]
runs = list(csv.DictReader(open(os.path.join(out, "runs.tsv")), delimiter="\t"))
# (target, figure name, JSON field, unit)
rows = [
    ("chat100", "100 clients, 5,000 posts, 256 in flight: CPU per delivery", "serverCpuPerDeliveryUs", "µs"),
    ("chat1000", "1,000 clients, 500 posts, 256 in flight: CPU per delivery", "serverCpuPerDeliveryUs", "µs"),
    ("idle5000x1", "5,000 connections, one per room: CPU per connection", "serverCpuPerConnectionMs", "ms"),
    ("idle5000x100", "5,000 connections, 100 per room: CPU of the connect phase", "serverCpuConnectSeconds", "s"),
    ("idle5000x100", "5,000 connections, 100 per room: CPU per connection", "serverCpuPerConnectionMs", "ms"),
    ("storm15000", "15,000 connections into 150 rooms: CPU of the whole run", "serverCpuSeconds", "s"),
    ("storm15000", "15,000 connections into 150 rooms: CPU of its connect phase", "serverCpuConnectSeconds", "s"),
    ("storm15000", "15,000 connections into 150 rooms: CPU per connection", "serverCpuPerConnectionMs", "ms"),
]
def load(r):
    try:
        return json.load(open(os.path.join(r["dir"], "summary.json")))
    except (OSError, ValueError):
        return None
def cell(target, server, field):
    values, notes = [], []
    for r in runs:
        if r["target"] != target or r["server"] != server: continue
        s = load(r)
        if s is None or r["status"] not in ("0", "1"):
            notes.append(f"round {r['round']}: " + (f"stopped ({s.get('fatal')})" if s and s.get("fatal") else f"exit {r['status']}"))
            continue
        if s.get(field) is not None: values.append(s[field])
        if s.get("connectFailed") or s.get("lost") or s.get("disconnects"):
            notes.append(f"round {r['round']}: {s.get('connected')} connected, {s.get('connectFailed')} connects failed, {s.get('disconnects')} dropped by the server, {s.get('lost')} posts lost")
    return (statistics.median(values) if values else None), len(values), notes
def fmt(v): return "-" if v is None else f"{v:.3g}"
print("| workload | figure | ours | original | original/ours | runs (ours, original) |")
print("|---|---|---|---|---|---|")
notes = []
measured = {r["target"] for r in runs}
for target, name, field, unit in rows:
    if target not in measured: continue
    o, no, n1 = cell(target, "ours", field)
    g, ng, n2 = cell(target, "original", field)
    ratio = f"{g / o:.1f}×" if o and g else "-"
    print(f"| {target} | {name} ({unit}) | {fmt(o)} | {fmt(g)} | {ratio} | {no}, {ng} |")
    notes += [f"{target} ours {n}" for n in n1] + [f"{target} original {n}" for n in n2]
for n in sorted(set(notes)): print(f"- {n}")
print(f"- figures: median over the rounds; raw results in {out}")
PY
