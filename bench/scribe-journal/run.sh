#!/usr/bin/env bash
# Runs the Scribe journal benchmark (Release build) and prints Markdown; see docs/PERFORMANCE.md.
# Usage: bench/scribe-journal/run.sh [sqlite|postgresql|both] [posts (1000000)] [range requests (200)]
# Takes several minutes and keeps both cores busy; PostgreSQL runs from a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/ScribeJournalBench"
dotnet run -c Release -- "$@"
