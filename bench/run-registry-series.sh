#!/usr/bin/env bash
# One fresh three-member cluster (separate JVMs), then RUNS consecutive `muster bench register` runs against it,
# each with its own warm-up, printing every run's figures and the members' CPU seconds, JIT compiler threads
# apart: shows how throughput settles as the members' JITs warm up (a single run measures a cold cluster).
#   RUNS=7 bench/run-registry-series.sh [extra bench args]
# MUSTER_BENCH_SERVER_JAR: another build for the members; MUSTER_BENCH_JAVA_OPTS: JVM options for them;
# MUSTER_BENCH_SERVER_ARGS: extra server flags (e.g. --write-in-flight 4).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/registry-server/target/muster-server.jar"
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)
SERVER_JAR="${MUSTER_BENCH_SERVER_JAR:-$JAR}"
JAVA_OPTS="${MUSTER_BENCH_JAVA_OPTS:-}"
SERVER_ARGS="${MUSTER_BENCH_SERVER_ARGS:-}"
DATA="$(mktemp -d /tmp/muster-series.XXXXXX)"
peers="n1@127.0.0.1:9701,n2@127.0.0.1:9711,n3@127.0.0.1:9721"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for i in 1 2 3; do
  base=$((9700 + (i - 1) * 10))
  # shellcheck disable=SC2086
  java -Xms1g -Xmx1g $JAVA_OPTS -jar "$SERVER_JAR" server --id "n$i" --data-dir "$DATA/n$i" \
    --http "127.0.0.1:$base" --raft "127.0.0.1:$((base + 1))" --dns "127.0.0.1:$((base + 53))" \
    --peers "$peers" $SERVER_ARGS > "$DATA/n$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do
  port=$((9700 + (i - 1) * 10))
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
done
# CPU seconds of the members' JIT compiler threads, and of the members in all.
jit() {
  for p in "${pids[@]}"; do
    for t in /proc/"$p"/task/*; do
      case "$(cat "$t/comm" 2>/dev/null)" in
        C*CompilerThre*) stat="$(cat "$t/stat" 2>/dev/null)" || continue; set -- ${stat##*) }; echo $(( ${12} + ${13} )) ;;
      esac
    done
  done | awk '{s += $1} END {printf "%.1f", s / 100}'
}
total() { for p in "${pids[@]}"; do awk '{print ($14 + $15) / 100}' "/proc/$p/stat"; done | awk '{s += $1} END {printf "%.1f", s}'; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "${RUNS:-7}"); do
  j0=$(jit); t0=$(total)
  java -Xms512m -Xmx512m -jar "$JAR" bench register \
    --members http://127.0.0.1:9700,http://127.0.0.1:9710,http://127.0.0.1:9720 "$@" | grep -E "=>|p50"
  j1=$(jit); t1=$(total)
  echo "  run $run: members CPU $(awk -v a="$t1" -v b="$t0" 'BEGIN {printf "%.1f", a - b}') s, JIT threads $(awk -v a="$j1" -v b="$j0" 'BEGIN {printf "%.1f", a - b}') s"
done
