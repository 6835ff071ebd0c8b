#!/usr/bin/env bash
# Start-up cost of the agent on a real application: the Spring Boot test application
# (it-apps/spring-boot-app: embedded Tomcat, Spring MVC, about 7,000 classes) until it prints READY,
# without and with the agent (default configuration), alternating; median and range of <runs>.
#
#   benchmarks/startup-app.sh [runs=5] [java=java]
#
# Needs the built jars: mvn -B -DskipTests package (or benchmarks/run.sh --build, then
# mvn -B -DskipTests package -pl it-apps/spring-boot-app -am).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
java=${2:-java}
agent=$root/agent/target/perfmon-agent.jar
bench=$root/benchmarks/target/benchmarks.jar
app=$root/it-apps/spring-boot-app/target/app.jar
for f in "$agent" "$bench" "$app"; do
  [[ -f "$f" ]] || { echo "missing $f: build with mvn -B -DskipTests package" >&2; exit 1; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "$("$java" -version 2>&1 | head -1); $(nproc) cores; $runs runs each"
"$java" -cp "$bench" bench.app.ReadyProbe "$runs" READY \
  -- "no agent" "$java" -jar "$app" \
  -- "agent (default configuration)" "$java" "-javaagent:$agent=output.file=$out/s.jsonl" -jar "$app"
