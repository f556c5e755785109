#!/usr/bin/env bash
# Wait until host:port accepts TCP connections, then optionally run a command.
#   scripts/wait-for-it.sh HOST:PORT [-t SECONDS] [-q] [-- COMMAND ARGS...]
# Exits 0 when the port answers (or with COMMAND's status), 124 on timeout. -t 0 waits forever (default 30).
# Same interface as the well-known wait-for-it.sh; pure bash (/dev/tcp), no netcat needed.
set -euo pipefail

usage() {
  echo "usage: $0 HOST:PORT [-t SECONDS] [-q] [-- COMMAND ARGS...]" >&2
  exit 2
}

[ $# -ge 1 ] || usage
target=$1
shift
host=${target%:*}
port=${target##*:}
[ -n "$host" ] && [ -n "$port" ] && [ "$host" != "$target" ] || usage
timeout=30
quiet=0
while [ $# -gt 0 ]; do
  case $1 in
    -t) timeout=${2:?}; shift 2 ;;
    --timeout=*) timeout=${1#*=}; shift ;;
    -q | --quiet) quiet=1; shift ;;
    --) shift; break ;;
    *) usage ;;
  esac
done

say() { [ "$quiet" = 1 ] || echo "wait-for-it: $*" >&2; }

start=$SECONDS
# `timeout` bounds each attempt: connecting to a host that drops packets could otherwise hang for minutes.
until timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; do
  if [ "$timeout" -gt 0 ] && [ $((SECONDS - start)) -ge "$timeout" ]; then
    say "timed out after ${timeout}s waiting for $host:$port"
    exit 124
  fi
  sleep 0.2
done
say "$host:$port is available after $((SECONDS - start))s"

if [ $# -gt 0 ]; then
  exec "$@"
fi
