#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK: Debian's Chromium for the
# browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser), and
# Debian's PostgreSQL server binaries for the Scribe journal specs (the tests run initdb and
# pg_ctl in a temporary directory themselves; no system service is started or needed).
set -euo pipefail
if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK (dotnet) is not on PATH; install it first." >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
updated=
apt_install() {
  if [ -z "$updated" ]; then
    $SUDO apt-get update -qq
    updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  apt_install chromium
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  echo "Installing Debian's postgresql for the Scribe journal tests..."
  apt_install postgresql
fi
# Under root the tests run PostgreSQL as the 'postgres' user (the server refuses root), which
# the postgresql package creates.
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "error: PostgreSQL's binaries are installed but there is no 'postgres' user to run them as." >&2
  exit 2
fi
