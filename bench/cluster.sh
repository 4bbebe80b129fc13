# Sourced by the registry benchmarks: starts a fresh three-member cluster on loopback (separate JVMs) and stops it
# on exit. Reads ROOT; sets JAR (this tree's server jar) and BENCH_JAR (its load generator), built if missing, and pids (the members).
#   MUSTER_BENCH_SERVER_JAR  another build for the members (A/B comparisons); the load generator is always BENCH_JAR
#   MUSTER_BENCH_HEAP        member heap's maximum (default 1g); the members start with bin/muster-server.options
#   MUSTER_BENCH_JAVA_OPTS   JVM options for the members after that file; {id} becomes n1..n3 (e.g. a JFR file each)
#   MUSTER_BENCH_SERVER_ARGS extra server flags (e.g. --write-in-flight 4); {id} becomes n1..n3 (e.g. a certificate each)
#   MUSTER_BENCH_CA          the members serve HTTPS (--tls-cert/--tls-key in MUSTER_BENCH_SERVER_ARGS): the CA that
#                            signed their certificates; MEMBERS then says https:// and readiness is checked with it
JAR="$ROOT/registry-server/target/muster-server.jar"
BENCH_JAR="$ROOT/muster-bench/target/muster-bench.jar"
[ -f "$JAR" ] && [ -f "$BENCH_JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)
SERVER_JAR="${MUSTER_BENCH_SERVER_JAR:-$JAR}"
HEAP="${MUSTER_BENCH_HEAP:-1g}"
JAVA_OPTS="${MUSTER_BENCH_JAVA_OPTS:-}"
SERVER_ARGS="${MUSTER_BENCH_SERVER_ARGS:-}"
DATA="$(mktemp -d /tmp/muster-bench.XXXXXX)"
SCHEME=http; CURL_CA=()
if [ -n "${MUSTER_BENCH_CA:-}" ]; then SCHEME=https; CURL_CA=(--cacert "$MUSTER_BENCH_CA"); fi
MEMBERS="$SCHEME://127.0.0.1:9700,$SCHEME://127.0.0.1:9710,$SCHEME://127.0.0.1:9720"
peers="n1@127.0.0.1:9701,n2@127.0.0.1:9711,n3@127.0.0.1:9721"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for i in 1 2 3; do
  base=$((9700 + (i - 1) * 10))
  # shellcheck disable=SC2086
  java @"$ROOT/bin/muster-server.options" -Xmx"$HEAP" ${JAVA_OPTS//\{id\}/n$i} -jar "$SERVER_JAR" server --id "n$i" --data-dir "$DATA/n$i" \
    --http "127.0.0.1:$base" --raft "127.0.0.1:$((base + 1))" --dns "127.0.0.1:$((base + 53))" \
    --peers "$peers" ${SERVER_ARGS//\{id\}/n$i} > "$DATA/n$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do
  port=$((9700 + (i - 1) * 10))
  for _ in $(seq 1 120); do
    curl -fs "${CURL_CA[@]}" "$SCHEME://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
done
