#!/usr/bin/env bash
# A long run at moderate load with churn: is memory flat, and is nothing lost?
#
# Usage: bench/server/soak.sh SERVER [MINUTES]
#   SERVER   path to the `instant` executable (or instant.dll, run with `dotnet`)
#   MINUTES  how long the load runs (default 60)
# Environment: OUT (default bench/results/soak-TIME), LOAD (instant-load command, default the
#   Release build, built if missing), CLIENTS (200), ROOMS (10), RATE (posts/s in all, 100),
#   CHURN (connections/s, 5), LIFETIME (seconds each churning connection lives, 20).
#
# The server runs on 127.0.0.1 on a free port. Two instant-load processes share its rooms: a
# `chat` that posts RATE posts/s from CLIENTS steady clients and counts every post each of them
# should have received (lost, duplicated), and a `churn` that opens CHURN connections per
# second into the same rooms, each of which asks `who` and `log-query` as a browser does and
# leaves after LIFETIME seconds. Every 15 s the server's resident set, open descriptors,
# threads and CPU time are appended to OUT/server.csv. The closing lines compare the resident
# set of the first ten minutes with the last ten (and fit a slope over the second half), and
# report posts lost, latency and churn failures from the two load summaries.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
server=${1:?usage: bench/server/soak.sh SERVER [MINUTES]}
minutes=${2:-60}
[ -e "$server" ] || { echo "soak.sh: no such server: $server" >&2; exit 2; }
out=${OUT:-$root/bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ)}
load=${LOAD:-$root/src/Instant.Load/bin/Release/net10.0/instant-load}
clients=${CLIENTS:-200} rooms=${ROOMS:-10} rate=${RATE:-100} churn=${CHURN:-5} lifetime=${LIFETIME:-20}
if [ ! -x "$load" ]; then dotnet build "$root/src/Instant.Load" -c Release -nologo -clp:ErrorsOnly >&2; fi
mkdir -p "$out/chat" "$out/churn"
seconds=$((minutes * 60))

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
case "$server" in
  *.dll) cmd=(dotnet "$server") ;;
  *) cmd=("$server") ;;
esac
"${cmd[@]}" -h 127.0.0.1 --http-log /dev/null "$port" >"$out/server.log" 2>&1 &
server_pid=$!
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { echo "soak.sh: server exited; see $out/server.log" >&2; exit 1; }
  sleep 0.1
done
sleep 2 # the empty server's resident set is the baseline

sample() { # one CSV row: seconds since start, RSS MB, peak RSS MB, descriptors, threads, CPU s
  local t=$1 status rss hwm fds threads cpu
  status=$(cat "/proc/$server_pid/status" 2>/dev/null) || return 1
  rss=$(awk '/^VmRSS:/ {print $2}' <<<"$status")
  hwm=$(awk '/^VmHWM:/ {print $2}' <<<"$status")
  threads=$(awk '/^Threads:/ {print $2}' <<<"$status")
  fds=$(find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$server_pid/stat")
  echo "$t,$((rss / 1024)),$((hwm / 1024)),$fds,$threads,$cpu" >>"$out/server.csv"
}
echo "seconds,rss_mb,peak_rss_mb,fds,threads,cpu_s" >"$out/server.csv"
sample 0

url="ws://127.0.0.1:$port"
"$load" chat --server "$url" -c "$clients" --rooms "$rooms" --rate "$rate" -d "$seconds" --browser \
  --server-pid "$server_pid" --label "soak chat" -o "$out/chat" -q >"$out/chat/summary.txt" 2>&1 &
chat_pid=$!
pids+=("$chat_pid")
"$load" churn --server "$url" --rooms "$rooms" --rate "$churn" --lifetime "$lifetime" -d "$seconds" --browser \
  --label "soak churn" -o "$out/churn" -q >"$out/churn/summary.txt" 2>&1 &
churn_pid=$!
pids+=("$churn_pid")

start=$(date +%s)
while kill -0 "$chat_pid" 2>/dev/null || kill -0 "$churn_pid" 2>/dev/null; do
  sleep 15
  kill -0 "$server_pid" 2>/dev/null || { echo "soak.sh: the server died; see $out/server.log" >&2; exit 1; }
  sample $(($(date +%s) - start))
done
set +e
wait "$chat_pid"; chat_status=$?
wait "$churn_pid"; churn_status=$?
set -e
sleep 10 # everyone has left: what the server keeps
sample "$(($(date +%s) - start))-idle"

python3 - "$out" "$minutes" "$chat_status" "$churn_status" <<'PY' | tee "$out/soak.txt"
import csv, json, sys
out, minutes, chat_status, churn_status = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = list(csv.DictReader(open(f"{out}/server.csv")))
load = [r for r in rows if not r["seconds"].endswith("-idle") and int(r["seconds"]) > 0]
idle = [r for r in rows if r["seconds"].endswith("-idle")]
def window(lo, hi):
    return [int(r["rss_mb"]) for r in load if lo <= int(r["seconds"]) < hi]
span = max(int(r["seconds"]) for r in load) if load else 0
first = window(0, min(600, span // 3 + 1))
last = window(span - min(600, span // 3), span + 1)
half = [(int(r["seconds"]), int(r["rss_mb"])) for r in load if int(r["seconds"]) >= span / 2]
slope = 0.0
if len(half) > 2:
    mx = sum(x for x, _ in half) / len(half); my = sum(y for _, y in half) / len(half)
    var = sum((x - mx) ** 2 for x, _ in half)
    slope = sum((x - mx) * (y - my) for x, y in half) / var * 3600 if var else 0.0
med = lambda v: sorted(v)[len(v) // 2] if v else 0
print(f"soak: {span / 60:.1f} of {minutes} minutes under load")
print(f"server RSS MB: baseline {rows[0]['rss_mb']}, median of the first {len(first)} samples {med(first)}, "
      f"of the last {len(last)} {med(last)}, max {max((int(r['rss_mb']) for r in load), default=0)}, "
      f"peak (VmHWM) {rows[-1]['peak_rss_mb']}, 10 s after the load {idle[0]['rss_mb'] if idle else '?'}; "
      f"slope over the second half {slope:+.1f} MB/h")
print(f"server descriptors: baseline {rows[0]['fds']}, max under load {max((int(r['fds']) for r in load), default=0)}, "
      f"after the load {idle[0]['fds'] if idle else '?'}; threads max {max((int(r['threads']) for r in load), default=0)}; "
      f"CPU {float(rows[-1]['cpu_s']):.0f} s")
for name, status in (("chat", chat_status), ("churn", churn_status)):
    try:
        r = json.load(open(f"{out}/{name}/summary.json"))
    except Exception as e:
        print(f"{name}: no summary ({e}), exit {status}"); continue
    d = r["deliveryMs"]
    parts = [f"exit {status}", f"connected {r['connected']}"]
    if r.get("delivered"):
        parts.append(f"delivered {r['delivered']}, lost {r['lost']}, duplicated {r.get('duplicated', 0)}, "
                     f"delivery p50 {d['p50']} ms p99 {d['p99']} ms max {d.get('max', '?')} ms")
    parts.append(f"connect p99 {r['connectMs']['p99']} ms")
    if r.get("errors"):
        parts.append("errors: " + "; ".join(f"{k}: {v}" for k, v in r["errors"].items()))
    print(f"{name}: " + ", ".join(parts))
PY
