#!/usr/bin/env bash
# What ACL checks and TLS cost in throughput, side by side (issue 12). For each setup a fresh three-member cluster
# on loopback (bench/cluster.sh), driven by the same load generator (muster-bench.jar compare --system muster) with
# the same workloads: register, heartbeat, lookup linearizable and stale. Setups alternate on fresh clusters,
# ROUNDS times (the order reverses every other round). Prints every RESULT line as it comes, then one table: per
# workload and setup the median rate, its ratio to plain, latency, failures, and the CPU seconds the members and
# the generator spent (with the members' CPU per operation, which shows a cost where throughput does not).
#
#   bench/security-cost.sh                                 # ROUNDS=2, all four setups: roughly 12-15 minutes (estimate)
#   ROUNDS=3 SECONDS_PER=20 INSTANCES=10000 bench/security-cost.sh
#   SETUPS="plain tls" bench/security-cost.sh              # some setups only (plain is the ratios' base)
#   FORCE=1 bench/security-cost.sh                         # run although the machine is not idle (figures then mean little)
#
#   ROUNDS       rounds of all setups (default 2)
#   SETUPS       among plain acl tls acl+tls (default all four)
#                  plain    no ACLs (default policy allow, no token sent), plain HTTP, plain Raft
#                  acl      --acl-default-policy deny --acl-bootstrap-token; the generator sends a non-management
#                           token whose policy has several prefix rules (write on svc-, warmup-, hb-; deny on
#                           svc-internal-; operator read), so every request is resolved and its rules evaluated
#                  tls      HTTPS on the API and mutual TLS on Raft (--tls-*, --raft-tls-*), one certificate per
#                           member from a test CA (bin/make-test-ca); the generator trusts that CA
#                  acl+tls  both
#   INSTANCES    instances registered in the measured register run (default 5000)
#   SERVICES     services they are spread over (default 100)
#   IN_FLIGHT    requests in flight, round-robin over the members (default 32)
#   SECONDS_PER  seconds of each time-boxed workload: heartbeat and both lookups (default 10)
#   WARMUP       discarded registrations (then 3 s of heartbeats and lookups) before measuring (default INSTANCES)
#   FORCE=1      skip the idle check
#   Member build, heap, JVM options: MUSTER_BENCH_SERVER_JAR, MUSTER_BENCH_HEAP, MUSTER_BENCH_JAVA_OPTS (cluster.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-2}"
SETUPS="${SETUPS:-plain acl tls acl+tls}"
INSTANCES="${INSTANCES:-5000}"
ARGS=(--instances "$INSTANCES" --services "${SERVICES:-100}" --in-flight "${IN_FLIGHT:-32}"
      --seconds "${SECONDS_PER:-10}" --warmup "${WARMUP:-$INSTANCES}"
      --workloads heartbeat,lookup-linearizable,lookup-stale)
for s in $SETUPS; do
  case "$s" in plain|acl|tls|acl+tls) ;; *) echo "security-cost: unknown setup $s (plain acl tls acl+tls)" >&2; exit 2 ;; esac
done
command -v openssl >/dev/null || { echo "security-cost: openssl is required (test CA, bootstrap secret)" >&2; exit 1; }

