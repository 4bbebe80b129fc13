#!/usr/bin/env bash
# Muster against etcd (and ZooKeeper) on the same machine, side by side: each as three members on loopback, driven
# by the same load generator (muster-bench.jar compare) with the same workloads, alternating on fresh clusters,
# ROUNDS times. Prints every RESULT line as it comes, then one table: the median of each figure for each system
# and Muster's ratio to etcd (the targets are ratios to etcd; ZooKeeper's column is reported beside them).
#
#   bench/compare.sh                      # ROUNDS=2; needs root to apt-get etcd-server once
#   ROUNDS=3 SECONDS_PER=20 INSTANCES=10000 SERVICES=100 IN_FLIGHT=32 bench/compare.sh
#   FORCE=1 bench/compare.sh              # run although the machine is not idle (figures then mean little)
#
# etcd is Debian's etcd-server (3.4), driven through its JSON gateway: register = lease grant + put, heartbeat =
# lease keepalive, lookup = range over the service's prefix (serializable for the stale one), deregister =
# deleterange, propagation = a watch stream per watcher. ZooKeeper is Debian's zookeeper (3.8) through Curator
# x-discovery, as its Java users drive it: register = registerService (an ephemeral node), liveness = the
# session (no heartbeat figure), lookup = queryForInstances (after sync() for the linearizable one),
# propagation = a ServiceCache listener. Muster uses its HTTP API. All get the same warm-up. memory-100k fills the
# cluster to 100,000 instances and prints the resident memory then and per instance added.
#   SYSTEMS="etcd muster" bench/compare.sh   # leave a peer out
#   SYSTEMS=muster WORKLOADS=heartbeat MUSTER_BENCH_JAVA_OPTS=-XX:TieredStopAtLevel=4 bench/compare.sh   # try a flag
# Muster's members start with bin/muster-server.options, as bin/muster starts them, and -Xmx$MUSTER_BENCH_HEAP;
# ZooKeeper's with the same heap settings.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-2}"
HEAP="${MUSTER_BENCH_HEAP:-1g}"
SERVER_JAR="${MUSTER_BENCH_SERVER_JAR:-$ROOT/registry-server/target/muster-server.jar}"
BENCH_JAR="$ROOT/muster-bench/target/muster-bench.jar"
ARGS=(--instances "${INSTANCES:-10000}" --services "${SERVICES:-100}" --in-flight "${IN_FLIGHT:-32}"
      --seconds "${SECONDS_PER:-15}" --warmup "${WARMUP:-10000}")
[ -n "${WORKLOADS:-}" ] && ARGS+=(--workloads "$WORKLOADS")

