#!/usr/bin/env bash
# Where the agent's extra start-up CPU goes on the large application (it-apps/spring-boot-large):
# per thread, the CPU time (user + system, /proc/<pid>/task/*/stat) at the first HTTP 200 from
# GET /ping, grouped by thread name (the main thread, C2 and C1 compiler threads, GC, the agent's
# own), in interleaved rounds of: no agent, then each agent jar given (default configuration), each
# round starting with the next configuration.
# Prints per group the median over the rounds and the difference to the run without the agent,
# then the time to the first 200 and the RSS there (median, min-max).
#
#   benchmarks/startup-threads.sh <rounds> <java> <agent.jar>[,<options>] [<other-agent.jar>[,<options>] ...]
#
# e.g. agent/target/perfmon-agent.jar agent/target/perfmon-agent.jar,methods=example.large.*
#
# A no-op agent (a transformer that returns null for every class) measured this way adds nothing
# beyond the noise: what the rows show is the agent's own work and the JIT compiling it.
# Needs: mvn -B -DskipTests package -pl agent,it-apps/spring-boot-large -am; curl; python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=large-app.sh
source "$root/benchmarks/large-app.sh"
rounds=${1:?rounds}; java=${2:?java}; shift 2
jars=("$@")
[[ ${#jars[@]} -gt 0 ]] || { echo "give at least one agent jar" >&2; exit 1; }
app=$root/it-apps/spring-boot-large/target/app.jar
[[ -f $app ]] || { echo "missing $app: mvn -B -DskipTests package -pl agent,it-apps/spring-boot-large -am" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tick=$(getconf CLK_TCK)
configs=$((${#jars[@]} + 1))
for r in $(seq "$rounds"); do
  # Each round starts with the next configuration, so that each takes every place in turn: with a
  # fixed order, a configuration always run right after another (or first) carries whatever that
  # place costs. Identical jars came out 0.6 s apart in one 8-round series on a noisy machine
  # (docs/startup.md, tenth session): give the same jar twice to see a machine's noise floor.
  for k in $(seq 0 $((configs - 1))); do
    c=$(((r - 1 + k) % configs))
    p=$(free_port)
    arg=()
    if [[ $c -gt 0 ]]; then
      spec=${jars[$((c - 1))]}
      jar=${spec%%,*}
      opts=${spec#"$jar"}
      arg=("-javaagent:$jar=output.file=$out/s$c.jsonl$opts")
    fi
    start=$(date +%s%N)
    "$java" "${arg[@]}" -jar "$app" --server.port=$p >"$out/app.log" 2>&1 &
    pid=$!
    await_first_200 "$pid" "$p" "$out/app.log"
    end=$(date +%s%N)
    rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")
    for t in /proc/$pid/task/*; do
      { read -r comm <"$t/comm"; } 2>/dev/null || continue # a thread that ended meanwhile
      s=$(cat "$t/stat" 2>/dev/null) || continue
      s=${s##*) }
      # shellcheck disable=SC2086
      set -- $s
      echo "$c $r $(((${12} + ${13}) * 1000 / tick)) ${comm// /_}"
    done >>"$out/threads.txt"
    echo "$c $r $(((end - start) / 1000000)) $rss" >>"$out/runs.txt"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
names="no agent"
for j in "${jars[@]}"; do names="$names|$(basename "$j")"; done   # basename keeps the options
python3 - "$out" "$names" <<'PY'
import collections, re, statistics, sys
out, names = sys.argv[1], sys.argv[2].split('|')
per = collections.defaultdict(lambda: collections.defaultdict(lambda: collections.Counter()))
for line in open(out + '/threads.txt'):
    c, r, ms, name = line.split()
    name = re.sub(r'\d+$', '#', name)
    name = 'http-nio (Tomcat)' if name.startswith('http-nio') else name
    per[int(c)][int(r)][name] += int(ms)
    per[int(c)][int(r)]['ALL THREADS'] += int(ms)
groups = sorted({g for c in per.values() for r in c.values() for g in r})
med = {c: {g: statistics.median(per[c][r][g] for r in per[c]) for g in groups} for c in per}
rows = sorted(groups, key=lambda g: -max(abs(med[c][g] - med[0][g]) for c in med))
print('CPU ms at the first 200, medians over the rounds (difference to no agent):')
print('%-22s' % 'thread' + ''.join('%26s' % n[:24] for n in names))
for g in rows[:12]:
    cells = ['%8.0f' % med[0][g]] + ['%8.0f (%+6.0f)' % (med[c][g], med[c][g] - med[0][g]) for c in sorted(med) if c]
    print('%-22s' % g[:22] + ''.join('%26s' % x for x in cells))
runs = collections.defaultdict(list)
for line in open(out + '/runs.txt'):
    c, r, wall, rss = map(int, line.split())
    runs[c].append((wall, rss))
for c in sorted(runs):
    w = [a for a, b in runs[c]]; m = [b for a, b in runs[c]]
    print('%-34s first 200 after %5.2f s (%.2f-%.2f), RSS %d MB (%d-%d), %d rounds' % (
        names[c][:34], statistics.median(w) / 1000, min(w) / 1000, max(w) / 1000,
        statistics.median(m), min(m), max(m), len(w)))
PY
