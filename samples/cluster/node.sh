#!/bin/sh
# One node of the sample cluster: node.sh INSTANT ARGS... runs the instant executable INSTANT
# with ARGS. All nodes must sign identity cookies with the same key, or a browser sent to
# another node would get a new identity. The first node to start makes the key file
# ($INSTANT_COOKIES_KEYFILE) in one step, so that every node reads the same key.
set -eu
key=${INSTANT_COOKIES_KEYFILE:?INSTANT_COOKIES_KEYFILE is not set}
if [ ! -s "$key" ]; then
    mkdir -p "$(dirname "$key")"
    umask 077
    head -c 64 /dev/urandom > "$key.$$"
    ln "$key.$$" "$key" 2>/dev/null || true # another node made it first: its key it is
    rm -f "$key.$$"
fi
instant=$1
shift
exec "$instant" "$@"
