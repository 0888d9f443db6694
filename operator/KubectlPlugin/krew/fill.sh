#!/usr/bin/env bash
# Fills sandbox.yaml's placeholders for a release: fill.sh VERSION DIR > sandbox.yaml, where VERSION is 1.2.3 (the tag
# without its v) and DIR holds the four kubectl-sandbox_<os>_<arch>.tar.gz that `make plugin PLUGIN_RID=...` built.
# Fails when an archive is missing, so a manifest never points at a checksum nobody computed.
set -euo pipefail
version=${1:?usage: fill.sh VERSION DIR}
dir=${2:?usage: fill.sh VERSION DIR}
manifest=$(grep -v "^#" "$(dirname "$0")/sandbox.yaml")
manifest=${manifest//VERSION/$version}
for platform in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64; do
  sum=$(sha256sum "$dir/kubectl-sandbox_$platform.tar.gz" | cut -d' ' -f1)
  manifest=${manifest//SHA256_${platform^^}/$sum}
done
printf '%s\n' "$manifest"
