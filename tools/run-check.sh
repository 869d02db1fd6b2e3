#!/usr/bin/env bash
# Proves the README's run command as a new user meets it: in a fresh clone of a commit (or in an
# existing build tree with --in), with a Maven local repository that holds none of Pipewatch's own
# artifacts (third-party ones hard-linked from the usual repository), runs
#   mvn -pl api -am compile exec:java
# (embedded Cassandra, demo on unless --demo off), waits for /api/health 200, sends SIGTERM to the
# server and checks that every process it started (Maven's JVM, which runs the server, and the
# Cassandra child) is gone. Prints the measured times; exits non-zero when a bound is missed.
#
#   tools/run-check.sh                      # fresh clone of HEAD of this repository
#   tools/run-check.sh --commit abc123 --demo off --http-port 18100 --cluster-port 18101
#   tools/run-check.sh --in .               # this build tree as it is (e.g. after mvn verify)
#
# Bounds (seconds, environment): HEALTH_WITHIN=60 from the server's start (the exec:java step) to
# health 200; STOP_WITHIN=5 from SIGTERM to no process left; COMPILE_WITHIN=600 for the build part.
# RUN_CHECK_SETTLE=N lets the server run N s before the stop; RUN_CHECK_LOG=FILE keeps the run's log;
# RUN_CHECK_HTTP_PORT / RUN_CHECK_CLUSTER_PORT / RUN_CHECK_MANAGEMENT_PORT fix the ports (default: free ones).
set -euo pipefail

HEALTH_WITHIN=${HEALTH_WITHIN:-60}
STOP_WITHIN=${STOP_WITHIN:-5}
COMPILE_WITHIN=${COMPILE_WITHIN:-600}
repo_root=$(cd "$(dirname "$0")/.." && pwd)
commit=HEAD
demo=true
in_tree=
http_port=${RUN_CHECK_HTTP_PORT:-}
cluster_port=${RUN_CHECK_CLUSTER_PORT:-}
management_port=${RUN_CHECK_MANAGEMENT_PORT:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --commit) commit=$2; shift 2 ;;
    --demo) case "$2" in on | true) demo=true ;; off | false) demo=false ;; *) echo "--demo on|off" >&2; exit 2 ;; esac; shift 2 ;;
    --in) in_tree=$(cd "$2" && pwd); shift 2 ;;
    --http-port) http_port=$2; shift 2 ;;
    --cluster-port) cluster_port=$2; shift 2 ;;
    *) echo "unknown argument: $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

say() { echo "run-check: $*"; }
now() { date +%s%N; }
secs() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e9 }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# A port nothing listens on (bash's /dev/tcp: a refused connection means free).
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "no free port found" >&2
  exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/pipewatch-run-check.XXXXXX")
