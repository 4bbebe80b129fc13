#!/usr/bin/env bash
# Starts a fresh three-member cluster on loopback (separate JVMs), runs one `muster bench` workload against it,
# prints the bench's figures and each member's CPU seconds, then stops the members it started.
#   bench/run-registry.sh register  [--instances 10000 --services 100 --in-flight 32]
#   bench/run-registry.sh heartbeat [--instances 10000 --services 100 --in-flight 32 --seconds 20 --ttl 60s]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/registry-server/target/muster-server.jar"
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)
# The members may run another build (A/B comparisons: MUSTER_BENCH_SERVER_JAR=/path/to/old/muster-server.jar);
# the load generator is always this tree's.
SERVER_JAR="${MUSTER_BENCH_SERVER_JAR:-$JAR}"
workload="${1:?register or heartbeat}"; shift
DATA="$(mktemp -d /tmp/muster-bench.XXXXXX)"
HEAP="${MUSTER_BENCH_HEAP:-1g}"
# Extra JVM options for the members, e.g. MUSTER_BENCH_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/{id}.jfr'
# ({id} becomes the member id: n1, n2, n3).
JAVA_OPTS="${MUSTER_BENCH_JAVA_OPTS:-}"
peers="n1@127.0.0.1:9701,n2@127.0.0.1:9711,n3@127.0.0.1:9721"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for i in 1 2 3; do
  base=$((9700 + (i - 1) * 10))
  # shellcheck disable=SC2086
  java -Xms"$HEAP" -Xmx"$HEAP" ${JAVA_OPTS//\{id\}/n$i} -jar "$SERVER_JAR" server --id "n$i" --data-dir "$DATA/n$i" \
    --http "127.0.0.1:$base" --raft "127.0.0.1:$((base + 1))" --dns "127.0.0.1:$((base + 53))" \
    --peers "$peers" > "$DATA/n$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do
  port=$((9700 + (i - 1) * 10))
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
done
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
before=(); for p in "${pids[@]}"; do before+=("$(cpu "$p")"); done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xms512m -Xmx512m -jar "$JAR" bench "$workload" \
  --members http://127.0.0.1:9700,http://127.0.0.1:9710,http://127.0.0.1:9720 "$@"
i=0; for p in "${pids[@]}"; do
  echo "  member n$((i + 1)) CPU during the run: $(awk -v a="$(cpu "$p")" -v b="${before[$i]}" 'BEGIN {printf "%.1f s", a - b}')"
  i=$((i + 1))
done
