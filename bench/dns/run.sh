#!/usr/bin/env bash
# DNS throughput of one Muster member over UDP, with nsd serving the same records as the reference.
#
#   bench/dns/run.sh            # ROUNDS=2 DURATION=15 WARMUP=8 by default; needs root for apt-get
#
# Each round starts a fresh single-member Muster (as bin/muster starts it, with a fixed heap), registers 10 instances of `web` over HTTP,
# warms up, and runs dnsperf (-c 4 -q 200, UDP, no EDNS0) for `web.service.muster. A` and `... SRV`; then it
# starts nsd (one server process, response rate limiting off) on a static zone holding the same 10 A and
# 10 SRV records (plus the targets' A records) and runs the same dnsperf commands. Each server is warmed up
# with both questions before either is measured. Muster and nsd alternate,
# ROUNDS times. It prints one line per run (qps, latency, lost, CPU seconds of server and of dnsperf) and
# kills, by PID, everything it started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="${MUSTER_JAR:-$ROOT/registry-server/target/muster-server.jar}"
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-8}"
CLIENTS="${CLIENTS:-4}"
OUTSTANDING="${OUTSTANDING:-200}"
HEAP="${HEAP:-512m}"
HTTP_PORT="${HTTP_PORT:-18700}"
RAFT_PORT="${RAFT_PORT:-18701}"
DNS_PORT="${DNS_PORT:-18753}"
NSD_PORT="${NSD_PORT:-18853}"
INSTANCES=10

need() { command -v "$1" >/dev/null 2>&1; }
if ! need dnsperf || ! need nsd || ! need dig; then
  echo "installing dnsperf, nsd and dig ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf nsd bind9-dnsutils >/dev/null
fi
if [ ! -f "$JAR" ]; then
  echo "building $JAR ..." >&2
  (cd "$ROOT" && mvn -q -B -DskipTests package)
fi

WORK="$(mktemp -d /tmp/muster-dnsbench.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

printf 'web.service.muster. A\n' >"$WORK/q-A.txt"
printf 'web.service.muster. SRV\n' >"$WORK/q-SRV.txt"

# A process and all its descendants (nsd's main process forks a child that forks the answering server).
tree_of() {
  local p
  echo "$1"
  for p in $(pgrep -P "$1"); do tree_of "$p"; done
}

# CPU seconds (user + system) used so far by a process tree.
cpu_of() {
  local total=0 p
  for p in $(tree_of "$1"); do
    [ -r "/proc/$p/stat" ] || continue
    # Fields after the command name, which may contain spaces: utime and stime are the 12th and 13th.
    total=$(( total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }') ))
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }'
}