server_pid=
data_dir=
# Every process the run started: the session of the server plus its descendants (the Cassandra
# child stays in that session unless it detaches; descendants are collected too, to be sure).
started_processes() {
  {
    [ -n "$server_pid" ] && ps -o pid= -s "$server_pid" 2>/dev/null
    [ -n "$server_pid" ] && descendants "$server_pid"
  } | tr -s ' ' '\n' | grep -E '^[0-9]+$' | sort -un || true
}
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}
cleanup() {
  local code=$?
  local left
  left=$(started_processes)
  if [ -n "$left" ]; then
    kill -KILL $left 2>/dev/null || true
  fi
  if [ $code -ne 0 ] && [ -f "$work/run.log" ]; then
    say "last lines of the run's log ($work/run.log):"
    tail -n 40 "$work/run.log" | sed 's/^/  | /'
  fi
  if [ -n "${RUN_CHECK_LOG:-}" ] && [ -f "$work/run.log" ]; then
    cp "$work/run.log" "$RUN_CHECK_LOG"
    cp "$data_dir/cassandra.log" "$RUN_CHECK_LOG.cassandra" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. The tree to run in.
if [ -n "$in_tree" ]; then
  tree=$in_tree
  data_dir=$work/cassandra-data
  say "running in the existing tree $tree (Cassandra data in $data_dir)"
else
  sha=$(git -C "$repo_root" rev-parse --verify "$commit^{commit}")
  git clone -q --no-checkout "$repo_root" "$work/clone"
  git -C "$work/clone" checkout -q "$sha"
  tree=$work/clone
  data_dir=$tree/data/cassandra
  say "fresh clone of $sha in $tree"
fi

# 2. A local repository without Pipewatch's artifacts; third-party ones hard-linked (or copied).
source_repo=${MAVEN_SOURCE_REPO:-$HOME/.m2/repository}
mkdir -p "$work/m2"
if [ -d "$source_repo" ]; then
  cp -al "$source_repo/." "$work/m2/" 2>/dev/null || cp -a "$source_repo/." "$work/m2/"
fi
rm -rf "$work/m2/io/pipewatch"
say "local repository $work/m2 (from $source_repo, without io/pipewatch)"

# 3. Start the README's run command in its own session.
http_port=${http_port:-$(free_port)}
cluster_port=${cluster_port:-$(free_port)}
management_port=${management_port:-$(free_port)}
say "starting: mvn -pl api -am compile exec:java (HTTP $http_port, cluster $cluster_port, management $management_port, demo $demo; load $(load))"
t_start=$(now)
(
  cd "$tree"
  for v in $(env | grep -o '^PIPEWATCH_[A-Z_]*' || true); do unset "$v"; done
  export PIPEWATCH_HTTP_PORT=$http_port PIPEWATCH_CLUSTER_PORT=$cluster_port PIPEWATCH_MANAGEMENT_PORT=$management_port \
    PIPEWATCH_HTTP_INTERFACE=127.0.0.1 PIPEWATCH_DEMO=$demo PIPEWATCH_CASSANDRA_DATA_DIR=$data_dir
  exec setsid mvn -Dmaven.repo.local="$work/m2" -pl api -am compile exec:java
) </dev/null >"$work/run.log" 2>&1 &
server_pid=$!

# 4. Wait for the server to start (exec:java) and for health 200.
t_exec=
health=
while :; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" && code=0 || code=$?
    say "FAIL: the run command exited with $code before /api/health answered 200"
    exit 1
  fi
  t=$(now)
  if [ -z "$t_exec" ] && grep -q -- '--- exec-maven-plugin:.*:java (default-cli) @ pipewatch-api ---' "$work/run.log"; then
    t_exec=$t
    say "compilation (command start -> exec:java of api): $(secs $((t_exec - t_start))) s (load $(load))"
  fi
  if [ -z "$t_exec" ] && [ $((t - t_start)) -gt $((COMPILE_WITHIN * 1000000000)) ]; then
    say "FAIL: the build part did not reach exec:java within $COMPILE_WITHIN s"
    exit 1
  fi
  if [ -n "$t_exec" ]; then
    health=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$http_port/api/health" || true)
    t=$(now)
    if [ "$health" = 200 ]; then
      break
    fi
    if [ $((t - t_exec)) -gt $((HEALTH_WITHIN * 1000000000)) ]; then
      say "FAIL: /api/health not 200 within $HEALTH_WITHIN s of the server's start (last: $health)"
      exit 1
    fi
  fi
  sleep 0.2
done
t_healthy=$(now)
say "health 200: $(secs $((t_healthy - t_exec))) s after the server's start (bound $HEALTH_WITHIN s), $(secs $((t_healthy - t_start))) s after the command (load $(load))"

# 5. What runs now: the Maven JVM (the server) and its Cassandra child.
pids=$(started_processes)
say "processes started by the run:"
ps -o pid=,ppid=,args= -p "$(echo $pids | tr ' ' ,)" | cut -c1-160 | sed 's/^/  /'
if ! ps -o args= -p "$(echo $pids | tr ' ' ,)" | grep -q 'org.apache.cassandra\|io.pipewatch.cassandra.server'; then
  say "FAIL: no embedded Cassandra process among them"
  exit 1
fi
if [ -n "${RUN_CHECK_SETTLE:-}" ]; then
  say "letting it run ${RUN_CHECK_SETTLE} s before the stop"
  sleep "$RUN_CHECK_SETTLE"
  pids=$(started_processes)
fi

# 6. SIGTERM to the server (Maven's JVM, which runs it); every process must be gone within
# STOP_WITHIN s.
server_jvm=$(pgrep -s "$server_pid" -f plexus-classworlds | head -n 1 || true)
server_jvm=${server_jvm:-$server_pid}
t_term=$(now)
kill -TERM "$server_jvm"
deadline=$((t_term + 60 * 1000000000))
while :; do
  alive=
  for p in $pids; do
    if kill -0 "$p" 2>/dev/null && [ "$(ps -o stat= -p "$p" | cut -c1)" != Z ]; then alive="$alive $p"; fi
  done
  [ -z "$alive" ] && break
  if [ "$(now)" -gt "$deadline" ]; then
    say "FAIL: still running 60 s after SIGTERM:$alive"
    exit 1
  fi
  sleep 0.05
done
t_gone=$(now)
wait "$server_pid" && code=0 || code=$?
stop_ns=$((t_gone - t_term))
say "SIGTERM -> no process left: $(secs $stop_ns) s (bound $STOP_WITHIN s; exit code $code; load $(load))"
grep -E 'Pipewatch stopped|Cassandra \(pid [0-9]+\) stopped' "$work/run.log" | sed 's/^/  | /' || true
if [ "$code" != 0 ]; then
  say "FAIL: the server exited with $code after SIGTERM"
  exit 1
fi
if [ "$stop_ns" -gt $((STOP_WITHIN * 1000000000)) ]; then
  say "FAIL: the stop took longer than $STOP_WITHIN s"
  exit 1
fi
say "OK"
