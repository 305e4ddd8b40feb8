#!/usr/bin/env bash
# Runs one instant-load scenario against a cluster of N real `instant` nodes on 127.0.0.1.
#
# Usage: bench/cluster/cluster.sh [options] -- SCENARIO [instant-load options]
#   --nodes N         nodes to start (default 3); node 0 is the seed of the others
#   --single          one server without cluster mode instead (the single-process comparison;
#                     implies --nodes 1), run and measured exactly like a cluster
#   --kill K          kill -9 node K (0-based) once every client is connected (the plain
#                     progress line shows open=CLIENTS), --kill-after seconds later
#   --kill-after S    default 15 (lets the join storm drain and RSS settle first)
#   --node-option K=V an extra `-o K=V` for every node (repeatable)
#   --out DIR         results directory (default bench/results/raw/cluster-LABEL)
#   --label TEXT      name of the run (default SCENARIO-Nnodes)
#   -h, --help        this text
# The instant-load options are passed on unchanged, after `--server URL0,URL1,...` (client i
# connects to node i mod N) and `--plain -o DIR --label TEXT`. Do not pass --server.
#
# Environment: SERVER (instant executable, default the Release build of this tree), LOAD
#   (instant-load, default the Release build), HTTP_BASE / CLUSTER_BASE (first port tried for
#   the nodes' HTTP and Akka.Remote ports, defaults 20080 / 20180; ports in use are skipped;
#   keep them below the ephemeral range, 32768 here).
#
# Writes to DIR: instant-load's results (summary.json, timeline.csv, nodes.csv, latency.csv,
# report.html), load.txt (its progress lines and summary), node-K.log per node, proc.csv (each
# node's and each load process's RSS and CPU, sampled from /proc every second), events.txt
# (start, all serving, kill, end, each with `uptime`), and processes.txt: per process RSS at
# start / peak / end, CPU seconds used, its connections and peak RSS growth per connection.
# Prints that table and one summary line (also appended to the parent directory's cluster.txt).
# Exit status: instant-load's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

nodes=3 single=0 kill_node= kill_after=15 out= label=
node_options=()
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes=$2; shift 2 ;;
    --single) single=1; nodes=1; shift ;;
    --kill) kill_node=$2; shift 2 ;;
    --kill-after) kill_after=$2; shift 2 ;;
    --node-option) node_options+=(-o "$2"); shift 2 ;;
    --out) out=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    *) echo "cluster.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ $# -ge 1 ] || { echo "cluster.sh: no instant-load scenario given (see --help)" >&2; exit 2; }
