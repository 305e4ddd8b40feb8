#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK: Debian's Chromium for the
# browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser).
set -euo pipefail
if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK (dotnet) is not on PATH; install it first." >&2
  exit 2
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
