#!/usr/bin/env bash
# Prints a TCP port nothing listens on in the current network namespace (servers here take a port by flag, not :0).
set -euo pipefail
for _ in $(seq 50); do
  port=$((20000 + RANDOM % 30000))
  ss -Hltn "sport = :$port" | grep -q . || { echo "$port"; exit 0; }
done
echo "free-port: no free port found" >&2; exit 1
