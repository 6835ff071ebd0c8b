# Sourced by the start-up scripts of the large application (it-apps/spring-boot-large).

# await_first_200 <pid> <port> <log>: polls GET /ping every 50 ms until it answers 200; when the
# JVM <pid> ends first, prints "run failed:" and the end of <log> on stderr and exits 1.
await_first_200() {
  until curl -sf -o /dev/null "http://127.0.0.1:$2/ping"; do
    kill -0 "$1" 2>/dev/null || { echo "run failed:" >&2; tail -20 "$3" >&2; exit 1; }
    sleep 0.05
  done
}

# free_port: prints a TCP port below Linux's ephemeral range (32768 and up, where client connections
# take their local ports) that nothing on 127.0.0.1 accepts connections on now.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
