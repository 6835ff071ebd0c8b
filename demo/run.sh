#!/usr/bin/env bash
# Builds the agent and the demo, runs the demo for 12 seconds under the agent, and shows what the
# agent wrote. Usage: demo/run.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package -pl demo,agent -am
cd demo
rm -f perfmon-stats.jsonl
java -javaagent:../agent/target/perfmon-agent.jar=config=agent.properties -jar target/perfmon-demo.jar "${1:-12}"
echo
echo "Snapshots written to demo/perfmon-stats.jsonl ($(wc -l < perfmon-stats.jsonl) lines). The last one, summarised:"
java -jar ../agent/target/perfmon-agent.jar summary perfmon-stats.jsonl
