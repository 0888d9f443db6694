#!/usr/bin/env bash
# Builds the operator's OCI image with the .NET SDK's container support (`dotnet publish -t:PublishContainer`): no
# Docker engine, no Dockerfile. Self-contained and non-root (uid 1654, the chart's runAsUser), no shell in the image.
#
#   tests/infra/image.sh                  local: base root filesystem built here with mmdebstrap (nothing pulled from
#                                         outside but Debian packages), pushed with the image to the registry whose
#                                         storage is $IMAGE_STORE (default artifacts/registry), served on loopback
#                                         only while this script runs
#   IMAGE_REGISTRY=ghcr.io/org tests/infra/image.sh
#                                         release: Microsoft's runtime-deps base, pushed to IMAGE_REGISTRY (logged in
#                                         beforehand, e.g. `docker login` credentials the SDK reads)
# Other settings: IMAGE_REPOSITORY (northflank-sandbox-operator), IMAGE_TAG (from git tags), IMAGE_ARCH (x64, or
# arm64: one image per architecture; a release joins them into one index), BASE_IMAGE (release base).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
log() { echo "[image] $*" >&2; }

IMAGE_REPOSITORY=${IMAGE_REPOSITORY:-northflank-sandbox-operator}
IMAGE_TAG=${IMAGE_TAG:-$(bash tests/infra/version.sh)}
IMAGE_ARCH=${IMAGE_ARCH:-x64}
CACHE_ROOT="${NSO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/northflank-sandbox-operator}"

publish() { # registry base-image
  log "dotnet publish -t:PublishContainer → $1/$IMAGE_REPOSITORY:$IMAGE_TAG (base $2, linux-$IMAGE_ARCH)"
  dotnet publish operator/Operator.csproj -c Release -r "linux-$IMAGE_ARCH" --self-contained -t:PublishContainer \
    -p:ContainerBaseImage="$2" -p:ContainerRegistry="$1" -p:ContainerRepository="$IMAGE_REPOSITORY" \
    -p:ContainerImageTags="$IMAGE_TAG" -p:ContainerUser=1654 >&2
}

if [ -n "${IMAGE_REGISTRY:-}" ]; then
  publish "$IMAGE_REGISTRY" "${BASE_IMAGE:-mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled}"
  echo "$IMAGE_REGISTRY/$IMAGE_REPOSITORY:$IMAGE_TAG"
  exit 0
fi

for tool in mmdebstrap docker-registry jq curl; do
  command -v "$tool" >/dev/null || { echo "image.sh: $tool is missing; run \`make tools\` first" >&2; exit 1; }
done

# --- local: the base root filesystem, built once per package list --------------------------------------------------
BASE_PACKAGES=libc6,libgcc-s1,libstdc++6,libssl3,zlib1g,ca-certificates,tzdata
BASE_KEY=$(echo "bookworm $BASE_PACKAGES v1" | sha256sum | cut -c1-12)
BASE_TAR="$CACHE_ROOT/base-image/rootfs-$BASE_KEY.tar.gz"
if [ ! -s "$BASE_TAR" ]; then
  log "building the base root filesystem with mmdebstrap ($BASE_PACKAGES)"
  mkdir -p "$(dirname "$BASE_TAR")"
  tmp=$(mktemp -d)
  # --variant=extract runs no maintainer scripts (and no customize hooks): the extract hook writes what those would,
  # the CA bundle, a non-root user and /tmp, and drops docs. No shell or package manager is installed at all.
  mmdebstrap --variant=extract --include="$BASE_PACKAGES" --format=tar \
    --extract-hook='cat "$1"/usr/share/ca-certificates/mozilla/*.crt > "$1/etc/ssl/certs/ca-certificates.crt"' \
    --extract-hook='printf "root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654:app:/home/app:/sbin/nologin\n" > "$1/etc/passwd"' \
    --extract-hook='printf "root:x:0:\napp:x:1654:\n" > "$1/etc/group"' \
    --extract-hook='mkdir -p "$1/tmp" "$1/home/app" && chmod 1777 "$1/tmp" && chown 1654:1654 "$1/home/app"' \
    --extract-hook='rm -rf "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/info/* "$1"/usr/share/lintian "$1"/usr/share/locale/*' \
    bookworm "$tmp/rootfs.tar" >&2
  gzip -n -9 < "$tmp/rootfs.tar" > "$tmp/rootfs.tar.gz"
  mv "$tmp/rootfs.tar.gz" "$BASE_TAR"
  rm -rf "$tmp"
fi

# --- local: a registry on loopback for the SDK to read the base from and push the image to ---------------------------
IMAGE_STORE=${IMAGE_STORE:-$ROOT/artifacts/registry}
mkdir -p "$IMAGE_STORE"
port=$(bash tests/infra/free-port.sh)
REG="127.0.0.1:$port"
work=$(mktemp -d)
cleanup() { if [ -n "${reg_pid:-}" ]; then kill "$reg_pid" 2>/dev/null; wait "$reg_pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
bash tests/infra/registry-config.sh "$IMAGE_STORE" "$REG" > "$work/registry.yml"
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 100); do curl -sf "http://$REG/v2/" >/dev/null && break; sleep 0.1; done
curl -sf "http://$REG/v2/" >/dev/null || { cat "$work/registry.log" >&2; exit 1; }

bash tests/infra/push-rootfs.sh "$REG" "nso-base" "$BASE_KEY" "$BASE_TAR" >&2
DOTNET_CONTAINER_INSECURE_REGISTRIES="$REG" publish "$REG" "$REG/nso-base:$BASE_KEY"
size=$(curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
  "http://$REG/v2/$IMAGE_REPOSITORY/manifests/$IMAGE_TAG" | jq '[.layers[].size] | add')
log "image $IMAGE_REPOSITORY:$IMAGE_TAG in $IMAGE_STORE, $((size / 1000000)) MB compressed"
# The node tests install what the last local build made: repository:tag, relative to any registry serving the store.
echo "$IMAGE_REPOSITORY:$IMAGE_TAG" > "$IMAGE_STORE/last-image"
echo "$IMAGE_REPOSITORY:$IMAGE_TAG"
