#!/usr/bin/env bash
# Throughput of a trivial servlet with and without the agent, measured with wrk.
#
#   benchmarks/servlet-throughput.sh [runs=5] [seconds=10] [threads=2] [connections=32] [agent-args]
#
# Starts two servers from benchmarks/target/benchmarks.jar (bench.app.ServletApp: embedded Tomcat 11
# on 127.0.0.1, a free port, GET /users/1 answers a 12-byte body, keep-alive never closed by the
# server): one without the agent and one with -javaagent:agent/target/perfmon-agent.jar (default
# configuration: servlet and JDBC instrumentation on; snapshots to a temporary file). Then runs wrk
# against 127.0.0.1 only: a warm-up run on each server, then <runs> measured runs of <seconds> each,
# alternating without/with so that load from other processes hurts both sides alike. Prints
# requests/s both ways, per run and in total, the ratio of the means with/without (goal: at least
# 98 %) and the median of the per-run ratios (steadier when other processes load the machine in
# bursts). agent-args are appended to the agent's arguments, e.g. instrument.servlet=false for an
# A/B of where the cost goes.
#
# wrk and both JVMs share the machine's cores; on 2 cores the defaults (2 wrk threads, 32
# connections) keep both cores busy. The idle server waits while the other one is measured.
#
# Needs wrk (Debian/Ubuntu: apt-get install -y wrk) and the built jars (benchmarks/run.sh --build).
# Bounded: about (2 + 2 x runs) x seconds + 10 s; both servers are killed on exit (also on Ctrl-C).
# Environment: JAVA (default java), JAVA_OPTS (default -Xms256m -Xmx256m), WARMUP seconds (default
# = seconds).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
secs=${2:-10}
threads=${3:-2}
conns=${4:-32}
extra=${5:-}
java=${JAVA:-java}
java_opts=${JAVA_OPTS:--Xms256m -Xmx256m}
warmup=${WARMUP:-$secs}
agent=$root/agent/target/perfmon-agent.jar
bench=$root/benchmarks/target/benchmarks.jar

if ! command -v wrk >/dev/null; then
  echo "wrk is not installed: apt-get install -y wrk (Debian/Ubuntu), or build it from https://github.com/wg/wrk" >&2
  exit 2
fi
for f in "$agent" "$bench"; do
  [[ -f "$f" ]] || { echo "missing $f: run benchmarks/run.sh --build first" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; cleanup; exit 130' INT TERM

# start <name> [java args...]: starts a server, waits for "READY port=N" (30 s at most), sets $port.
start() {
  local name=$1; shift
  # shellcheck disable=SC2086
  "$java" $java_opts "$@" -cp "$bench" bench.app.ServletApp 0 >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  local i
  for i in $(seq 1 300); do
    port=$(sed -n 's/^READY port=\([0-9]*\).*/\1/p' "$work/$name.out")
    [[ -n "$port" ]] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "$name server died:" >&2; cat "$work/$name.err" >&2; exit 1; }
    sleep 0.1
  done
  echo "$name server not ready after 30 s" >&2
  exit 1
}

agentargs="output=file,output.file=$work/perfmon.jsonl${extra:+,$extra}"
start plain;   plain_port=$port
start tracked "-javaagent:$agent=$agentargs"; tracked_port=$port

# rps <port> <seconds>: requests/s of one wrk run (fails on socket errors or non-2xx answers).
rps() {
  local out
  out=$(wrk -t"$threads" -c"$conns" -d"${2}s" --latency "http://127.0.0.1:$1/users/1")
  if grep -qE "Non-2xx|Socket errors" <<<"$out"; then
    echo "wrk reported errors:" >&2; echo "$out" >&2; exit 1
  fi
  awk '/^Requests\/sec:/{print $2}' <<<"$out"
}

echo "$("$java" -version 2>&1 | head -1); $(nproc) cores; wrk -t$threads -c$conns, $runs x ${secs}s per side after ${warmup}s warm-up"
echo "agent: $agentargs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
rps "$plain_port" "$warmup" >/dev/null
rps "$tracked_port" "$warmup" >/dev/null
echo
echo "| Run | Without agent req/s | With agent req/s | With / without |"
echo "|---:|---:|---:|---:|"
sum_p=0; sum_t=0; ratios=""
for r in $(seq 1 "$runs"); do
  p=$(rps "$plain_port" "$secs")
  t=$(rps "$tracked_port" "$secs")
  sum_p=$(awk -v a="$sum_p" -v b="$p" 'BEGIN{print a+b}')
  sum_t=$(awk -v a="$sum_t" -v b="$t" 'BEGIN{print a+b}')
  ratios="$ratios $(awk -v p="$p" -v t="$t" 'BEGIN{print 100*t/p}')"
  awk -v r="$r" -v p="$p" -v t="$t" 'BEGIN{printf "| %d | %.0f | %.0f | %.1f %% |\n", r, p, t, 100*t/p}'
done
median=$(tr ' ' '\n' <<<"$ratios" | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END{print NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
awk -v p="$sum_p" -v t="$sum_t" -v n="$runs" -v m="$median" 'BEGIN{
  ratio = 100*t/p
  printf "| mean | %.0f | %.0f | **%.1f %%** (goal ≥ 98 %%: %s) |\n", p/n, t/n, ratio, ratio >= 98 ? "met" : "MISSED"
  printf "| median of the run ratios | | | %.1f %% |\n", m}'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# The agent must have seen the requests, or the "with" column measured nothing.
kill "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
if ! grep -q '"servlet.GET /users/' "$work/perfmon.jsonl" 2>/dev/null; then
  echo "WARNING: the agent's output names no servlet.GET /users/... operation: requests were not tracked" >&2
  exit 1
fi