load_args=("$@")
scenario=$1
if [ -n "$kill_node" ] && [ "$kill_node" -ge "$nodes" ]; then echo "cluster.sh: --kill $kill_node: only $nodes nodes" >&2; exit 2; fi
clients=10 # instant-load's default
for ((a = 0; a < ${#load_args[@]}; a++)); do
  case "${load_args[a]}" in
    -c|--clients) clients=${load_args[a+1]} ;;
    --server) echo "cluster.sh: do not pass --server; the script gives the nodes" >&2; exit 2 ;;
  esac
done

server=${SERVER:-$root/src/Instant.Web/bin/Release/net10.0/instant}
load=${LOAD:-$root/src/Instant.Load/bin/Release/net10.0/instant-load}
[ -x "$server" ] || { echo "cluster.sh: no server at $server (dotnet build src/Instant.Web -c Release)" >&2; exit 2; }
[ -x "$load" ] || { echo "cluster.sh: no load tool at $load (dotnet build src/Instant.Load -c Release)" >&2; exit 2; }
label=${label:-$scenario-${nodes}$([ $single = 1 ] && echo single || echo nodes)}
out=${out:-$root/bench/results/raw/cluster-${label// /_}}
mkdir -p "$out"
rm -f "$out"/node-*.log "$out"/proc.csv "$out"/events.txt "$out"/load.txt

# Every node and load process may hold as many files as this shell is allowed.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

port_free() { python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.close()' "$1" 2>/dev/null; }
taken=" "
next_port() { # $1 first port to try -> sets port to a free port not handed out before
  port=$1
  while [[ "$taken" == *" $port "* ]] || ! port_free "$port"; do port=$((port + 1)); done
  [ "$port" -lt 32768 ] || { echo "cluster.sh: no free port below 32768 from $1" >&2; exit 2; }
  taken+="$port "
}

event() { echo "$(date -u +%H:%M:%S) $* | $(uptime | sed 's/.*load average/load average/')" | tee -a "$out/events.txt" >&2; }

pids=() http_ports=() cluster_ports=() sampler_pid= load_pid=
stop_all() {
  set +e
  [ -n "$load_pid" ] && kill -TERM "$load_pid" 2>/dev/null && wait "$load_pid" 2>/dev/null
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for _ in $(seq 200); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null && wait "$sampler_pid" 2>/dev/null
  return 0
}
trap stop_all EXIT
trap 'exit 130' INT TERM

http_base=${HTTP_BASE:-20080}
cluster_base=${CLUSTER_BASE:-20180}
for ((k = 0; k < nodes; k++)); do
  next_port $((http_base + k)); http_ports+=("$port")
  if [ $single = 0 ]; then next_port $((cluster_base + k)); cluster_ports+=("$port"); fi
done
seed=${cluster_ports[0]:-}
event "start: $nodes node(s), HTTP ports ${http_ports[*]}${seed:+, cluster ports ${cluster_ports[*]}}"

for ((k = 0; k < nodes; k++)); do
  cluster_opts=()
  if [ $single = 0 ]; then
    cluster_opts=(-o "instant.cluster.seeds=127.0.0.1:$seed" -o "instant.cluster.port=${cluster_ports[k]}")
  fi
  "$server" -h 127.0.0.1 --http-log /dev/null "${cluster_opts[@]}" "${node_options[@]}" "${http_ports[k]}" >"$out/node-$k.log" 2>&1 &
  pids+=($!)
done

# A node opens its HTTP port only once it has joined the cluster and holds an id slot.
deadline=$((SECONDS + 180))
for ((k = 0; k < nodes; k++)); do
  until (exec 3<>/dev/tcp/127.0.0.1/"${http_ports[k]}") 2>/dev/null; do
    kill -0 "${pids[k]}" 2>/dev/null || { echo "cluster.sh: node $k exited; see $out/node-$k.log" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "cluster.sh: node $k did not serve within 180 s; see $out/node-$k.log" >&2; exit 1; }
    sleep 0.2
  done
done
for ((k = 0; k < nodes; k++)); do
  kill -0 "${pids[k]}" 2>/dev/null || { echo "cluster.sh: node $k exited; see $out/node-$k.log" >&2; exit 1; }
done
event "all $nodes node(s) serving"
sleep 2 # let the nodes settle so the RSS baseline is the empty node

urls=$(printf 'ws://127.0.0.1:%s,' "${http_ports[@]}")
urls=${urls%,}

# Sample each node and each load process (the coordinator and its workers) once a second.
python3 - "$out/proc.csv" "$$" "${pids[@]}" <<'PY' &
import os, sys, time
path, script_pid, nodes = sys.argv[1], int(sys.argv[2]), [int(p) for p in sys.argv[3:]]
tick = os.sysconf("SC_CLK_TCK")
def stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f: s = f.read()
        fields = s[s.rindex(")") + 2:].split()
        ppid, cpu = int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        return ppid, cpu, rss
    except (OSError, StopIteration, ValueError):
        return None
def children(parent):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            s = stat(int(d))
            if s and s[0] == parent: out.append(int(d))
    return out
start = time.monotonic()
with open(path, "w", buffering=1) as f:
    f.write("time,process,pid,rss_kb,cpu_s\n")
    load = {}
    while True:
        t = time.monotonic() - start
        now = time.time()
        for k, pid in enumerate(nodes):
            s = stat(pid)
            if s: f.write(f"{now:.1f},node{k},{pid},{s[2]},{s[1]:.2f}\n")
        # the load tool: the script's child that is not a node, and that one's children (workers)
        if int(t) % 5 == 0 or not load:
            for c in children(script_pid):
                if c not in nodes and c != os.getpid():
                    try: cmd = open(f"/proc/{c}/cmdline").read()
                    except OSError: continue
                    if "instant-load" in cmd:
                        load[c] = "load"
                        for i, w in enumerate(sorted(children(c))): load.setdefault(w, f"load-worker{i}")
        for pid, name in list(load.items()):
            s = stat(pid)
            if s: f.write(f"{now:.1f},{name},{pid},{s[2]},{s[1]:.2f}\n")
        # the whole machine: CPU seconds busy on all cores (others' work included), RSS column unused
        with open("/proc/stat") as st:
            v = [int(x) for x in st.readline().split()[1:9]]
        f.write(f"{now:.1f},machine,0,0,{(sum(v) - v[3] - v[4]) / tick:.2f}\n")
        time.sleep(max(0.0, 1.0 - (time.monotonic() - start - t)))
PY
sampler_pid=$!

event "instant-load ${load_args[*]} --server $urls"
set +e
"$load" "${load_args[@]}" --server "$urls" --plain -o "$out" --label "$label" > "$out/load.txt" 2>&1 &
load_pid=$!
if [ -n "$kill_node" ]; then
  # Kill the node once every client is open (a progress line with open=CLIENTS), then wait.
  until grep -q " open=$clients " "$out/load.txt" 2>/dev/null; do
    kill -0 "$load_pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$load_pid" 2>/dev/null; then
    event "all $clients clients open"
    sleep "$kill_after"
    kill -KILL "${pids[kill_node]}"
    event "kill -9 node $kill_node (pid ${pids[kill_node]}, port ${http_ports[kill_node]})"
  fi
fi
wait "$load_pid"
status=$?
load_pid=
set -e
event "instant-load exited $status"
sleep 1.5 # one more sample of the nodes after the run

python3 - "$out" "$label" "$status" "$kill_node" <<'PY' | tee "$out/processes.txt"
import csv, json, sys, collections
from datetime import datetime
out, label, status, killed = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = collections.defaultdict(list)
for r in csv.DictReader(open(f"{out}/proc.csv")):
    rows[r["process"]].append((float(r["time"]), int(r["rss_kb"]), float(r["cpu_s"])))
try:
    s = json.load(open(f"{out}/summary.json"))
except Exception:
    s = None
nodes = (s or {}).get("nodes") or []
# "held": up to the end of the last interval in which the most connections were open, i.e.
# before the tool closed them (closing makes every room announce `left`, which costs memory too).
held_until = connect_end = float("inf")
if s and s.get("timeline"):
    done = [r["seconds"] for r in s["timeline"] if r["connected"] >= s["connected"]]
    if done: connect_end = datetime.fromisoformat(s["started"]).timestamp() + done[0]
    most = max(r["open"] for r in s["timeline"])
    last = max(r["seconds"] for r in s["timeline"] if r["open"] == most)
    held_until = datetime.fromisoformat(s["started"]).timestamp() + last
def key(name):
    return (0, int(name[4:])) if name.startswith("node") else (1, name)
print("RSS in MB; held = peak while the most connections were open; peak = the whole run, closing included;")
print("KB/conn = (RSS - start) / connections the node accepted (connects + reconnects); CPU s over the whole run")
print("CPU s connect = CPU used from the start of the run to the interval in which the last client connected; machine = all processes")
print(f"{'process':<14}{'start':>8}{'held':>8}{'peak':>8}{'end':>8}{'CPU s':>8}{'CPU s connect':>14}{'conns':>8}{'KB/conn held':>14}{'KB/conn peak':>14}")
for name in sorted(rows, key=key):
    r = rows[name]
    start, peak, end, cpu = r[0][1], max(x[1] for x in r), r[-1][1], r[-1][2] - r[0][2]
    cpu_connect = max([x[2] for x in r if x[0] <= connect_end] or [r[0][2]]) - r[0][2]
    held = max([x[1] for x in r if x[0] <= held_until] or [start])
    conns = per_held = per_peak = ""
    if name.startswith("node"):
        k = int(name[4:])
        if k < len(nodes):
            n = nodes[k]
            c = n.get("connected", 0) + n.get("reconnects", 0)
            conns = str(c)
            if c and str(k) != killed:
                per_held, per_peak = f"{(held - start) / c:.2f}", f"{(peak - start) / c:.2f}"
    if name == "machine":
        print(f"{name:<14}{'':>8}{'':>8}{'':>8}{'':>8}{cpu:>8.1f}{cpu_connect:>14.1f}")
        continue
    print(f"{name:<14}{start/1024:>8.1f}{held/1024:>8.1f}{peak/1024:>8.1f}{end/1024:>8.1f}{cpu:>8.1f}{cpu_connect:>14.1f}{conns:>8}{per_held:>14}{per_peak:>14}")
if s:
    d, c = s["deliveryMs"], s["connectMs"]
    parts = []
    if s["delivered"]:
        parts.append(f"{s['deliveriesPerSecond']:.0f} deliveries/s, p50 {d['p50']} ms, p99 {d['p99']} ms, lost {s['lost']}")
    parts.append(f"{s['connected']} connected in {s['connectPhaseSeconds']} s ({s['connectsPerSecond']}/s), connect p99 {c['p99']} ms")
    rc = s.get("reconnect")
    if rc:
        parts.append(f"reconnect: {rc.get('clientsLost')} lost, {rc.get('clientsBack')} back, all back in {rc.get('allBackSeconds')} s")
    if s.get("fatal"): parts.append("STOPPED: " + s["fatal"])
    if s.get("errors"): parts.append("errors: " + "; ".join(f"{k}: {v}" for k, v in s["errors"].items()))
    print(f"{label}: " + ", ".join(parts) + f" (exit {status})")
else:
    print(f"{label}: no summary.json (exit {status})")
PY
tail -n 1 "$out/processes.txt" >> "$(dirname "$out")/cluster.txt"
exit "$status"
