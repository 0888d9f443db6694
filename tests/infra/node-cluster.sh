#!/usr/bin/env bash
# A one-node Kubernetes cluster for the tests that need pods: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, containerd (+ runc, CNI bridge), kubelet, kube-proxy and a local OCI registry, all inside a network
# namespace this script creates, so that no port or route of the machine is touched and no traffic leaves it.
#
#   node-cluster.sh up RUN_DIR PARENT_PID IMAGE_STORE   start; prints the settings file (RUN_DIR/cluster.env)
#   node-cluster.sh down RUN_DIR                        stop everything, unmount, delete cgroups, netns, RUN_DIR, and
#                                                       exactly the global paths the components created
#   node-cluster.sh restart RUN_DIR PARENT_PID          stop the kubelet and containerd, start them again (same flags)
#
# Every server runs under tests/infra/tether.sh: it stops when PARENT_PID (the test host) is gone, even on SIGKILL;
# the next `up` then sweeps what such a run left (containers, mounts, cgroups, netns). The machine's kernel settings
# are never changed (the kubelet is built with a patch that only warns about them; kube-proxy leaves conntrack alone).
# Binaries come from `make tools` (NSO_TOOLS_BIN); needs root (namespaces, cgroups, mounts).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${NSO_TOOLS_BIN:-${NSO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/northflank-sandbox-operator}/bin}
NODE_IP=10.201.0.1
PEER_IP=10.201.0.2
POD_CIDR=10.202.0.0/24
SERVICE_CIDR=10.0.0.0/24
API_PORT=6443
REGISTRY=127.0.0.1:5000
# Paths v1.20 components create whatever their flags say; `up` records which of them were missing, `down` removes those.
GLOBAL_PATHS=(/var/lib/kubelet /var/log/pods /var/log/containers /var/lib/cni /run/containerd /etc/cni /opt/cni
  /usr/libexec/kubernetes /run/netns)
CGROUP_CONTROLLERS=(blkio cpu cpuacct cpuset devices freezer hugetlb memory net_cls net_prio perf_event pids systemd)

log() { echo "[node-cluster] $*" >&2; }

since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; } # seconds since an $EPOCHREALTIME

in_ns() { nsenter --net="/run/netns/$NETNS" "$@"; }

start() { # name command... → runs tethered inside the netns, its process group id saved in RUN/pids
  local name=$1; shift
  setsid bash "$HERE/tether.sh" "$PARENT_PID" "$RUN/logs/$name.log" nsenter --net="/run/netns/$NETNS" "$@" &
  echo "$! $name" >> "$RUN/pids"
}

