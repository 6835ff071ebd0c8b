#!/usr/bin/env bash
# Start-up cost of the agent on a large application: it-apps/spring-boot-large (Spring MVC +
# Thymeleaf, Spring Data JPA on Hibernate and H2, validation, cache, Actuator, embedded Tomcat;
# about 16,700 classes loaded when it serves its first request).
#
# For each JDK, runs interleaved (one run of each configuration in turn, <runs> rounds after one
# warm-up round; each round starts with the next configuration, so that each takes every place):
# no agent; the agent with its default configuration; the agent with methods= over the
# application's own package (example.large.*). Each run measures, from launch until the first
# HTTP 200 from GET /ping (polled every 50 ms):
#   - wall time (sensitive to other load on the machine),
#   - the process's CPU time (user+system, /proc/<pid>/stat; less sensitive to load),
#   - RSS (VmRSS, /proc/<pid>/status) and the Java heap committed (MemoryMXBean, read through the
#     application's GET /memory right after the first 200).
# Prints median and min-max per configuration; the raw runs go to benchmarks/target/startup-large-*.tsv.
#
#   benchmarks/startup-large.sh [runs=5] [java ...]   (default: JDK 17 and 25 if installed)
#
# Needs the built jars: mvn -B -DskipTests package -pl agent,it-apps/spring-boot-large -am
# Extra JVM options for every run (e.g. -XX:StartFlightRecording) via STARTUP_JVM_OPTS; another agent
# build instead of agent/target's via PERFMON_AGENT; a fourth configuration, another build with its
# default configuration, via PERFMON_AGENT_BEFORE; WARMUP=0 skips the warm-up round.
# TRANSFORMER_CPU=1 also reports the CPU time application threads spent in the agent's class-file
# transformer (-Dperfmon.debug.transformerCpu=true: two thread-CPU-clock reads per class loaded, about
# 20 ms in all here; the figure is read from the agent's log line at the JVM's exit). Unlike the
# process's CPU time it hardly moves with other load, which makes two builds comparable on a busy machine.
# With it, one more column: the bytes those threads allocated in the transformer (exact, per thread).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=large-app.sh
source "$root/benchmarks/large-app.sh"
runs=${1:-5}
shift || true
javas=("$@")
if [[ ${#javas[@]} -eq 0 ]]; then
  for j in /usr/lib/jvm/java-17-openjdk-amd64/bin/java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; do
    [[ -x $j ]] && javas+=("$j")
  done
fi
agent=${PERFMON_AGENT:-$root/agent/target/perfmon-agent.jar}   # another build to compare: PERFMON_AGENT=path
app=$root/it-apps/spring-boot-large/target/app.jar
for f in "$agent" "$app"; do
  [[ -f "$f" ]] || { echo "missing $f: mvn -B -DskipTests package -pl agent,it-apps/spring-boot-large -am" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$root/benchmarks/target"
tick=$(getconf CLK_TCK)

names=("no agent" "agent (default configuration)" "agent, methods=example.large.*")
cfgs=(0 1 2)
# PERFMON_AGENT_BEFORE=<jar>: a fourth configuration, another build with its default configuration,
# interleaved with the others (before/after comparisons under the same load); BEFORE_OPTS appends
# agent options to its argument (e.g. ",methods=example.large.*").
if [[ -n ${PERFMON_AGENT_BEFORE:-} ]]; then
  names+=("other build $(basename "$PERFMON_AGENT_BEFORE") (${BEFORE_OPTS:-default configuration})")
  cfgs+=(3)
fi
# The script's own PERFMON_* variables are not the agent's: not passed on to the JVMs (the agent
# would warn about an unknown environment variable).
export -n PERFMON_AGENT PERFMON_AGENT_BEFORE
args_of() { # configuration index -> agent argument (or nothing)
  if [[ ${TRANSFORMER_CPU:-0} == 1 && $1 != 0 ]]; then echo -n "-Dperfmon.debug.transformerCpu=true "; fi
  case $1 in
    0) ;;
    1) echo "-javaagent:$agent=output.file=$out/s.jsonl" ;;
    2) echo "-javaagent:$agent=output.file=$out/s.jsonl,methods=example.large.*" ;;
    3) echo "-javaagent:$PERFMON_AGENT_BEFORE=output.file=$out/s.jsonl${BEFORE_OPTS:-}" ;;
  esac
}

