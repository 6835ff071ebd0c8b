#!/usr/bin/env python3
"""Share of a JFR recording's samples that run agent code (any frame in dev.perfmon), and the
agent frames they are in. Used for docs/startup.md:

  java -XX:StartFlightRecording=settings=profile,filename=rec.jfr -javaagent:... -jar app.jar
  jcmd <pid> JFR.dump filename=rec.jfr          # when the application is ready
  jfr print --events jdk.ObjectAllocationSample --stack-depth 200 rec.jfr | benchmarks/jfr-agent-share.py
  jfr print --events jdk.ExecutionSample --stack-depth 200 rec.jfr | benchmarks/jfr-agent-share.py

Allocation samples are weighted by their weight (bytes), execution samples count one each.
"""
import collections
import re
import sys

UNITS = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
events = []
cur = None
for line in sys.stdin:
    s = line.strip()
    if s.startswith("jdk.") and s.endswith("{"):
        cur = {"w": 1.0, "st": []}
        events.append(cur)
    elif cur is None:
        continue
    elif s.startswith("weight ="):
        m = re.match(r"([\d.]+)\s*(\w+)", s.split("=", 1)[1].strip())
        cur["w"] = float(m.group(1)) * UNITS.get(m.group(2), 1)
    elif "line:" in s:
        cur["st"].append(s.split("(")[0])
total = sum(e["w"] for e in events) or 1
agent = [e for e in events if any("dev.perfmon" in f for f in e["st"])]
print("samples %d, total weight %.0f, agent share %.1f%%" % (len(events), total, 100 * sum(e["w"] for e in agent) / total))
inner = collections.Counter()
for e in agent:
    inner[next(f for f in e["st"] if "dev.perfmon" in f)] += e["w"]
for frame, w in inner.most_common(20):
    print("  %5.1f%%  %s" % (100 * w / total, frame))
