#!/usr/bin/env bash
# Builds the agent and the demo, runs the demo for 12 seconds under the agent, and shows what the
# agent wrote. Usage: demo/run.sh [seconds]
# PERFMON_DEMO_NO_BUILD=1 uses the jars already built; PERFMON_DEMO_BUILD_GOALS replaces 'package'
# (DemoRunIT checks with 'validate' that the build's output has no terminal escape codes).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${PERFMON_DEMO_NO_BUILD:-}" != 1 ]; then
  # Maven 3.8's console library writes ESC[0m resets even in batch mode; jansi.noreset stops them.
  MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -B -q -DskipTests ${PERFMON_DEMO_BUILD_GOALS:-package} -pl demo,agent -am
fi
cd demo
rm -f perfmon-stats.jsonl
java -javaagent:../agent/target/perfmon-agent.jar=config=agent.properties -jar target/perfmon-demo.jar "${1:-12}"
echo
echo "Snapshots written to demo/perfmon-stats.jsonl ($(wc -l < perfmon-stats.jsonl) lines). The last one, summarised:"
java -jar ../agent/target/perfmon-agent.jar summary perfmon-stats.jsonl