await() { # what, seconds, command...
  local what="$1" secs="$2"; shift 2
  for _ in $(seq $((secs * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for $what" >&2
  return 1
}

count_a() { [ "$(dig @127.0.0.1 -p "$1" +short +tries=1 +time=1 web.service.muster. A | wc -l)" -eq "$INSTANCES" ]; }

start_muster() {
  local dir="$WORK/muster-$1"
  mkdir -p "$dir"
  # As bin/muster starts a member (its options file: the quick JIT tier), with the heap fixed here;
  # MUSTER_BENCH_JAVA_OPTS adds options after them, e.g. -XX:TieredStopAtLevel=4 for both tiers.
  # shellcheck disable=SC2086
  java @"$ROOT/bin/muster-server.options" "-Xms$HEAP" "-Xmx$HEAP" ${MUSTER_BENCH_JAVA_OPTS:-} -jar "$JAR" server --id n1 --data-dir "$dir/data" \
    --http "127.0.0.1:$HTTP_PORT" --raft "127.0.0.1:$RAFT_PORT" --dns "127.0.0.1:$DNS_PORT" \
    --peers "n1@127.0.0.1:$RAFT_PORT" >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  await "muster ready" 60 curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready"
  for i in $(seq 1 $INSTANCES); do
    curl -sf -X PUT -H 'Content-Type: application/json' \
      -d "{\"address\":\"10.0.0.$i\",\"port\":8080}" \
      "http://127.0.0.1:$HTTP_PORT/v1/services/web/instances/web-$i" >/dev/null
  done
  await "10 A records from muster" 30 count_a "$DNS_PORT"
}

start_nsd() {
  local dir="$WORK/nsd-$1"
  mkdir -p "$dir"
  {
    echo "\$ORIGIN muster."
    echo "\$TTL 0"
    echo "@ IN SOA ns.muster. hostmaster.muster. 1 3600 600 86400 0"
    echo "@ IN NS ns"
    echo "ns IN A 127.0.0.1"
    for i in $(seq 1 $INSTANCES); do
      local hex; hex="$(printf '0a0000%02x' "$i")"
      echo "web.service IN A 10.0.0.$i"
      echo "web.service IN SRV 1 1 8080 $hex.addr"
      echo "$hex.addr IN A 10.0.0.$i"
    done
  } >"$dir/muster.zone"
  cat >"$dir/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1
  port: $NSD_PORT
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$dir"
  database: ""
  zonelistfile: "$dir/zone.list"
  xfrdfile: "$dir/xfrd.state"
  xfrdir: "$dir"
  pidfile: "$dir/nsd.pid"
  logfile: "$dir/nsd.log"
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: "muster."
  zonefile: "muster.zone"
CONF
  nsd -d -c "$dir/nsd.conf" >"$dir/stdout.log" 2>&1 &
  SERVER_PID=$!
  await "10 A records from nsd" 30 count_a "$NSD_PORT"
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# One dnsperf run; prints: qps avg_ms lost server_cpu_s dnsperf_cpu_s
perf() { # port type seconds
  local out="$WORK/perf.out" before after times
  before="$(cpu_of "$SERVER_PID")"
  times="$( { TIMEFORMAT='%U %S'; time dnsperf -s 127.0.0.1 -p "$1" -d "$WORK/q-$2.txt" \
      -c "$CLIENTS" -q "$OUTSTANDING" -l "$3" >"$out" 2>&1; } 2>&1 )"
  after="$(cpu_of "$SERVER_PID")"
  awk -v b="$before" -v a="$after" -v t="$times" '
    /Queries per second:/ { qps = $4 }
    /Average Latency/ { lat = $4 * 1000 }
    /Queries lost:/ { lost = $3 }
    END { split(t, u, " "); printf "%.0f %.3f %s %.1f %.1f\n", qps, lat, lost, a - b, u[1] + u[2] }' "$out"
}

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# dnsperf -c $CLIENTS -q $OUTSTANDING -l $DURATION (after ${WARMUP}s of warm-up per type, both types first), UDP, no EDNS0"
printf '%-7s %-5s %-4s %10s %8s %9s %8s %9s\n' server round type qps avg_ms lost srv_cpu perf_cpu
RESULTS="$WORK/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  for server in muster nsd; do
    if [ "$server" = muster ]; then start_muster "$round"; port=$DNS_PORT; else start_nsd "$round"; port=$NSD_PORT; fi
    # Warm up with every question first: a JVM measured on A right after start would still be compiling.
    for type in A SRV; do perf "$port" "$type" "$WARMUP" >/dev/null; done
    for type in A SRV; do
      read -r qps lat lost scpu pcpu <<<"$(perf "$port" "$type" "$DURATION")"
      printf '%-7s %-5s %-4s %10s %8s %9s %8s %9s\n' "$server" "$round" "$type" "$qps" "$lat" "$lost" "$scpu" "$pcpu"
      echo "$server $type $qps" >>"$RESULTS"
    done
    stop_server
  done
done

echo "# medians (qps), and muster as a share of nsd"
for type in A SRV; do
  m="$(awk -v t="$type" '$1 == "muster" && $2 == t { print $3 }' "$RESULTS" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
  n="$(awk -v t="$type" '$1 == "nsd" && $2 == t { print $3 }' "$RESULTS" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
  awk -v t="$type" -v m="$m" -v n="$n" 'BEGIN { printf "%-4s muster %8.0f   nsd %8.0f   ratio %.2f\n", t, m, n, m / n }'
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
