#!/usr/bin/env bash
# Pushes a root filesystem tarball (gzip) as a one-layer image to a plain-http registry with the distribution API and
# curl: no container engine needed. usage: push-rootfs.sh REGISTRY REPOSITORY TAG ROOTFS.tar.gz [ENTRYPOINT-JSON]
set -euo pipefail
reg=$1 repo=$2 tag=$3 layer=$4 entrypoint=${5:-null}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

upload() { # file → digest
  local digest loc
  digest="sha256:$(sha256sum "$1" | cut -d' ' -f1)"
  if ! curl -sf -o /dev/null -I "http://$reg/v2/$repo/blobs/$digest"; then
    loc=$(curl -sf -D - -o /dev/null -X POST "http://$reg/v2/$repo/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
    case $loc in http*) ;; *) loc="http://$reg$loc" ;; esac
    case $loc in *\?*) loc="$loc&digest=$digest" ;; *) loc="$loc?digest=$digest" ;; esac
    curl -sf -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$1" "$loc"
  fi
  echo "$digest"
}

diff_id="sha256:$(gzip -dc "$layer" | sha256sum | cut -d' ' -f1)"
arch=$(dpkg --print-architecture)
jq -nc --arg d "$diff_id" --arg a "$arch" --argjson e "$entrypoint" \
  '{architecture:$a, os:"linux", config:{User:"1654", Env:["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Entrypoint:$e},
    rootfs:{type:"layers", diff_ids:[$d]}}' > "$work/config.json"
config_digest=$(upload "$work/config.json")
layer_digest=$(upload "$layer")
jq -nc --arg cd "$config_digest" --argjson cs "$(stat -c %s "$work/config.json")" \
  --arg ld "$layer_digest" --argjson ls "$(stat -c %s "$layer")" \
  '{schemaVersion:2, mediaType:"application/vnd.docker.distribution.manifest.v2+json",
    config:{mediaType:"application/vnd.docker.container.image.v1+json", digest:$cd, size:$cs},
    layers:[{mediaType:"application/vnd.docker.image.rootfs.diff.tar.gzip", digest:$ld, size:$ls}]}' > "$work/manifest.json"
curl -sf -o /dev/null -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
  --data-binary "@$work/manifest.json" "http://$reg/v2/$repo/manifests/$tag"
echo "[push-rootfs] $reg/$repo:$tag" >&2
