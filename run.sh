#!/usr/bin/env bash
# Runs the Instant server; arguments are those of `instant --help` (default port 8080).
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet run --project src/Instant.Web -c Release -- "$@"