# The machine must be idle: a JVM left from a test halves every figure (docs/measuring: check first).
load=$(awk '{print $1}' /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
  echo "security-cost: load average $load; the machine is not idle:" >&2
  top -bn1 | sed -n '7,14p' >&2
  [ "${FORCE:-0}" = 1 ] || { echo "security-cost: stop what runs, or FORCE=1" >&2; exit 1; }
fi

WORK="$(mktemp -d /tmp/muster-security-cost.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
TLS="$WORK/tls"
make_ca() { "$ROOT/bin/make-test-ca" "$TLS" n1 n2 n3 2>/dev/null; }
case " $SETUPS " in *" tls "*|*" acl+tls "*) make_ca ;; esac
BOOT="$(openssl rand -hex 32)"   # the bootstrap (management) secret; only the setup's ACL calls use it
ACL_ARGS="--acl-default-policy deny --acl-bootstrap-token $BOOT"
TLS_ARGS="--tls-cert $TLS/{id}.pem --tls-key $TLS/{id}.key --raft-tls-cert $TLS/{id}.pem --raft-tls-key $TLS/{id}.key --raft-tls-ca $TLS/ca.pem"
# Prefix rules the guard has to search (longest match; the deny is longer than svc- but never matches the bench's
# services), and operator read for /metrics. Not a management token: management grants on the empty prefix.
POLICY='{"description": "security-cost load generator", "rules": [
  {"service": "svc-", "prefix": true, "access": "write"},
  {"service": "svc-internal-", "prefix": true, "access": "deny"},
  {"service": "warmup-", "prefix": true, "access": "write"},
  {"service": "hb-", "prefix": true, "access": "write"},
  {"operator": "read"}]}'

die() { # message; shows the members' logs
  echo "security-cost: $*" >&2
  for f in "$DATA"/n*.log; do echo "--- $f" >&2; tail -n 20 "$f" >&2; done
  exit 1
}

# status METHOD URL [TOKEN [BODY]]: the HTTP status of one request (000 when there is no answer)
status() {
  local h=() d=()
  [ -n "${3:-}" ] && h=(-H "Authorization: Bearer $3")
  [ -n "${4:-}" ] && d=(-H "Content-Type: application/json" -d "$4")
  curl -s -o /dev/null -w '%{http_code}' "${CURL_CA[@]}" -X "$1" "${h[@]}" "${d[@]}" "$2" || true
}

# Under deny: the policy and a token for the generator (retried: the leader bootstraps once elected), known to every
# member before the run; then a check that the guard evaluates rules rather than letting everything through.
acl_token() {
  local m1="${MEMBERS%%,*}" secret="" m
  for _ in $(seq 1 60); do
    [ "$(status PUT "$m1/v1/acl/policies/bench" "$BOOT" "$POLICY")" = 200 ] && break
    sleep 0.5
  done
  secret=$(curl -fs "${CURL_CA[@]}" -X POST -H "Authorization: Bearer $BOOT" -H "Content-Type: application/json" \
    -d '{"description": "security-cost load generator", "policies": ["bench"]}' "$m1/v1/acl/tokens" |
    sed -n 's/.*"secret":"\([^"]*\)".*/\1/p') || true
  [ -n "$secret" ] || die "could not create the generator's token"
  for m in ${MEMBERS//,/ }; do
    for _ in $(seq 1 40); do
      [ "$(status GET "$m/v1/acl/whoami" "$secret")" = 200 ] && break
      sleep 0.25
    done
  done
  local body='{"address": "10.0.0.1", "port": 8080}' got
  got="$(status PUT "$m1/v1/services/svc-acl-probe/instances/p1" "$secret" "$body") \
$(status PUT "$m1/v1/services/svc-internal-probe/instances/p1" "$secret" "$body") \
$(status PUT "$m1/v1/services/other-probe/instances/p1" "$secret" "$body") \
$(status PUT "$m1/v1/services/svc-acl-probe/instances/p2" "" "$body") \
$(status DELETE "$m1/v1/services/svc-acl-probe/instances/p1" "$secret")"
  [ "$got" = "200 403 403 401 200" ] ||
    die "ACL probe: expected 200 403 403 401 200 (allowed, denied prefix, uncovered, no token, delete), got $got"
  TOKEN="$secret"
}

RESULTS="$WORK/results"
: > "$RESULTS"
started=$SECONDS
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order="$SETUPS"; else order="$(echo "$SETUPS" | tr ' ' '\n' | tac | tr '\n' ' ')"; fi
  for setup in $order; do
    echo "security-cost: $(date +%T) round $round, $setup" >&2
    MUSTER_BENCH_SERVER_ARGS=""; MUSTER_BENCH_CA=""; TOKEN=""
    case "$setup" in
      acl) MUSTER_BENCH_SERVER_ARGS="$ACL_ARGS" ;;
      tls) MUSTER_BENCH_SERVER_ARGS="$TLS_ARGS"; MUSTER_BENCH_CA="$TLS/ca.pem" ;;
      acl+tls) MUSTER_BENCH_SERVER_ARGS="$ACL_ARGS $TLS_ARGS"; MUSTER_BENCH_CA="$TLS/ca.pem" ;;
    esac
    # shellcheck source=cluster.sh
    . "$ROOT/bench/cluster.sh"           # a fresh cluster: sets MEMBERS, pids, CURL_CA, cleanup
    trap 'cleanup; rm -rf "$WORK"' EXIT
    for m in ${MEMBERS//,/ }; do
      curl -fs "${CURL_CA[@]}" "$m/health/ready" >/dev/null 2>&1 || die "$m is not ready ($setup)"
    done
    case "$setup" in acl|acl+tls) acl_token ;; esac
    gen=(--system muster --members "$MEMBERS" --pids "$(IFS=,; echo "${pids[*]}")")
    [ -n "$MUSTER_BENCH_CA" ] && gen+=(--ca "$MUSTER_BENCH_CA")
    [ -n "$TOKEN" ] && gen+=(--token "$TOKEN")
    java -Xms512m -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$BENCH_JAR" compare "${gen[@]}" "${ARGS[@]}" |
      sed -u "s/^RESULT muster /RESULT $setup /" | tee -a "$RESULTS"
    cleanup; pids=()                     # stopped and reaped: nothing left for the exit trap to signal
  done
