#!/usr/bin/env bash
# Prints a config for Debian's docker-registry (the packaged one points htpasswd at a directory and cannot be used):
# filesystem storage under $1, listening on $2 (host:port, loopback or an address in the test's network namespace).
set -euo pipefail
cat <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $1
  delete:
    enabled: true
http:
  addr: $2
YAML