SYSTEMS="${SYSTEMS:-etcd muster zookeeper}"
missing=()
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
[ -f /usr/share/java/zookeeper.jar ] || missing+=(zookeeper)
if [ ${#missing[@]} -gt 0 ]; then
  echo "compare: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
fi
[ -f "$SERVER_JAR" ] && [ -f "$BENCH_JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)

# The machine must be idle: a JVM left from a test halves every figure (docs/measuring: check first).
load=$(awk '{print $1}' /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
  echo "compare: load average $load; the machine is not idle:" >&2
  top -bn1 | sed -n '7,14p' >&2
  [ "${FORCE:-0}" = 1 ] || { echo "compare: stop what runs, or FORCE=1" >&2; exit 1; }
fi

WORK="$(mktemp -d /tmp/muster-compare.XXXXXX)"
pids=()
stop_all() {
  # A flight recording is written at exit: stop members gently when recording, so that their JVMs get to write it.
  case "${MUSTER_BENCH_JAVA_OPTS:-}" in *FlightRecording*) kill -TERM "${pids[@]}" 2>/dev/null || true; sleep 5 ;; esac
  kill -9 "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; pids=()
}
trap 'stop_all; rm -rf "$WORK"' EXIT

ready() { # url-to-poll, what
  for _ in $(seq 1 240); do
    curl -fs "$1" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  echo "compare: $2 did not become ready" >&2
  return 1
}

start_etcd() {
  local cluster="e1=http://127.0.0.1:23891,e2=http://127.0.0.1:23892,e3=http://127.0.0.1:23893" i
  for i in 1 2 3; do
    local c=$((23790 + i)) p=$((23890 + i))
    etcd --name "e$i" --data-dir "$WORK/etcd-$1/e$i" \
      --listen-client-urls "http://127.0.0.1:$c" --advertise-client-urls "http://127.0.0.1:$c" \
      --listen-peer-urls "http://127.0.0.1:$p" --initial-advertise-peer-urls "http://127.0.0.1:$p" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "bench-$1" \
      > "$WORK/etcd-$1-e$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 1 2 3; do ready "http://127.0.0.1:$((23790 + i))/health" "etcd e$i"; done
  MEMBERS="http://127.0.0.1:23791,http://127.0.0.1:23792,http://127.0.0.1:23793"
}

start_zookeeper() {
  local i
  for i in 1 2 3; do
    local dir="$WORK/zookeeper-$1/z$i"
    mkdir -p "$dir/data"
    echo "$i" > "$dir/data/myid"
    {
      echo "tickTime=2000"; echo "initLimit=10"; echo "syncLimit=5"
      echo "dataDir=$dir/data"; echo "clientPort=$((21810 + i))"; echo "clientPortAddress=127.0.0.1"
      echo "admin.enableServer=false"; echo "4lw.commands.whitelist=srvr,ruok"
      echo "server.1=127.0.0.1:28881:38881"; echo "server.2=127.0.0.1:28882:38882"; echo "server.3=127.0.0.1:28883:38883"
    } > "$dir/zoo.cfg"
    # Debian's zookeeper (3.8): its jar's manifest names the jars it needs. The same heap settings as a Muster
    # member (bin/muster-server.options starts it at 64 MiB).
    java -Xms64m -Xmx"$HEAP" -Dzookeeper.log.dir="$dir" -cp /etc/zookeeper/conf:/usr/share/java/zookeeper.jar \
      org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" > "$WORK/zookeeper-$1-z$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 1 2 3; do
    for _ in $(seq 1 240); do
      [ "$(echo srvr | timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$((21810 + i)); cat >&3; cat <&3" 2>/dev/null | grep -c '^Mode: ')" = 1 ] && break
      sleep 0.25
    done
  done
  MEMBERS="http://127.0.0.1:21811,http://127.0.0.1:21812,http://127.0.0.1:21813"
}

start_muster() {
  local peers="n1@127.0.0.1:9701,n2@127.0.0.1:9711,n3@127.0.0.1:9721" i
  for i in 1 2 3; do
    local base=$((9700 + (i - 1) * 10))
    # The members start as bin/muster starts them (its options file), with the heap's maximum given here.
    # MUSTER_BENCH_JAVA_OPTS adds options after it ({id} becomes n1..n3, {round} the round), e.g. a recording:
    # "-XX:StartFlightRecording=settings=profile,filename=/tmp/muster-{round}-{id}.jfr".
    # The cluster-wide instance quota (100,000 by default) is raised: memory-100k fills the cluster to 100,000 and
    # the failover workload registers after it; etcd and ZooKeeper have no limit on the number of keys.
    local extra="${MUSTER_BENCH_JAVA_OPTS:-}"
    extra="${extra//\{id\}/n$i}"
    # shellcheck disable=SC2086
    java @"$ROOT/bin/muster-server.options" -Xmx"$HEAP" ${extra//\{round\}/$1} -jar "$SERVER_JAR" server --id "n$i" --data-dir "$WORK/muster-$1/n$i" \
      --http "127.0.0.1:$base" --raft "127.0.0.1:$((base + 1))" --dns "127.0.0.1:$((base + 53))" \
      --peers "$peers" --max-instances 1000000 > "$WORK/muster-$1-n$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 1 2 3; do ready "http://127.0.0.1:$((9700 + (i - 1) * 10))/health/ready" "muster n$i"; done
  MEMBERS="http://127.0.0.1:9700,http://127.0.0.1:9710,http://127.0.0.1:9720"
}

RESULTS="$WORK/results"
: > "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  # Alternate the order, so no system always runs on the machine another just left.
  if [ $((round % 2)) -eq 1 ]; then order="$SYSTEMS"; else order="$(echo "$SYSTEMS" | tr ' ' '\n' | tac | tr '\n' ' ')"; fi
  for system in $order; do
    echo "compare: round $round, $system" >&2
    "start_$system" "$round"
    java -Xms512m -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$BENCH_JAR" compare --system "$system" --members "$MEMBERS" \
      --pids "$(IFS=,; echo "${pids[*]}")" "${ARGS[@]}" | tee -a "$RESULTS"
    stop_all
  done
done

echo
echo "Medians over $ROUNDS round(s) each; Muster / etcd (for rates higher is better; for ms, s and memory lower is)."
printf '%-22s %16s %16s %16s %9s   %s\n' workload etcd muster zookeeper "mu/etcd" "muster CPU s (servers / generator)"
awk '
  $1 == "RESULT" {
    key = $3; unit[key] = $5; n[$2, key]++; v[$2, key, n[$2, key]] = $4
    for (i = 6; i <= NF; i++) if ($i ~ /^server_cpu=|^gen_cpu=/) { split($i, kv, "="); cpu[$2, key, kv[1]] = cpu[$2, key, kv[1]] " " kv[2] }
    if (!(key in seen)) { seen[key] = 1; order[++k] = key }
  }
  function median(sys, key,    m, i, j, t, a) {
    m = n[sys, key]; if (m == 0) return "nan"
    for (i = 1; i <= m; i++) a[i] = v[sys, key, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    for (i = 1; i <= k; i++) {
      key = order[i]; e = median("etcd", key); m = median("muster", key); z = median("zookeeper", key)
      ratio = (e + 0 > 0 && m != "nan") ? sprintf("%.2fx", m / e) : "-"
      printf "%-22s %9s %-6s %9s %-6s %9s %-6s %9s   %s /%s\n", key, e, unit[key], m, unit[key], z, unit[key], ratio, cpu["muster", key, "server_cpu"], cpu["muster", key, "gen_cpu"]
    }
  }' "$RESULTS"
