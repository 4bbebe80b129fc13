#!/usr/bin/env bash
# Starts a fresh three-member cluster on loopback (separate JVMs), runs one `muster bench` workload against it,
# prints the bench's figures and each member's CPU seconds, then stops the members it started.
#   bench/run-registry.sh register  [--instances 10000 --services 100 --in-flight 32]
#   bench/run-registry.sh heartbeat [--instances 10000 --services 100 --in-flight 32 --seconds 20 --ttl 60s]
# Member settings (other build, heap, JVM options, server flags): see bench/cluster.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
workload="${1:?register or heartbeat}"; shift
# shellcheck source=cluster.sh
. "$ROOT/bench/cluster.sh"
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
before=(); for p in "${pids[@]}"; do before+=("$(cpu "$p")"); done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xms512m -Xmx512m -jar "$BENCH_JAR" "$workload" --members "$MEMBERS" "$@"
i=0; for p in "${pids[@]}"; do
  echo "  member n$((i + 1)) CPU during the run: $(awk -v a="$(cpu "$p")" -v b="${before[$i]}" 'BEGIN {printf "%.1f s", a - b}')"
  i=$((i + 1))
done
