#!/usr/bin/env bash
# What a first attach costs a busy JVM, and how long it takes to recover: the Spring Boot test
# application (it-apps/spring-boot-app) under wrk load on 127.0.0.1, throughput sampled every
# <sample> seconds, `perfmon attach` (one woven method, servlet and JDBC off) after <before>
# samples; then <after> more samples. Two runs: the JVM started plainly, and started with
# -javaagent:perfmon-agent.jar=enabled=false (the agent idle from start-up, so that Java 17 to 22
# record the JIT dependencies that a later class redefinition needs; see docs/reliability.md).
# Prints req/s per sample and the seconds until throughput is back to 90 % of the median before
# the attach.
#
#   benchmarks/attach-recovery.sh [java=java] [before=5] [after=20] [sample=2]
#
# Needs wrk (apt-get install -y wrk) and the built jars (mvn -B -DskipTests package).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
java=${1:-java}
before=${2:-5}
after=${3:-20}
sample=${4:-2}
agent=$root/agent/target/perfmon-agent.jar
app=$root/it-apps/spring-boot-app/target/app.jar
for f in "$agent" "$app"; do
  [[ -f "$f" ]] || { echo "missing $f: build with mvn -B -DskipTests package" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
work=$(mktemp -d)
pid=
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
echo "$("$java" -version 2>&1 | head -1); $(nproc) cores"

rate() { # one wrk sample: requests/s
  wrk -t1 -c16 -d"${sample}s" "http://127.0.0.1:$1/owners/7" 2>/dev/null | awk '/Requests\/sec/ {printf "%d", $2}'
}

run() {
  local label=$1; shift
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$java" "$@" -Xmx512m -jar "$app" --server.port="$port" --server.address=127.0.0.1 > "$work/app.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do grep -q READY "$work/app.log" && break; sleep 0.5; done
  wrk -t1 -c16 -d20s "http://127.0.0.1:$port/owners/7" > /dev/null 2>&1 # warm-up
  local samples=()
  for _ in $(seq 1 "$before"); do samples+=("$(rate "$port")"); done
  "$java" -jar "$agent" attach "$pid" --no-jit-warning "methods=example.boot.OwnersApp" \
    instrument.servlet=false instrument.jdbc=false "output.file=$work/s.jsonl" > "$work/attach.log" 2>&1 &
  local attach=$!
  local after_samples=()
  for _ in $(seq 1 "$after"); do after_samples+=("$(rate "$port")"); done
  wait "$attach" || { echo "attach failed:" >&2; cat "$work/attach.log" >&2; }
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  python3 - "$label" "$sample" "${samples[*]}" "${after_samples[*]}" <<'PY'
import statistics, sys
label, sample = sys.argv[1], int(sys.argv[2])
before = [int(x) for x in sys.argv[3].split()]
after = [int(x) for x in sys.argv[4].split()]
base = statistics.median(before)
recovered = None
for i, r in enumerate(after):
    if r >= 0.9 * base and all(x >= 0.8 * base for x in after[i:]):
        recovered = i * sample
        break
low = min(after)
print(f"{label}: before {before} (median {base:.0f} req/s)")
print(f"{label}: after  {after}")
print(f"{label}: lowest sample {low} req/s ({100*low/base:.0f} % of before); back to 90 % "
      + (f"after {recovered} s" if recovered is not None else "not within the samples"))
PY
}

run "plain start"
run "started with -javaagent:...=enabled=false" "-javaagent:$agent=enabled=false"
