#!/usr/bin/env bash
# Server CPU per connection / per delivery (docs/PERFORMANCE.md, "Where the server's CPU goes").
# Usage: bench/server/cpu-per-unit.sh SERVER TARGET
#   SERVER  our `instant` executable; TARGET: idle5000 (one room per connection), storm3000 /
#   storm15000 (100 per room, every join announced), chat100, chat1000 (256 in flight), room100, open100.
# Starts the server on a free port, runs instant-load, prints the server's user+sys CPU seconds
# (/proc/PID/stat) over the run and per unit. Env: OUT (default /tmp), LOAD, SERVER_ARGS,
# PRE (a command run with the server PID alongside the load, e.g. a perf record wrapper).
set -u
server=$1; t=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
load=${LOAD:-$root/src/Instant.Load/bin/Release/net10.0/instant-load}
case "$t" in
  idle5000) args=(idle -c 5000 --rooms 5000 --duration 1 --connect-timeout 300); n=5000 ;;
  chat100) args=(chat -c 100 --posts 5000 --in-flight 256); n=500000 ;;
  chat1000) args=(chat -c 1000 --posts 500 --in-flight 256); n=500000 ;;
  storm3000) args=(idle -c 3000 --rooms 30 --duration 1 --connect-timeout 300); n=3000 ;;
  storm15000) args=(idle -c 15000 --rooms 150 --duration 1 --connect-timeout 300); n=15000 ;;
  open100) args=(chat -c 100 --rate 100 --duration 20); n=1 ;;
  room100) args=(chat -c 100 --posts 2000 --in-flight 16); n=200000 ;;
  *) echo "cpu-per-unit.sh: unknown target $t" >&2; exit 2 ;;
esac
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$server" -h 127.0.0.1 --http-log /dev/null ${SERVER_ARGS:-} "$port" > "${OUT:-/tmp}/cpu-per-unit-server.log" 2>&1 &
pid=$!
for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
sleep 1
cpu() { awk '{print ($14+$15)/100}' /proc/$pid/stat; }
c0=$(cpu)
${PRE:-true} "$pid" & prepid=$!
out=${OUT:-/tmp}/cpu-per-unit-$t; rm -rf "$out"
"$load" "${args[@]}" --server "ws://127.0.0.1:$port" --server-pid $pid -o $out -q > $out.txt 2>&1
c1=$(cpu)
wait $prepid
kill $pid; wait $pid 2>/dev/null
python3 - "$out/summary.json" "$t" "$c0" "$c1" "$n" <<'PY'
import json,sys
p,t,c0,c1,n=sys.argv[1:]
c=float(c1)-float(c0); n=int(n)
try: r=json.load(open(p))
except Exception as e: print(t,"no result",e); sys.exit()
d=r["deliveryMs"]
per = f"{c/n*1e3:.3f} ms/conn" if t.startswith(("idle","storm")) else f"{c/max(r['delivered'],1)*1e6:.3f} us/delivery"
print(f"{t}: cpu {c:.2f} s, {per}, delivered {r['delivered']}, {r['deliveriesPerSecond']:.0f}/s, p50 {d['p50']} p99 {d['p99']}, connected {r['connected']} in {r['connectPhaseSeconds']} s, lost {r['lost']}, errors {r['errors']}")
PY
