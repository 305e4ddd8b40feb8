#!/usr/bin/env bash
# Installs Instant.Actors into PREFIX (default /opt/instant): the executables instant, scribe,
# instant-run and instant-load in PREFIX/bin, each a link to its own published folder
# PREFIX/lib/NAME/ (separate folders: instant's ASP.NET Core dependencies must not displace
# instant-run's or instant-load's own). Framework-dependent: the machine needs the .NET 10
# runtime and ASP.NET Core runtime (the SDK has both), which its package manager keeps patched.
# Re-running replaces the programs and leaves config/, log/, run/ and db/ alone.
#
# Usage: scripts/install.sh [--no-build] [PREFIX]
#   --no-build  publish what the last `dotnet build -c Release` made (as ./test.sh leaves it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=()
if [ "${1:-}" = "--no-build" ]; then build=(--no-build); shift; fi
prefix=${1:-/opt/instant}
mkdir -p "$prefix/bin" "$prefix/lib"
prefix=$(cd "$prefix" && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
publish() { # $1 project folder, $2 executable name
  rm -rf "$prefix/lib/$2.new"
  dotnet publish "$root/src/$1" -c Release "${build[@]}" --self-contained false -o "$prefix/lib/$2.new" -nologo -clp:ErrorsOnly >&2
  rm -rf "$prefix/lib/$2"
  mv "$prefix/lib/$2.new" "$prefix/lib/$2"
  ln -sfn "../lib/$2/$2" "$prefix/bin/$2"
}
publish Instant.Web instant
publish Scribe.Actors scribe
publish Instant.Run instant-run
publish Instant.Load instant-load
echo "installed in $prefix: $(cd "$prefix/bin" && echo instant scribe instant-run instant-load | sed 's/ /, /g') in bin/"
