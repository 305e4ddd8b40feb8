#!/usr/bin/env bash
# Runs the Instant server; arguments are those of `instant --help` (default port 8080).
# Builds the server first when it is missing or older than its sources (with progress on
# standard error), then starts the built executable directly: no build check on every start.
set -euo pipefail
cd "$(dirname "$0")"
exe=src/Instant.Web/bin/Release/net10.0/instant
stale() {
  [ ! -x "$exe" ] && return 0
  [ -n "$(find src/Instant.Web src/Instant.Actors src/Scribe.Actors hocon Directory.Build.props Directory.Packages.props \
    -type f -newer "$exe" -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]
}
if stale; then
  echo "run.sh: building the server (the first build takes a minute or two)..." >&2
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  dotnet build src/Instant.Web -c Release -nologo -v minimal -clp:NoSummary >&2
  touch "$exe" # a build that found nothing to do leaves the executable's time as it was
fi
exec "$exe" "$@"
