#!/usr/bin/env bash
# The property-based tests of the decoders (client frame JSON, WebSocket frames, the upgrade
# head), each run for SECONDS instead of the test run's fixed number of cases.
#
# Usage: bench/fuzz.sh [SECONDS]   (default 300 per property)
# A failure prints the shrunk input and a seed; replay it with CsCheck_Seed=SEED and the
# test's name as a --filter.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
export CsCheck_Time=$seconds DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
status=0
for project in tests/Instant.Actors.Tests tests/Instant.Web.Tests; do
  dotnet test "$root/$project" -c Release --nologo --filter "FullyQualifiedName~FuzzSpecs" \
    --logger "console;verbosity=normal" || status=1
done
exit $status
