#!/usr/bin/env bash
# The release version, from git tags: v1.2.3 on the commit → 1.2.3; later commits → 1.2.3-dev.N.gHASH; no tag yet →
# 0.0.0-dev.gHASH. Image tags and chart versions both take it (both must be semver for helm).
set -euo pipefail
cd "$(dirname "$0")/../.."
if d=$(git describe --tags --match 'v[0-9]*' 2>/dev/null); then
  d=${d#v}
  case $d in *-*-g*) base=${d%-*-g*}; rest=${d#"$base"-}; echo "$base-dev.${rest%%-g*}.g${rest##*-g}" ;; *) echo "$d" ;; esac
else
  echo "0.0.0-dev.g$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
fi
