#!/usr/bin/env bash
# One start of it-apps/spring-boot-large under a JFR recording (profile settings) and a GC log; at
# the first HTTP 200 from GET /ping: the JVM's CPU time, RSS, heap committed, a JFR dump, a full
# GC (GC.run, which also clears soft references only when needed: see the heap after it in the GC
# log) and the agent's share of allocation and CPU samples (benchmarks/jfr-agent-share.py).
#
#   benchmarks/startup-jfr.sh <outdir> [agent arguments, e.g. "" for none, or "methods=example.large.*"] [java]
#   AGENT=<jar> (default agent/target/perfmon-agent.jar); NOAGENT=1 runs without the agent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=large-app.sh
source "$root/benchmarks/large-app.sh"
outdir=$1; args=${2:-}; java=${3:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
jcmd=$(dirname "$java")/jcmd; jfr=$(dirname "$java")/jfr
agent=${AGENT:-$root/agent/target/perfmon-agent.jar}
app=$root/it-apps/spring-boot-large/target/app.jar
mkdir -p "$outdir"
port=$(free_port)
agentopt=()
[[ ${NOAGENT:-0} == 1 ]] || agentopt=("-javaagent:$agent=output.file=$outdir/s.jsonl${args:+,$args}")
start=$(date +%s%N)
"$java" -XX:StartFlightRecording=settings=profile -Xlog:gc*:file="$outdir/gc.log" "${agentopt[@]}" \
  -jar "$app" --server.port=$port >"$outdir/app.log" 2>&1 &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/ping"; do
  kill -0 $pid 2>/dev/null || { tail -20 "$outdir/app.log"; exit 1; }
  sleep 0.05
done
end=$(date +%s%N)
stat=$(cut -d' ' -f14,15 /proc/$pid/stat); tick=$(getconf CLK_TCK)
rss=$(awk '/^VmRSS:/ {print $2}' /proc/$pid/status)
mem=$(curl -sf "http://127.0.0.1:$port/memory")
"$jcmd" $pid JFR.dump filename="$outdir/rec.jfr" >/dev/null
"$jcmd" $pid GC.run >/dev/null
sleep 0.5
mem2=$(curl -sf "http://127.0.0.1:$port/memory")
kill $pid; wait $pid 2>/dev/null || true
echo "wall_ms=$(( (end-start)/1000000 )) cpu_ms=$(( (${stat% *} + ${stat#* }) * 1000 / tick )) rss_mb=$((rss/1024)) memory_at_ready: $mem after_full_gc: $mem2 load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$outdir/summary.txt"
"$jfr" print --events jdk.ObjectAllocationSample --stack-depth 200 "$outdir/rec.jfr" | python3 "$root/benchmarks/jfr-agent-share.py" | tee "$outdir/alloc.txt" | head -12
"$jfr" print --events jdk.ExecutionSample --stack-depth 200 "$outdir/rec.jfr" | python3 "$root/benchmarks/jfr-agent-share.py" | tee "$outdir/cpu.txt" | head -12
