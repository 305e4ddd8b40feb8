#!/usr/bin/env bash
# What /metrics costs: the single-process server benchmarks (bench/server/run.sh) with
# instant.metrics.enabled=no and =yes, alternating, REPEAT times each, one server process per
# run. Prints the median deliveries/s and server CPU seconds of each target per mode, and the
# load average before and after (the machine may be shared: compare runs made together).
#
# Usage: bench/metrics/overhead.sh [REPEAT=3] [TARGET...]   (targets of bench/server/run.sh; default room100 room1000)
# Environment: OUT (default bench/results/raw/metrics-overhead).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
repeat=${1:-3}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(room100 room1000)
out=${OUT:-$root/bench/results/raw/metrics-overhead}
rm -rf "$out"
mkdir -p "$out"
dotnet build "$root/src/Instant.Web" -c Release -nologo -clp:ErrorsOnly >&2
dotnet build "$root/src/Instant.Load" -c Release -nologo -clp:ErrorsOnly >&2
server=$root/src/Instant.Web/bin/Release/net10.0/instant
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$repeat"); do
  for mode in off on; do
    [ "$mode" = on ] && args="-o instant.metrics.enabled=yes" || args="-o instant.metrics.enabled=no"
    SERVER_ARGS="$args" LABEL="$mode-$i" OUT="$out" "$root/bench/server/run.sh" "$server" "${targets[@]}" > /dev/null
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" "$repeat" "${targets[@]}" <<'PY'
import json, statistics, sys
out, repeat, targets = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print(f"| target | metrics | deliveries/s (median of {repeat}) | server CPU s (median) | runs (deliveries/s) |")
print("|---|---|---|---|---|")
for t in targets:
    medians = {}
    for mode in ("off", "on"):
        rs = [json.load(open(f"{out}/{mode}-{i}-{t}/summary.json")) for i in range(1, repeat + 1)]
        rate = statistics.median(r["deliveriesPerSecond"] for r in rs)
        cpu = statistics.median(r["serverCpuSeconds"] for r in rs)
        medians[mode] = (rate, cpu)
        runs = ", ".join(format(r["deliveriesPerSecond"], ",.0f") for r in rs)
        print(f"| {t} | {mode} | {rate:,.0f} | {cpu:.2f} | {runs} |")
    (r0, c0), (r1, c1) = medians["off"], medians["on"]
    print(f"| {t} | on vs off | {100 * (r1 - r0) / r0:+.1f} % | {100 * (c1 - c0) / c0:+.1f} % | |")
PY