wait_for() { # description timeout-seconds command...
  local what=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      log "$what not ready after ${secs}s; log tails:"
      for f in "$RUN"/logs/*.log; do echo "== $f" >&2; tail -n 15 "$f" >&2; done
      return 1
    fi
    sleep 0.3
  done
  log "$what ready"
}

kubectl_ns() { in_ns env KUBECONFIG="$RUN/admin.kubeconfig" "$BIN/kubectl" "$@"; }

write_certs() {
  local p=$RUN/pki
  mkdir -p "$p"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=nso-test-ca" -keyout "$p/ca.key" -out "$p/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$p/apiserver.key" -out "$p/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:%s,IP:10.0.0.1,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n' \
    "$NODE_IP" > "$p/san.ext"
  openssl x509 -req -in "$p/apiserver.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 2 \
    -extfile "$p/san.ext" -out "$p/apiserver.crt" 2>/dev/null
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
  # The aggregation layer (the chart's APIService for sandboxes/exec and /log): a front-proxy CA and the client
  # certificate kube-apiserver presents to aggregated servers, as kubeadm sets them up.
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=nso-front-proxy-ca" -keyout "$p/front-proxy-ca.key" \
    -out "$p/front-proxy-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=front-proxy-client" -keyout "$p/front-proxy-client.key" \
    -out "$p/front-proxy-client.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' > "$p/front-proxy-client.ext"
  openssl x509 -req -in "$p/front-proxy-client.csr" -CA "$p/front-proxy-ca.crt" -CAkey "$p/front-proxy-ca.key" \
    -CAcreateserial -days 2 -extfile "$p/front-proxy-client.ext" -out "$p/front-proxy-client.crt" 2>/dev/null
  local token; token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "$token,nso-admin,nso-admin,\"system:masters\"" > "$p/tokens.csv"
  cat > "$RUN/admin.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: node
  cluster: {server: "https://$NODE_IP:$API_PORT", certificate-authority: "$p/ca.crt"}
users:
- name: admin
  user: {token: "$token"}
contexts:
- name: node
  context: {cluster: node, user: admin}
current-context: node
KC
}

write_containerd_config() {
  local c=$RUN/containerd
  mkdir -p "$c/certs.d/$REGISTRY" "$RUN/cni/net.d"
  cat > "$c/config.toml" <<TOML
version = 2
root = "$c/root"
state = "$c/state"
[grpc]
  address = "$RUN/containerd.sock"
[ttrpc]
  address = "$RUN/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$REGISTRY/pause:nso"
  # root here has no CAP_SYS_RESOURCE: runc cannot lower a container's oom_score_adj below its own.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RUN/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$RUN/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$c/certs.d"
TOML
  cat > "$c/certs.d/$REGISTRY/hosts.toml" <<TOML
server = "http://$REGISTRY"
[host."http://$REGISTRY"]
  capabilities = ["pull", "resolve"]
TOML
  # ipMasq off: no NAT rule is needed, pods only talk to addresses inside the namespace.
  cat > "$RUN/cni/net.d/10-bridge.conflist" <<JSON
{"cniVersion": "0.4.0", "name": "nso", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$RUN/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
JSON
}

create_cgroups() {
  for ctl in "${CGROUP_CONTROLLERS[@]}"; do
    [ -d "/sys/fs/cgroup/$ctl" ] || continue
    mkdir -p "/sys/fs/cgroup/$ctl/$CGROUP"
    if [ "$ctl" = cpuset ]; then
      cat /sys/fs/cgroup/cpuset/cpuset.cpus > "/sys/fs/cgroup/cpuset/$CGROUP/cpuset.cpus"
      cat /sys/fs/cgroup/cpuset/cpuset.mems > "/sys/fs/cgroup/cpuset/$CGROUP/cpuset.mems"
    fi
  done
}

push_pause_image() {
  local tmp; tmp=$(mktemp -d)
  mkdir -p "$tmp/root"
  cp "$BIN/pause" "$tmp/root/pause"
  tar -C "$tmp/root" --owner=0 --group=0 -czf "$tmp/pause.tar.gz" .
  in_ns bash "$HERE/push-rootfs.sh" "$REGISTRY" pause nso "$tmp/pause.tar.gz" '["/pause"]'
  rm -rf "$tmp"
}

# containerd and the kubelet are started the same way by `up` and by `restart`.
start_containerd() {
  # A socket left by a stopped containerd would pass the wait below before the new one listens.
  rm -f "$RUN/containerd.sock" "$RUN/containerd.sock.ttrpc"
  start containerd /usr/bin/containerd --config "$RUN/containerd/config.toml"
  wait_for containerd 30 test -S "$RUN/containerd.sock"
}

start_kubelet() {
  start kubelet "$BIN/kubelet" --kubeconfig="$RUN/admin.kubeconfig" --hostname-override=nso-node --node-ip=$NODE_IP \
    --container-runtime=remote --container-runtime-endpoint="unix://$RUN/containerd.sock" \
    --root-dir="$RUN/kubelet" --cert-dir="$RUN/kubelet/pki" --cgroup-driver=cgroupfs --cgroup-root="/$CGROUP" \
    --volume-plugin-dir="$RUN/kubelet/volume-plugins" --fail-swap-on=false --make-iptables-util-chains=false \
    --read-only-port=0 --port=10250 --healthz-port=0 --oom-score-adj=0 \
    --anonymous-auth=true --authorization-mode=AlwaysAllow --authentication-token-webhook=false \
    --eviction-hard='memory.available<1Mi,nodefs.available<1%,imagefs.available<1%,nodefs.inodesFree<1%' \
    --image-gc-high-threshold=100 --image-gc-low-threshold=99 --serialize-image-pulls=false \
    --pod-infra-container-image="$REGISTRY/pause:nso" --register-node=true --logtostderr=true --v=0
}

stop_component() { # name → SIGTERM to its process group (as `systemctl stop` would), SIGKILL after 15 s; drops its pid line
  local name=$1 pgid
  pgid=$(awk -v n="$name" '$2 == n {print $1}' "$RUN/pids")
  [ -n "$pgid" ] || { log "$name is not running"; return 1; }
  local t0=$EPOCHREALTIME how=SIGTERM
  kill -TERM -- "-$pgid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.3; done
  kill -0 -- "-$pgid" 2>/dev/null && { kill -KILL -- "-$pgid" 2>/dev/null; how=SIGKILL; }
  awk -v n="$name" '$2 != n' "$RUN/pids" > "$RUN/pids.new" && mv "$RUN/pids.new" "$RUN/pids"
  log "$name stopped by $how in $(since "$t0") s"
}

# The node's services restarted as a reboot of them would: the kubelet and containerd stopped, then started again with
# the same configuration. Containers keep running under their shims meanwhile (containerd starts each shim in its own
# process group), and both find them again from their state directories.
restart() {
  RUN=$1 PARENT_PID=$2
  # shellcheck disable=SC1091
  . "$RUN/ids"
  local t0=$EPOCHREALTIME
  stop_component kubelet
  stop_component containerd
  local t1=$EPOCHREALTIME
  start_containerd
  start_kubelet
  wait_for kubelet 60 in_ns curl -skf "https://$NODE_IP:10250/healthz"
  log "kubelet and containerd stopped in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s, started again (kubelet answering) in $(since "$t1") s"
}

up() {
  RUN=$1 PARENT_PID=$2 IMAGE_STORE=$3
  sweep_dead_runs "$(dirname "$RUN")"
  mkdir -p "$RUN/logs"
  echo "$PARENT_PID" > "$RUN/owner.pid"
  local id; id=$(basename "$RUN" | tr -cd 'a-z0-9' | tail -c 12)
  NETNS=nso-$id CGROUP=nso-$id
  printf 'NETNS=%s\nCGROUP=%s\n' "$NETNS" "$CGROUP" > "$RUN/ids"
  for p in "${GLOBAL_PATHS[@]}"; do [ -e "$p" ] || echo "$p" >> "$RUN/created-paths"; done

  ip netns add "$NETNS"
  ip -n "$NETNS" link set lo up
  # Both ends of the pair inside the namespace: the node needs a non-loopback address and a default route.
  ip -n "$NETNS" link add nso0 type veth peer name nso1
  ip -n "$NETNS" addr add "$NODE_IP/24" dev nso0
  ip -n "$NETNS" addr add "$PEER_IP/24" dev nso1
  ip -n "$NETNS" link set nso0 up
  ip -n "$NETNS" link set nso1 up
  ip -n "$NETNS" route add default via "$PEER_IP" dev nso0
  create_cgroups
  write_certs
  write_containerd_config

  bash "$HERE/registry-config.sh" "$IMAGE_STORE" "$REGISTRY" > "$RUN/registry.yml"
  start registry /usr/bin/docker-registry serve "$RUN/registry.yml"
  wait_for registry 30 in_ns curl -sf "http://$REGISTRY/v2/"
  push_pause_image

  start etcd "$BIN/etcd" --data-dir "$RUN/etcd" --listen-client-urls http://127.0.0.1:2379 \
    --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 --log-level warn --logger zap
  start kube-apiserver "$BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 --bind-address=0.0.0.0 \
    --secure-port=$API_PORT --insecure-port=0 --advertise-address=$NODE_IP \
    --tls-cert-file="$RUN/pki/apiserver.crt" --tls-private-key-file="$RUN/pki/apiserver.key" \
    --client-ca-file="$RUN/pki/ca.crt" --token-auth-file="$RUN/pki/tokens.csv" --authorization-mode=Node,RBAC \
    --service-account-key-file="$RUN/pki/sa.pub" --service-account-signing-key-file="$RUN/pki/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc --service-cluster-ip-range=$SERVICE_CIDR \
    --allow-privileged=true --kubelet-preferred-address-types=InternalIP --profiling=false \
    --requestheader-client-ca-file="$RUN/pki/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- --proxy-client-cert-file="$RUN/pki/front-proxy-client.crt" \
    --proxy-client-key-file="$RUN/pki/front-proxy-client.key" --enable-aggregator-routing=true --logtostderr=true --v=0
  wait_for kube-apiserver 60 kubectl_ns get --raw /readyz
  start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig="$RUN/admin.kubeconfig" \
    --leader-elect=false --service-account-private-key-file="$RUN/pki/sa.key" --root-ca-file="$RUN/pki/ca.crt" \
    --use-service-account-credentials=false --port=0 --secure-port=0 --logtostderr=true --v=0 \
    --controllers='*,-nodeipam,-csrsigning,-bootstrapsigner,-tokencleaner,-cloud-node-lifecycle,-route,-service'
  start kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$RUN/admin.kubeconfig" --leader-elect=false --port=0 \
    --bind-address=127.0.0.1 --logtostderr=true --v=0
  start_containerd
  start_kubelet
  # Conntrack limits are machine-wide on this kernel: zero means leave them as they are.
  start kube-proxy "$BIN/kube-proxy" --kubeconfig="$RUN/admin.kubeconfig" --hostname-override=nso-node \
    --proxy-mode=iptables --cluster-cidr=$POD_CIDR --conntrack-max-per-core=0 --conntrack-min=0 \
    --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0 --oom-score-adj=0 \
    --healthz-bind-address=127.0.0.1:10256 --metrics-bind-address=127.0.0.1:10249 --logtostderr=true --v=0
  wait_for "node Ready" 120 kubectl_ns wait node/nso-node --for=condition=Ready --timeout=2s
  cat > "$RUN/cluster.env" <<ENV
NETNS=$NETNS
NETNS_PATH=/run/netns/$NETNS
CGROUP=$CGROUP
NODE_IP=$NODE_IP
KUBECONFIG=$RUN/admin.kubeconfig
REGISTRY=$REGISTRY
ENV
  cat "$RUN/cluster.env"
}

kill_run_processes() {
  [ -f "$RUN/pids" ] || return 0
  # Reverse start order: kube-proxy and the kubelet first, etcd and the registry last.
  tac "$RUN/pids" | while read -r pgid _; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
  for _ in $(seq 30); do
    local alive=0
    while read -r pgid _; do kill -0 -- "-$pgid" 2>/dev/null && alive=1; done < "$RUN/pids"
    [ $alive = 0 ] && break
    sleep 0.3
  done
  while read -r pgid _; do kill -KILL -- "-$pgid" 2>/dev/null || true; done < "$RUN/pids"
}

down() {
  # Best effort throughout: one step that finds nothing to do must not stop the rest of the teardown.
  set +e +o pipefail
  RUN=$1
  [ -d "$RUN" ] || return 0
  NETNS= CGROUP=
  # shellcheck disable=SC1091
  [ -f "$RUN/ids" ] && . "$RUN/ids"
  kill_run_processes
  # containerd's shims outlive it (they are reparented), and so do the containers in the run's cgroups.
  for pid in $(pgrep -f "containerd-shim.*-address $RUN/containerd.sock" || true); do kill -KILL "$pid" 2>/dev/null || true; done
  if [ -n "$CGROUP" ]; then
    for _ in 1 2 3; do
      find /sys/fs/cgroup/*/"$CGROUP" -name cgroup.procs 2>/dev/null | xargs -r cat 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
      sleep 0.2
    done
  fi
  # Pod netns, overlay and shm mounts under the run directory (deepest first).
  grep -F " $RUN/" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  if [ -n "$CGROUP" ]; then
    find /sys/fs/cgroup/*/"$CGROUP" -depth -type d 2>/dev/null | while read -r d; do rmdir "$d" 2>/dev/null || true; done
  fi
  [ -n "$NETNS" ] && ip netns del "$NETNS" 2>/dev/null || true
  if [ -f "$RUN/created-paths" ]; then
    while read -r p; do
      case $p in
        # `ip netns add` bind-mounts /run/netns onto itself; another run's namespace may be in it by now.
        /run/netns) [ -z "$(ls -A /run/netns 2>/dev/null)" ] && { umount /run/netns 2>/dev/null; rmdir /run/netns; } ;;
        /run/containerd) grep -F " /run/containerd" /proc/mounts | awk '{print $2}' | sort -r |
          while read -r m; do umount -l "$m" 2>/dev/null || true; done; rm -rf "$p" ;;
        *) rm -rf "$p" ;;
      esac
    done < "$RUN/created-paths"
  fi
  rm -rf "$RUN"
}

# A run whose test host died (SIGKILL) left containers, mounts, cgroups and a netns: its owner.pid tells.
sweep_dead_runs() {
  local parent=$1 d
  for d in "$parent"/nso-node-*; do
    [ -f "$d/owner.pid" ] || continue
    [ "$d" = "$RUN" ] && continue
    kill -0 "$(cat "$d/owner.pid")" 2>/dev/null && continue
    log "removing the leftovers of a dead run: $d"
    (down "$d")
  done
}

case ${1:-} in
  up) shift; up "$@" ;;
  down) shift; down "$@" ;;
  restart) shift; restart "$@" ;;
  *) echo "usage: $0 up RUN_DIR PARENT_PID IMAGE_STORE | down RUN_DIR | restart RUN_DIR PARENT_PID" >&2; exit 2 ;;
esac