done

echo
echo "security-cost: $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s for $ROUNDS round(s) of: $SETUPS" >&2
echo "Medians over $ROUNDS round(s) each, fresh cluster per run; ratio = setup / plain (rates: higher is better)."
echo "CPU: seconds over the workload's window (members / generator), and the members' CPU per operation."
printf '%-20s %-8s %12s %7s %8s %8s %7s %9s %9s %7s\n' workload setup median ratio "p50 ms" "p99 ms" failed "server s" "srv ms/op" "gen s"
awk -v setups="$SETUPS" '
  $1 == "RESULT" && / ok=/ {
    s = $2; w = $3; k = s SUBSEP w
    if (!(w in seenw)) { seenw[w] = 1; order[++nw] = w }
    n[k]++; rate[k, n[k]] = $4; unit[w] = $5
    for (i = 6; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    p50[k, n[k]] = f["p50"]; p99[k, n[k]] = f["p99"]; srv[k, n[k]] = f["server_cpu"]; gen[k, n[k]] = f["gen_cpu"]
    perop[k, n[k]] = f["ok"] > 0 ? f["server_cpu"] * 1000 / f["ok"] : "nan"
    failed[k] += f["failed"]
  }
  function median(arr, k,    m, i, j, t, a) {
    m = n[k]; if (m == 0) return "nan"
    for (i = 1; i <= m; i++) a[i] = arr[k, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    ns = split(setups, S, " ")
    for (i = 1; i <= nw; i++) {
      w = order[i]; base = median(rate, "plain" SUBSEP w)
      for (j = 1; j <= ns; j++) {
        k = S[j] SUBSEP w; if (n[k] == 0) continue
        r = median(rate, k)
        ratio = (base != "nan" && base + 0 > 0) ? sprintf("%.2fx", r / base) : "-"
        printf "%-20s %-8s %9.1f %-2s %7s %8.1f %8.1f %7d %9.1f %9.3f %7.1f\n", w, S[j], r, unit[w], ratio,
          median(p50, k), median(p99, k), failed[k], median(srv, k), median(perop, k), median(gen, k)
      }
    }
  }' "$RESULTS"
