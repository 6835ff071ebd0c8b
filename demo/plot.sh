#!/usr/bin/env bash
# Renders docs/images/demo-p99.png from a real run of the demo: the demo runs under the agent with
# one snapshot a second, the csv command turns the snapshots into rows, and demo/Plot.java draws
# the p99 of each operation per interval with Java2D. Also prints the last snapshot's summary and
# one snapshot line, as the README shows them. Usage: demo/plot.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -B -q -DskipTests package -pl demo,agent -am
cd demo
rm -f target/plot-stats.jsonl
java -javaagent:../agent/target/perfmon-agent.jar=config=agent.properties,interval=1s,output.file=target/plot-stats.jsonl \
  -jar target/perfmon-demo.jar "${1:-30}" > /dev/null
java -jar ../agent/target/perfmon-agent.jar csv target/plot-stats.jsonl > target/plot-stats.csv
java -Djava.awt.headless=true Plot.java target/plot-stats.csv ../docs/images/demo-p99.png \
  "demo/run.sh under the agent: p99 of each operation per 1-second interval (ms, log scale)"
echo "wrote docs/images/demo-p99.png from demo/target/plot-stats.jsonl ($(wc -l < target/plot-stats.jsonl) lines)"
java -jar ../agent/target/perfmon-agent.jar summary target/plot-stats.jsonl
