#!/usr/bin/env bash
# Cluster benchmarks: N real `instant` nodes on 127.0.0.1 (node 0 the seed), driven by one
# instant-load run spread over all of them (bench/cluster/cluster.sh does the work).
#
# Usage: bench/cluster/run.sh [TARGET...]      (default: all, one after the other)
#        bench/cluster/run.sh --help
#   idle100k        100,000 idle connections over 6 nodes (16,667 each), every room on all nodes;
#                   per-node RSS growth per connection (compare single-idle15000)
#   idle50k         the same with 50,000 (8,333 per node): with idle100k, separates what a node
#                   holds per connection from what it holds anyway once busy
#   single-idle15000  bench/server/run.sh SERVER idle15000: the single-process figure to compare with
#   fanout-single   one 1,000-member room, closed loop (room1000 of bench/server/run.sh), one
#                   process without cluster mode
#   fanout3         the same instant-load command, the room spread over 3 nodes
#   open3           open loop, 1,000 members over 3 nodes, 100 posts/s for 20 s (p99); RATE=N
#                   sets another rate (posts/s in all; each is delivered to all 1,000)
#   open-single     the same in one process, for reference
#   storm           100,000 idle connections with --reconnect --reconnect-spread over 7 nodes;
#                   node 3 is killed with kill -9 15 s after all are open; its clients come
#                   back on the other six (7 nodes: see "open files" below)
#   storm6          the same over 6 nodes with 87,000 connections (14,500 each, 17,400 after)
#   storm21k        the storm at a fifth of the scale (21,000 over 7 nodes, 3,000 each): for a
#                   machine too busy to hold the 100,000 (its nodes' heartbeats starve and the
#                   cluster downs itself); the same mechanism, the same per-node accept rates
#   storm3          the smallest storm: 6,000 connections over 3 nodes in 100 rooms (60 members
#                   each, 20 per node), node 1 killed: 2,000 clients reconnect to the other two
#                   Both use a worker count that shares no factor with the node count: client i
#                   is in worker i mod W, so with W = N every client of the killed node would be
#                   in one worker, and its reconnects would queue behind that one process's
#                   --connect-concurrency.
# Environment: SERVER, LOAD, HTTP_BASE, CLUSTER_BASE as for cluster.sh; OUT (default
#   bench/results/raw), LABEL (prefix of the result directories, default "cluster").
# Results: OUT/LABEL-TARGET/ (see cluster.sh), one line per target appended to OUT/cluster.txt.
#
# Rooms: client i joins room i mod R and connects to node i mod N, so a room reaches only
# N / gcd(R, N) nodes; the idle targets therefore use the first R >= 1,000 with gcd(R, N) = 1
# (1,001 rooms over 6 nodes, 1,000 over 7), which puts members of every room on every node.
# Open files: a process may hold 20,000 here and a node admits 90 % of its limit (18,000), so
# 100,000 connections on 5 surviving nodes (20,000 each) cannot be held; hence 7 nodes (or
# 87,000 connections over 6) for the storm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
case "${1:-}" in -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;; esac
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(single-idle15000 idle100k fanout-single fanout3 open-single open3 storm)
out=${OUT:-$root/bench/results/raw}
label=${LABEL:-cluster}
server=${SERVER:-$root/src/Instant.Web/bin/Release/net10.0/instant}
export SERVER=$server

rooms_for() { # $1 nodes $2 wanted rooms -> the first count >= $2 that shares no factor with $1
  python3 -c 'import math,sys; n,r=map(int,sys.argv[1:]); print(next(x for x in range(r, r+n*n+2) if math.gcd(x,n)==1))' "$1" "$2"
}

run() { # $1 target, rest: cluster.sh arguments
  local t=$1; shift
  echo "== $t: $(uptime | sed 's/.*load average/load average/')" >&2
  set +e
  "$here/cluster.sh" --label "$label $t" --out "$out/$label-$t" "$@"
  echo "== $t exited $? at $(date -u +%H:%M:%S), $(uptime | sed 's/.*load average/load average/')" >&2
  set -e
}

for t in "${targets[@]}"; do
  case "$t" in
    idle100k)
      run "$t" --nodes 6 -- idle -c 100000 --rooms "$(rooms_for 6 1000)" -d 20 --connect-timeout 300 ;;
    idle50k)
      run "$t" --nodes 6 -- idle -c 50000 --rooms "$(rooms_for 6 500)" -d 20 --connect-timeout 300 ;;
    single-idle15000)
      echo "== $t: $(uptime | sed 's/.*load average/load average/')" >&2
      LABEL="$label-single" OUT=$out "$root/bench/server/run.sh" "$server" idle15000
      # The same "held" figure as cluster.sh gives per node: RSS growth while all were open.
      python3 - "$out/$label-single-idle15000/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t = s["timeline"]
most = max(r["open"] for r in t)
last = max(r["seconds"] for r in t if r["open"] == most)
held = max(r["serverRssMb"] for r in t if r["seconds"] <= last and r["serverRssMb"] is not None)
print(f"single idle15000: RSS start {s['serverRssStartMb']} MB, held {held} MB, peak {s['serverRssPeakMb']} MB; "
      f"KB/conn held {(held - s['serverRssStartMb']) * 1024 / s['connected']:.2f}, peak {s['serverRssPerConnectionKb']}")
PY
      ;;
    fanout-single)
      run "$t" --single -- chat -c 1000 --posts 300 --in-flight 16 ;;
    fanout3)
      run "$t" --nodes 3 -- chat -c 1000 --posts 300 --in-flight 16 ;;
    open-single)
      run "$t" --single -- chat -c 1000 --rate "${RATE:-100}" -d 20 ;;
    open3)
      run "$t" --nodes 3 -- chat -c 1000 --rate "${RATE:-100}" -d 20 ;;
    storm)
      run "$t" --nodes 7 --kill 3 -- idle -c 100000 --rooms "$(rooms_for 7 1000)" -d 90 --connect-timeout 300 \
        --workers 8 --reconnect --reconnect-spread ;;
    storm21k)
      run "$t" --nodes 7 --kill 3 -- idle -c 21000 --rooms "$(rooms_for 7 1000)" -d 60 --connect-timeout 300 \
        --workers 3 --reconnect --reconnect-spread ;;
    storm3)
      run "$t" --nodes 3 --kill 1 -- idle -c 6000 --rooms "$(rooms_for 3 100)" -d 60 --connect-timeout 300 \
        --workers 2 --reconnect --reconnect-spread ;;
    storm6)
      run "$t" --nodes 6 --kill 3 -- idle -c 87000 --rooms "$(rooms_for 6 1000)" -d 90 --connect-timeout 300 \
        --workers 7 --reconnect --reconnect-spread ;;
    *) echo "run.sh: unknown target $t (see --help)" >&2; exit 2 ;;
  esac
done
