#!/usr/bin/env bash
# Runs one server process so that it cannot outlive the test process that started it.
#   usage: tether.sh PARENT_PID LOG_FILE COMMAND [ARGS...]
# .NET cannot set a parent-death signal (prctl PR_SET_PDEATHSIG) on a child, and a SIGKILLed test host runs no
# cleanup code at all. So this wrapper polls the parent and stops COMMAND as soon as the parent is gone.
# The C# side starts this script under `setsid`, so wrapper + server form their own process group, which it can
# stop as a unit on dispose (and which a Ctrl+C aimed at the terminal's foreground group does not hit half-way).
set -u
parent=$1 log=$2
shift 2

# Server output goes only to the log file: a pipe to the test host would break (SIGPIPE) when the host dies.
exec </dev/null >>"$log" 2>&1

"$@" &
child=$!

stop_child() {
  kill -TERM "$child" 2>/dev/null || return 0
  # Graceful first (etcd flushes, the apiserver drains), then hard after a few seconds.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "$child" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL "$child" 2>/dev/null
}
trap 'stop_child; exit 143' TERM INT HUP

while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do
  # `sleep & wait` instead of a plain sleep so that a trapped signal interrupts the wait at once.
  sleep 0.5 &
  wait $! 2>/dev/null
done

if kill -0 "$child" 2>/dev/null; then
  echo "[tether] parent process $parent is gone; stopping $1"
  stop_child
fi
wait "$child" 2>/dev/null
exit $?
