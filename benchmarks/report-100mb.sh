#!/usr/bin/env bash
# Time and memory of `java -jar perfmon-agent.jar report` on about 100 MB of JSON Lines: generates
# synthetic snapshots in the agent's format, with histograms (benchmarks/report/GenerateJsonl.java:
# 4 JVMs, 60 operations per snapshot), then runs the table, --json and --html reports under
# /usr/bin/time -v and prints wall time and peak RSS. See docs/report.md for the figures.
#
#   benchmarks/report-100mb.sh [java=java] [megabytes=100] [-Xmx=256m]
#
# Needs the built agent jar (mvn -B -DskipTests package) and GNU time (/usr/bin/time).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
java=${1:-java}
mb=${2:-100}
xmx=${3:-256m}
agent=$root/agent/target/perfmon-agent.jar
[[ -f "$agent" ]] || { echo "missing $agent: build with mvn -B -DskipTests package" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$java" "$root/benchmarks/report/GenerateJsonl.java" "$work/data" "$mb"
du -sh "$work/data"
echo "$("$java" -version 2>&1 | head -1); $(nproc) cores; -Xmx$xmx"
for mode in table json html; do
  case $mode in
    table) extra=(--width 140) ;;
    json) extra=(--json) ;;
    html) extra=(--html "$work/report.html") ;;
  esac
  /usr/bin/time -v "$java" -Xmx"$xmx" -jar "$agent" report "$work/data" "${extra[@]}" >"$work/out.$mode" 2>"$work/err.$mode" || {
    cat "$work/err.$mode" >&2; exit 1; }
  wall=$(grep "Elapsed (wall clock)" "$work/err.$mode" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$work/err.$mode" | awk '{print $NF}')
  echo "report ($mode): wall $wall, peak RSS $((rss / 1024)) MB"
done
grep -v "^\s" "$work/err.table" | grep perfmon: || true
head -8 "$work/out.table"
