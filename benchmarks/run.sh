#!/usr/bin/env bash
# Runs the JMH benchmarks of the hot path and prints the overhead table (Markdown).
#
#   benchmarks/run.sh [--build] [runner options]
#
# --build   first builds the agent jar and the benchmarks jar (mvn package, tests skipped).
# Runner options (see BenchmarkRunner): --rounds 3 --forks 1 --warmup 3 --iterations 5 --time 1000
#   --jvm /path/to/bin/java --only calls,recorder,snapshot,jdbc,servlet --quiet
#   --only api: the application API (perfmon-api) per call, without and with the agent, beside
#   method advice and the hand-timed floor (about 3 minutes with --rounds 2; see docs/api.md)
#   --agent-args http.port=0 (further agent arguments of the calls benchmark's tracked forks)
#   --only snapscale: whole snapshots at 2,000 and 10,000 operations, cold and warm (not in the
#   default list; about 3 to 5 minutes; see docs/snapshot-scale.md)
#   --io-warmup 20 --io-iterations 15 (iterations of the jdbc and servlet forks)
# The tables are also written to benchmarks/target/results.md. A full run takes about 8 minutes on
# 2 cores (--only jdbc,servlet: about 3 minutes). Throughput under load: servlet-throughput.sh (wrk). Not part of `mvn verify`, which only compiles and packages this module.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [[ "${1:-}" == "--build" ]]; then
  shift
  mvn -B -q -pl agent,benchmarks -am package -DskipTests
fi
agent=agent/target/perfmon-agent.jar
bench=benchmarks/target/benchmarks.jar
for f in "$agent" "$bench"; do
  if [[ ! -f "$f" ]]; then
    echo "missing $f: run benchmarks/run.sh --build (or mvn -pl agent,benchmarks -am package -DskipTests)" >&2
    exit 1
  fi
done
java -jar "$bench" --agent "$agent" "$@" | tee benchmarks/target/run.log
# The table is everything after the last "JVM:" line.
awk '/^JVM: /{buf=""; on=1} on{buf=buf $0 "\n"} END{printf "%s", buf}' benchmarks/target/run.log \
  > benchmarks/target/results.md
echo "table written to benchmarks/target/results.md"
