#!/usr/bin/env bash
# One fresh three-member cluster (separate JVMs), then RUNS consecutive `muster bench register` runs against it,
# each with its own warm-up, printing every run's figures and the members' CPU seconds, JIT compiler threads
# apart: shows how throughput settles as the members' JITs warm up (a single run measures a cold cluster).
#   RUNS=7 bench/run-registry-series.sh [extra bench args]
# Member settings (other build, heap, JVM options, server flags): see bench/cluster.sh.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=cluster.sh
. "$ROOT/bench/cluster.sh"
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
  java -Xms512m -Xmx512m -jar "$BENCH_JAR" register --members "$MEMBERS" "$@" | grep -E "=>|p50"
  j1=$(jit); t1=$(total)
  echo "  run $run: members CPU $(awk -v a="$t1" -v b="$t0" 'BEGIN {printf "%.1f", a - b}') s, JIT threads $(awk -v a="$j1" -v b="$j0" 'BEGIN {printf "%.1f", a - b}') s"
done
