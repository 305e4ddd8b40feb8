#!/usr/bin/env bash
# Runs the Scribe benchmarks (Release build) and prints the results; see RESULTS.md.
# Usage: bench/scribe/run.sh [posts-for-ingest (200000)] [database-size (1000000)]
set -euo pipefail
cd "$(dirname "$0")/ScribeBench"
dotnet run -c Release -- "$@"
