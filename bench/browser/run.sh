#!/usr/bin/env bash
# The browser client with a 10,000-post history in headless Debian Chromium: first screen,
# full load and key-press latency (see docs/PERFORMANCE.md, "Browser client").
# Usage: bench/browser/run.sh [posts (10000)] [runs (5)] [keys (100)]
set -euo pipefail
cd "$(dirname "$0")/BrowserBench"
dotnet run -c Release -- "$@"
