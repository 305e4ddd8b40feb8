#!/usr/bin/env bash
# The load tool's own overhead: one instant-load process receiving a fast stream of posts.
# A minimal source (bench/load/FanoutSource: encodes each post once, writes batches, reads
# nothing) sends RATE posts/s to every one of CLIENTS connections, so the tool must receive
# RATE x CLIENTS deliveries/s. The target is >= 200,000 deliveries/s with the tool keeping up
# (deliveries/s equal to the offered rate, no growing latency).
#
# Usage: bench/load/overhead.sh [CLIENTS=100] [RATE=3000] [SECONDS=8]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
clients=${1:-100}; rate=${2:-3000}; seconds=${3:-8}
dotnet build "$root/bench/load/FanoutSource" -c Release -nologo -clp:ErrorsOnly >&2
dotnet build "$root/src/Instant.Load" -c Release -nologo -clp:ErrorsOnly >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$root/bench/load/FanoutSource/bin/Release/net10.0/fanout-source" "$port" "$rate" > /dev/null &
src=$!
trap 'kill $src 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
out=${OUT:-$root/bench/results/raw/overhead}
"$root/src/Instant.Load/bin/Release/net10.0/instant-load" idle --server "ws://127.0.0.1:$port" -c "$clients" \
  -d "$seconds" --ping-interval 0 --server-pid "$src" --label "overhead $clients x $rate/s" -o "$out" --plain
