#!/usr/bin/env bash
# Cost of one GET /metrics with many operations: a JVM with the agent (http.port=0) runs N distinct
# JDBC statements (N operations, default 1,000), then the script scrapes /metrics R times with curl
# and prints the median and p90 wall time of a scrape, the body size, and the agent's own render
# time (perfmon_agent_scrape_duration_seconds). Also /stats for comparison.
#
#   benchmarks/metrics-scrape.sh [operations=1000] [scrapes=200] [java=java]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
runs=${2:-200}
java=${3:-java}
agent=$root/agent/target/perfmon-agent.jar
bench=$root/benchmarks/target/benchmarks.jar
for f in "$agent" "$bench"; do
  [[ -f "$f" ]] || { echo "missing $f: run benchmarks/run.sh --build first" >&2; exit 1; }
done
out=$(mktemp -d)
pid=
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT
"$java" -javaagent:"$agent"=http.port=0,interval=1h,output=none,slow.threshold=1h,very-slow.threshold=2h \
  -cp "$bench" bench.app.ManyOperations "$n" 600 >"$out/stdout" 2>"$out/stderr" &
pid=$!
for _ in $(seq 1 600); do
  grep -q READY "$out/stdout" 2>/dev/null && grep -q 'HTTP endpoint on' "$out/stderr" && break
  sleep 0.1
done
url=$(grep -o 'HTTP endpoint on http://[^ ]*' "$out/stderr" | head -1 | sed 's/HTTP endpoint on //')
[[ -n "$url" ]] || { echo "no endpoint:"; cat "$out/stderr"; exit 1; }
ops=$(curl -s "${url}metrics" | grep -c '^perfmon_operation_calls_total' || true)
measure() { # path -> sorted times (s) in $out/times
  for _ in $(seq 1 20); do curl -s -o /dev/null "$url$1"; done # warm-up
  for _ in $(seq 1 "$runs"); do curl -s -o /dev/null -w '%{time_total}\n' "$url$1"; done | sort -n >"$out/times"
}
report() {
  local med p90 size
  med=$(awk -v n="$runs" 'NR==int((n+1)/2){print $1*1000}' "$out/times")
  p90=$(awk -v n="$runs" 'NR==int(n*0.9){print $1*1000}' "$out/times")
  size=$(curl -s "$url$1" | wc -c)
  printf '%-9s %5d operations: median %.2f ms, p90 %.2f ms per scrape (curl, %d scrapes), %d bytes\n' "$1" "$ops" "$med" "$p90" "$runs" "$size"
}
measure metrics; report metrics
grep -o "HTTP endpoint on .*" "$out/stderr" | head -1
render=$(curl -s "${url}metrics" | awk '/^perfmon_agent_scrape_duration_seconds/{print $2*1000}')
echo "agent's own render time of the previous /metrics: ${render} ms"
measure stats; report stats
