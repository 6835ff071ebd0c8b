#!/usr/bin/env bash
# Start-up cost of the agent: wall time of a hello-world JVM (start, main, exit) without the agent,
# with it (no methods), with 1 and with 200 method patterns; then the time to main alone (the JVM
# halts at the end of main, skipping shutdown hooks and so the agent's final snapshot). Uses hyperfine when installed
# (apt-get install hyperfine), else a plain loop (mean of N runs).
#
#   benchmarks/startup.sh [runs=20] [java=java]
#
# BENCH_AGENT_ARGS=http.port=0 benchmarks/startup.sh adds agent arguments to every agent run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${1:-20}
java=${2:-java}
agent=$root/agent/target/perfmon-agent.jar
bench=$root/benchmarks/target/benchmarks.jar
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in "$agent" "$bench"; do
  [[ -f "$f" ]] || { echo "missing $f: run benchmarks/run.sh --build first" >&2; exit 1; }
done

# 200 patterns that match nothing in the app (100 exact, 100 globs), plus one that matches.
patterns="bench.app.Hello#greet"
for i in $(seq 1 100); do patterns="$patterns;com.example.svc$i.OrderService$i#find"; done
for i in $(seq 1 99); do patterns="$patterns;com.example.repo$i.*Repository#save*"; done
# An empty jar appended to the boot class path: isolates the cost of losing CDS for application
# classes (the JVM disables it when the boot class path is appended, as the agent must do).
mkdir -p "$out/empty" && "${java%java}jar" cf "$out/empty.jar" -C "$out/empty" . 2>/dev/null \
  || (cd "$out/empty" && jar cf "$out/empty.jar" .)

base="$java -Xshare:auto -cp $bench bench.app.Hello"
agentarg="-javaagent:$agent=output.file=$out/s.jsonl,interval=1h${BENCH_AGENT_ARGS:+,$BENCH_AGENT_ARGS}"
declare -a names=("no agent" "empty jar on boot class path" "agent, no methods" "agent, 1 method pattern" "agent, 200 method patterns"
  "to main: no agent" "to main: agent, no methods" "to main: agent, 1 method pattern" "to main: agent, 200 method patterns")
declare -a cmds=(
  "$base"
  "$java -Xbootclasspath/a:$out/empty.jar -cp $bench bench.app.Hello"
  "$java $agentarg -cp $bench bench.app.Hello"
  "$java $agentarg,methods=bench.app.Hello#greet -cp $bench bench.app.Hello"
  "$java $agentarg,methods=$patterns -cp $bench bench.app.Hello"
  "$base halt"
  "$java $agentarg -cp $bench bench.app.Hello halt"
  "$java $agentarg,methods=bench.app.Hello#greet -cp $bench bench.app.Hello halt"
  "$java $agentarg,methods=$patterns -cp $bench bench.app.Hello halt"
)
echo "$("$java" -version 2>&1 | head -1); $(nproc) cores; $runs runs each"
if command -v hyperfine >/dev/null; then
  args=()
  for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$root/benchmarks/target/startup.md" "${args[@]}" \
    2>&1 | grep -v "^ *Range\|^ *$" || true
  cat "$root/benchmarks/target/startup.md"
else
  printf '| Command | Mean [ms] |\n|---|---:|\n'
  for i in "${!cmds[@]}"; do
    ${cmds[$i]} >/dev/null 2>&1; ${cmds[$i]} >/dev/null 2>&1   # warm-up (page cache)
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do ${cmds[$i]} >/dev/null 2>&1; done
    end=$(date +%s%N)
    printf '| %s | %d |\n' "${names[$i]}" $(( (end - start) / runs / 1000000 ))
  done
fi
