#!/usr/bin/env bash
# Where the agent's CPU time goes, per thread, during one start of the large application
# (it-apps/spring-boot-large) until its first HTTP 200: async-profiler (fetched from Maven Central
# into the local repository on first use) samples every thread's CPU every millisecond; the script
# then sums, per thread, the samples with an agent frame (dev.perfmon) by what the agent was doing:
# premain, the class-file pre-test, the stack-headroom probe, Byte Buddy weaving, the rest of Byte
# Buddy's transformer, building it and the weaving warm-up after a background build, other agent code. One sample is
# about one millisecond of CPU. Byte Buddy classes of the application's own (Hibernate's, not
# shaded) are not counted as the agent's.
#
#   benchmarks/startup-profile.sh [agent.jar|none] [java] [agent options, e.g. ,methods=example.large.*]
#
# Needs: mvn -B -DskipTests package -pl agent,it-apps/spring-boot-large -am; curl; python3; a
# kernel that lets a process profile itself (perf_event_paranoid <= 2; else EVENT=itimer).
# PROFILE_KEEP=<file> keeps the collapsed stacks (one line per stack and thread, with its count).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=large-app.sh
source "$root/benchmarks/large-app.sh"
agent=${1:-$root/agent/target/perfmon-agent.jar}
java=${2:-java}
opts=${3:-}
app=$root/it-apps/spring-boot-large/target/app.jar
[[ -f $app ]] || { echo "missing $app: mvn -B -DskipTests package -pl agent,it-apps/spring-boot-large -am" >&2; exit 1; }
version=4.1
repo=${M2_REPO:-$HOME/.m2/repository}
jar=$repo/tools/profiler/async-profiler/$version/async-profiler-$version-linux-x64.jar
if [[ ! -f $jar ]]; then
  mvn -B -q dependency:get -Dartifact=tools.profiler:async-profiler:$version:jar:linux-x64 >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$out" && unzip -q "$jar" 'linux-x64/*')
lib=$out/linux-x64/libasyncProfiler.so
arg=()
[[ $agent != none ]] && arg=("-javaagent:$agent=output.file=$out/s.jsonl$opts")
p=$(free_port)
start=$(date +%s%N)
"$java" "-agentpath:$lib=start,event=${EVENT:-cpu},interval=1ms,threads,collapsed,file=$out/cpu.txt" "${arg[@]}" \
  -jar "$app" --server.port=$p >"$out/app.log" 2>&1 &
pid=$!
await_first_200 "$pid" "$p" "$out/app.log"
end=$(date +%s%N)
kill "$pid"; wait "$pid" 2>/dev/null || true # the profile is written at exit
echo "first 200 after $(( (end - start) / 1000000 )) ms (under the profiler)"
[[ -n ${PROFILE_KEEP:-} ]] && cp "$out/cpu.txt" "$PROFILE_KEEP"
python3 - "$out/cpu.txt" <<'PY'
import collections, re, sys
threads = collections.Counter()
agent = collections.Counter()
def kind(stack):
    if 'WeaveWarmUp' in stack: return 'weaving warm-up (background build)'
    if 'DeferredTransformer$1.call' in stack: return "building Byte Buddy's transformer"
    if 'PerfmonAgent.premain' in stack: return 'premain'
    if 'shaded/net/bytebuddy/dynamic/scaffold/TypeWriter' in stack or 'shaded/net/bytebuddy/asm/Advice' in stack:
        return 'Byte Buddy weaving'
    if 'Prefilter.mayMatch' in stack: return 'class-file pre-test'
    if 'StackHeadroom' in stack: return 'stack-headroom probe'
    if 'DeferredTransformer' in stack or 'PerfmonTransformerFactory' in stack or 'ExecutingTransformer' in stack:
        return "Byte Buddy's transformer, other (matching, describing)"
    return 'other agent code'
for line in open(sys.argv[1]):
    stack, n = line.rstrip().rsplit(' ', 1)
    n = int(n)
    name = re.sub(r'\d+', '#', re.sub(r'\s*tid=\d+', '', stack.split(';', 1)[0]).strip('[]'))
    threads[name] += n
    if 'dev/perfmon' in stack:
        agent[(name, kind(stack))] += n
print('CPU samples (about ms) per thread:')
for k, v in threads.most_common(8):
    print('  %7d  %s' % (v, k))
print('of which with an agent frame, by thread and activity:')
for (t, k), v in sorted(agent.items(), key=lambda x: -x[1]):
    if v >= 5:
        print('  %7d  %-22s %s' % (v, t, k))
PY
