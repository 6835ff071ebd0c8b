#!/usr/bin/env bash
# What the JIT compilers spend on the agent's code during the large application's start
# (it-apps/spring-boot-large): one start under JFR with every compilation and deoptimisation
# recorded (jdk.Compilation with threshold 0, jdk.Deoptimization), stopped at the first HTTP 200.
# Prints the compile time (JFR's duration: wall time of each compilation, so a busy machine
# inflates it) of C2 and C1 in all and on the agent's code (its own and its shaded Byte Buddy),
# the agent's largest C2 compilations with the byte code they inlined, and the deoptimisations in
# its code.
#
#   benchmarks/startup-jit.sh [agent.jar|none] [java] [agent options, e.g. ,methods=example.large.*]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=large-app.sh
source "$root/benchmarks/large-app.sh"
agent=${1:-$root/agent/target/perfmon-agent.jar}
java=${2:-java}
opts=${3:-}
app=$root/it-apps/spring-boot-large/target/app.jar
[[ -f $app ]] || { echo "missing $app: mvn -B -DskipTests package -pl agent,it-apps/spring-boot-large -am" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat >"$out/jit.jfc" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.Compilation"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
  <event name="jdk.Deoptimization"><setting name="enabled">true</setting><setting name="stackTrace">false</setting></event>
</configuration>
XML
arg=()
[[ $agent != none ]] && arg=("-javaagent:$agent=output.file=$out/s.jsonl$opts")
p=$(free_port)
"$java" "-XX:StartFlightRecording:filename=$out/r.jfr,settings=$out/jit.jfc" "${arg[@]}" -jar "$app" --server.port=$p >"$out/app.log" 2>&1 &
pid=$!
await_first_200 "$pid" "$p" "$out/app.log"
kill "$pid"; wait "$pid" 2>/dev/null || true
"$(dirname "$(readlink -f "$(command -v "$java")")")/jfr" print --json --events jdk.Compilation,jdk.Deoptimization "$out/r.jfr" >"$out/jit.json"
python3 - "$out/jit.json" <<'PY'
import collections, json, sys
events = json.load(open(sys.argv[1]))['recording']['events']
def secs(d):  # ISO-8601 duration as JFR prints it: PT0.0123S
    return float(d[2:-1]) if d.startswith('PT') and d.endswith('S') else 0.0
total = collections.Counter(); agent = collections.Counter(); big = []; names = {}
for e in events:
    if e['type'] != 'jdk.Compilation':
        continue
    v = e['values']; m = v['method']; owner = m['type']['name']
    tier = 'C2' if v['compileLevel'] == 4 else 'C1'
    ms = secs(v['duration']) * 1000
    names[v['compileId']] = owner.split('/')[-1] + '.' + m['name']
    total[tier] += ms
    if 'perfmon' in owner:
        agent[tier] += ms
        if tier == 'C2':
            big.append((ms, owner.split('/')[-1] + '.' + m['name'], v.get('inlinedBytes', 0)))
print('compile time until the first 200: C2 %.0f ms (agent code %.0f), C1 %.0f ms (agent code %.0f)' % (
    total['C2'], agent['C2'], total['C1'], agent['C1']))
print('largest C2 compilations of agent code (ms, method, byte code inlined):')
for ms, name, inl in sorted(big, reverse=True)[:8]:
    print('  %6.0f  %-70s %6d' % (ms, name[:70], inl))
deopts = [e['values'] for e in events if e['type'] == 'jdk.Deoptimization' and 'perfmon' in e['values']['method']['type']['name']]
print('deoptimisations in agent code: %d' % len(deopts))
for v in deopts[:8]:
    print('  %s.%s line %s: %s (%s), in compilation of %s' % (v['method']['type']['name'].split('/')[-1], v['method']['name'],
          v['lineNumber'], v['reason'], v['action'], names.get(v['compileId'], '?')))
PY