# One run: prints "wall_ms cpu_ms rss_mb heap_committed_mb transformer_cpu_ms transformer_alloc_mb"
# (the last two -1 unless measured).
once() {
  local java=$1 cfg=$2 p
  p=$(free_port)
  local start end pid stat rss mem
  start=$(date +%s%N)
  # shellcheck disable=SC2046,SC2086
  "$java" ${STARTUP_JVM_OPTS:-} $(args_of "$cfg") -jar "$app" --server.port=$p >"$out/app.log" 2>&1 &
  pid=$!
  await_first_200 "$pid" "$p" "$out/app.log"
  end=$(date +%s%N)
  stat=$(cut -d' ' -f14,15 "/proc/$pid/stat")   # utime stime (no parentheses in "java")
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  mem=$(curl -sf "http://127.0.0.1:$p/memory")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  sleep 1   # the next run starts on a quiet machine (the killed JVM's memory given back)
  local committed=${mem##*committed=}
  local tcpu talloc
  tcpu=$(sed -n 's/.*perfmon transformer: .* ms elapsed, \(-\?[0-9]*\) ms CPU.*/\1/p' "$out/app.log" | tail -1)
  talloc=$(sed -n 's/.*perfmon transformer: .* ms CPU, \([0-9]*\) KB allocated.*/\1/p' "$out/app.log" | tail -1)
  [[ -n $talloc ]] && talloc=$(( talloc / 1024 ))
  echo "$(( (end - start) / 1000000 )) $(( (${stat% *} + ${stat#* }) * 1000 / tick )) $(( rss / 1024 )) $(( committed / 1048576 )) ${tcpu:--1} ${talloc:--1}"
}

summary() { # file with "cfg wall cpu rss heap" lines
  python3 - "$1" "${names[@]}" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
names = sys.argv[2:]
tcpu = any(len(r) > 5 and int(r[5]) >= 0 for r in rows)
talloc = any(len(r) > 6 and int(r[6]) >= 0 for r in rows)
print("| Configuration | launch -> first 200 (s) | CPU time at ready (s) | RSS at ready (MB) | heap committed (MB) |"
      + (" agent transformer CPU (ms) |" if tcpu else "") + (" allocated in it (MB) |" if talloc else ""))
print("|---|---:|---:|---:|---:|" + ("---:|" if tcpu else "") + ("---:|" if talloc else ""))
base = None
for c, name in enumerate(names):
    vals = [[int(x) for x in r[1:5]] for r in rows if int(r[0]) == c]
    tc = sorted(int(r[5]) for r in rows if int(r[0]) == c and len(r) > 5 and int(r[5]) >= 0)
    ta = sorted(int(r[6]) for r in rows if int(r[0]) == c and len(r) > 6 and int(r[6]) >= 0)
    if not vals: continue
    cols = list(zip(*vals))
    med = [statistics.median(col) for col in cols]
    if base is None: base = med
    def cell(i, scale):
        m, lo, hi = med[i] / scale, min(cols[i]) / scale, max(cols[i]) / scale
        fmt = "%.2f" if scale > 1 else "%.0f"
        s = (fmt % m) + " (" + (fmt % lo) + "-" + (fmt % hi) + ")"
        if c > 0: s += " **" + ("%+.2f" if scale > 1 else "%+.0f") % ((med[i] - base[i]) / scale) + "**"
        return s
    extra = ""
    if tcpu:
        extra = " %.0f (%d-%d) |" % (statistics.median(tc), tc[0], tc[-1]) if tc else " - |"
    if talloc:
        extra += " %.0f (%d-%d) |" % (statistics.median(ta), ta[0], ta[-1]) if ta else " - |"
    print("| %s | %s | %s | %s | %s |" % (name, cell(0, 1000), cell(1, 1000), cell(2, 1), cell(3, 1)) + extra)
PY
}

for java in "${javas[@]}"; do
  version=$("$java" -version 2>&1 | head -1)
  tag=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  tsv=$root/benchmarks/target/startup-large-jdk$tag.tsv
  : > "$tsv"
  echo "$version; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $runs interleaved runs each"
  if [[ ${WARMUP:-1} != 0 ]]; then   # WARMUP=0 skips it (jars already in the page cache)
    for cfg in "${cfgs[@]}"; do once "$java" "$cfg" >/dev/null; done   # warm-up: page cache, CDS archive
  fi
  for r in $(seq "$runs"); do
    # Each round starts with another configuration (the order rotates), so that none always
    # comes right after the run without the agent or always last: in earlier series the
    # configuration in the same place of every round came out consistently slower or faster.
    n=${#cfgs[@]}
    for ((k = 0; k < n; k++)); do
      cfg=${cfgs[$(((k + r - 1) % n))]}
      line=$(once "$java" "$cfg")
      echo "$cfg $line" >> "$tsv"
      echo "  run $r ${names[$cfg]}: $line (wall ms, cpu ms, rss MB, heap MB)" >&2
    done
  done
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  summary "$tsv"
  echo
done
