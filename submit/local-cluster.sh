#!/usr/bin/env bash
# A Spark standalone cluster on this machine, on 127.0.0.1 only: one Master and one Worker (or
# VARPRO_WORKERS of them), started with java directly from the project's own Spark jars.
#
#   submit/local-cluster.sh start     # Master spark://127.0.0.1:7077 (web UI :8080) + Worker(s)
#   submit/local-cluster.sh status    # exit 0 when all run, 3 otherwise
#   submit/local-cluster.sh stop      # stops the Workers (and their executors), then the Master
#
# then, e.g.:
#   submit/spark-submit.sh --master spark://127.0.0.1:7077 conf/heat.conf
#
# How executors find Spark: a Worker starts each executor as `java -cp <SPARK_HOME>/conf:
# <SPARK_HOME>/jars/* … CoarseGrainedExecutorBackend` (Spark's WorkerCommandBuilder), and the
# application's own jar is fetched from the driver. So the script makes a scratch SPARK_HOME
# under the cluster folder whose jars/ holds symlinks to the jars of
# spark-jobs/target/classpath.txt (Spark, its dependencies, dev.ludovic.netlib, …; not the
# project's own modules nor the bundled OpenBLAS, which come in the application jar as on a
# real cluster), and runs
# the Master and the Worker with that SPARK_HOME and the same class path. The Java 17 module
# flags (submit/jvm-module-flags.txt) are on the daemons' command lines; executors get them
# from the driver (SparkContext adds Spark's module options to spark.executor.extraJavaOptions,
# and submit/spark-submit.sh sets them explicitly too). conf/spark-env.sh in the scratch
# SPARK_HOME documents the settings for Spark's own scripts; the java launch here does not
# read it.
#
# Files (the cluster folder, default runs/local-cluster):
#   spark-home/jars/*.jar   symlinks to the class path jars
#   spark-home/conf/        spark-env.sh, log4j2.properties (WARN, to the daemon logs)
#   logs/master.log, logs/worker.log (logs/worker-2.log, … for more Workers)
#   master.pid, worker.pid (worker-2.pid, …)
#   work/                   the Worker's work dir: one folder per application, executor logs
#                           (work-2/, … for the other Workers)
#
# Environment:
#   VARPRO_CLUSTER_DIR        cluster folder (default <repo>/runs/local-cluster)
#   VARPRO_MASTER_PORT        Master RPC port (default 7077)
#   VARPRO_MASTER_UI_PORT     Master web UI port (default 8080)
#   VARPRO_WORKER_UI_PORT     Worker web UI port (default 8081; Worker i gets 8081 + i - 1)
#   VARPRO_WORKERS            number of Workers (default 1), e.g. 2 Workers with 1 core each
#                             to measure the speed-up of a second executor (docs/scaling.md)
#   VARPRO_WORKER_CORES       cores each Worker offers (default 2)
#   VARPRO_WORKER_MEMORY      memory each Worker offers to executors (default 2g)
#   VARPRO_DAEMON_XMX         heap of the Master and the Worker JVMs (default 512m)
#   VARPRO_START_TIMEOUT      seconds to wait for the Master and the Worker (default 60)
#   JAVA_HOME                 java from $JAVA_HOME/bin (default: the java on PATH)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "${SCRIPT_DIR}/.." && pwd -P)"
TARGET="${ROOT}/spark-jobs/target"
CLASSPATH_FILE="${TARGET}/classpath.txt"
FLAGS_FILE="${SCRIPT_DIR}/jvm-module-flags.txt"

CLUSTER_DIR="${VARPRO_CLUSTER_DIR:-${ROOT}/runs/local-cluster}"
HOST=127.0.0.1
MASTER_PORT="${VARPRO_MASTER_PORT:-7077}"
MASTER_UI_PORT="${VARPRO_MASTER_UI_PORT:-8080}"
WORKER_UI_PORT="${VARPRO_WORKER_UI_PORT:-8081}"
WORKERS="${VARPRO_WORKERS:-1}"
WORKER_CORES="${VARPRO_WORKER_CORES:-2}"
WORKER_MEMORY="${VARPRO_WORKER_MEMORY:-2g}"
DAEMON_XMX="${VARPRO_DAEMON_XMX:-512m}"
START_TIMEOUT="${VARPRO_START_TIMEOUT:-60}"
MASTER_URL="spark://${HOST}:${MASTER_PORT}"

SPARK_HOME_DIR="${CLUSTER_DIR}/spark-home"
LOG_DIR="${CLUSTER_DIR}/logs"
WORK_DIR="${CLUSTER_DIR}/work"
MASTER_PID="${CLUSTER_DIR}/master.pid"
WORKER_PID="${CLUSTER_DIR}/worker.pid"

[[ "${WORKERS}" =~ ^[1-9][0-9]*$ ]] || { echo "local-cluster: VARPRO_WORKERS must be a positive integer, got '${WORKERS}'" >&2; exit 2; }

# Worker i's pid file, log and work dir (Worker 1 keeps the one-Worker names).
worker_pid() { if [[ "$1" -eq 1 ]]; then echo "${WORKER_PID}"; else echo "${CLUSTER_DIR}/worker-$1.pid"; fi; }
worker_log() { if [[ "$1" -eq 1 ]]; then echo "${LOG_DIR}/worker.log"; else echo "${LOG_DIR}/worker-$1.log"; fi; }
worker_dir() { if [[ "$1" -eq 1 ]]; then echo "${WORK_DIR}"; else echo "${WORK_DIR}-$1"; fi; }

# Pid files of Workers this cluster folder knows, whatever VARPRO_WORKERS says now.
known_worker_pids() {
  local f
  for f in "${WORKER_PID}" "${CLUSTER_DIR}"/worker-*.pid; do
    [[ -e "${f}" ]] && printf '%s\n' "${f}"
  done
  return 0
}

all_workers_running() {
  local i
  for ((i = 1; i <= WORKERS; i++)); do
    is_running "$(worker_pid "${i}")" || return 1
  done
}

usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
  echo "local-cluster: $*" >&2
  exit 1
}

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
    printf '%s\n' "${JAVA_HOME}/bin/java"
  else
    command -v java || die "no java on PATH and no JAVA_HOME"
  fi
}

# JAVA_HOME for the executors the Worker launches (WorkerCommandBuilder uses it when set).
java_home() {
  if [[ -n "${JAVA_HOME:-}" ]]; then
    printf '%s\n' "${JAVA_HOME}"
  else
    local j
    j="$(readlink -f "$(java_bin)")"
    printf '%s\n' "${j%/bin/java}"
  fi
}

module_flags() {
  local line
  while IFS= read -r line || [[ -n "${line}" ]]; do
    line="${line%%#*}"
    line="$(printf '%s' "${line}" | tr -d '[:space:]')"
    [[ -n "${line}" ]] && printf '%s\n' "${line}"
  done < "${FLAGS_FILE}"
}

is_running() {
  local f="$1" pid
  [[ -s "${f}" ]] || return 1
  pid="$(cat "${f}")"
  [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/${HOST}/$1") 2>/dev/null
}

ensure_build() {
  if [[ ! -s "${CLASSPATH_FILE}" ]]; then
    echo "local-cluster: building (mvn -B -q -DskipTests package) ..." >&2
    (cd "${ROOT}" && mvn -B -q -DskipTests package) >&2
  fi
  [[ -s "${CLASSPATH_FILE}" ]] || die "${CLASSPATH_FILE} is missing after the build"
}

make_spark_home() {
  rm -rf "${SPARK_HOME_DIR}"
  mkdir -p "${SPARK_HOME_DIR}/jars" "${SPARK_HOME_DIR}/conf" "${LOG_DIR}" "${WORK_DIR}"
  local jar count=0
  while IFS= read -r jar; do
    [[ -z "${jar}" ]] && continue
    # The project's own modules (core-solver) and the bundled OpenBLAS (org.bytedeco) are in
    # the application's shaded jar, as on a real cluster; a Spark home never has them.
    [[ "${jar}" == "${ROOT}/"* || "$(basename "${jar}")" == core-solver-* || "${jar}" == */org/bytedeco/* ]] && continue
    [[ -f "${jar}" ]] || die "class path jar missing: ${jar} (run mvn -B -DskipTests package)"
    # Distinct link names: two artifacts may share a file name.
    ln -s "${jar}" "${SPARK_HOME_DIR}/jars/$(printf '%03d' "${count}")-$(basename "${jar}")"
    count=$((count + 1))
  done < <(tr ':' '\n' < "${CLASSPATH_FILE}")
  [[ "${count}" -gt 0 ]] || die "no jars in ${CLASSPATH_FILE}"
  {
    echo "# Written by submit/local-cluster.sh: the settings of this scratch Spark home, for"
    echo "# Spark's own scripts (sbin/start-*.sh read this file; the java launch does not)."
    echo "export SPARK_LOCAL_IP=${HOST}"
    echo "export SPARK_MASTER_HOST=${HOST}"
    echo "export SPARK_MASTER_PORT=${MASTER_PORT}"
    echo "export SPARK_WORKER_CORES=${WORKER_CORES}"
    echo "export SPARK_WORKER_MEMORY=${WORKER_MEMORY}"
    echo "export SPARK_WORKER_DIR=${WORK_DIR}"
    echo "export SPARK_DAEMON_JAVA_OPTS=\"$(module_flags | tr '\n' ' ')\""
    echo "export SPARK_EXECUTOR_OPTS=\"$(module_flags | tr '\n' ' ')\""
  } > "${SPARK_HOME_DIR}/conf/spark-env.sh"
  cat > "${SPARK_HOME_DIR}/conf/log4j2.properties" <<'EOF'
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
logger.master.name = org.apache.spark.deploy.master.Master
logger.master.level = info
logger.worker.name = org.apache.spark.deploy.worker.Worker
logger.worker.level = info
logger.runner.name = org.apache.spark.deploy.worker.ExecutorRunner
logger.runner.level = info
# Executors read this file too (conf/ is first on their class path): one line per task.
logger.executor.name = org.apache.spark.executor.Executor
logger.executor.level = info
EOF
}

wait_for() {
  local what="$1" pidfile="$2" check="$3" log="$4" waited=0
  while ! eval "${check}"; do
    if ! is_running "${pidfile}"; then
      echo "local-cluster: the ${what} exited; last lines of ${log}:" >&2
      tail -n 20 "${log}" >&2 || true
      return 1
    fi
    if [[ "${waited}" -ge $((START_TIMEOUT * 2)) ]]; then
      echo "local-cluster: the ${what} did not come up within ${START_TIMEOUT} s; see ${log}" >&2
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
}

launch() {
  local pidfile="$1" log="$2"
  shift 2
  local flags=()
  mapfile -t flags < <(module_flags)
  # setsid: the daemon does not get the caller's terminal signals (Ctrl-C of a later command).
  SPARK_HOME="${SPARK_HOME_DIR}" SPARK_CONF_DIR="${SPARK_HOME_DIR}/conf" SPARK_SCALA_VERSION=2.13 \
  SPARK_LOCAL_IP="${HOST}" SPARK_LOCAL_HOSTNAME="${HOST}" JAVA_HOME="$(java_home)" \
    setsid nohup "$(java_bin)" "${flags[@]}" "-Xmx${DAEMON_XMX}" \
      "-Dlog4j2.configurationFile=${SPARK_HOME_DIR}/conf/log4j2.properties" \
      -cp "${SPARK_HOME_DIR}/conf/:${SPARK_HOME_DIR}/jars/*" "$@" \
      > "${log}" 2>&1 < /dev/null &
  echo $! > "${pidfile}"
}

start() {
  if is_running "${MASTER_PID}" && all_workers_running && [[ "$(known_worker_pids | wc -l)" -eq "${WORKERS}" ]]; then
    echo "local-cluster: already running: ${MASTER_URL} (web UI http://${HOST}:${MASTER_UI_PORT})"
    return 0
  fi
  if is_running "${MASTER_PID}" || [[ -n "$(known_worker_pids)" ]]; then
    echo "local-cluster: partly running or with another number of Workers; stopping it first" >&2
    stop
  fi
  if port_open "${MASTER_PORT}"; then
    die "port ${HOST}:${MASTER_PORT} is in use by another program (set VARPRO_MASTER_PORT)"
  fi
  ensure_build
  make_spark_home
  launch "${MASTER_PID}" "${LOG_DIR}/master.log" org.apache.spark.deploy.master.Master \
    --host "${HOST}" --port "${MASTER_PORT}" --webui-port "${MASTER_UI_PORT}"
  if ! wait_for Master "${MASTER_PID}" "port_open ${MASTER_PORT}" "${LOG_DIR}/master.log"; then
    stop
    exit 1
  fi
  local i
  for ((i = 1; i <= WORKERS; i++)); do
    mkdir -p "$(worker_dir "${i}")"
    launch "$(worker_pid "${i}")" "$(worker_log "${i}")" org.apache.spark.deploy.worker.Worker \
      "${MASTER_URL}" --host "${HOST}" --cores "${WORKER_CORES}" --memory "${WORKER_MEMORY}" \
      --webui-port "$((WORKER_UI_PORT + i - 1))" --work-dir "$(worker_dir "${i}")"
    if ! wait_for "Worker ${i}" "$(worker_pid "${i}")" \
        "grep -qs 'Successfully registered with master' '$(worker_log "${i}")'" "$(worker_log "${i}")"; then
      stop
      exit 1
    fi
  done
  local what="one Worker"
  [[ "${WORKERS}" -gt 1 ]] && what="${WORKERS} Workers, each"
  echo "local-cluster: running: ${MASTER_URL} (web UI http://${HOST}:${MASTER_UI_PORT}), ${what} with" \
    "${WORKER_CORES} cores and ${WORKER_MEMORY}; logs in ${LOG_DIR}"
}

stop_one() {
  local what="$1" pidfile="$2" pid waited=0
  if ! is_running "${pidfile}"; then
    rm -f "${pidfile}"
    return 0
  fi
  pid="$(cat "${pidfile}")"
  kill -TERM "${pid}" 2>/dev/null || true
  while kill -0 "${pid}" 2>/dev/null; do
    if [[ "${waited}" -ge 40 ]]; then
      echo "local-cluster: the ${what} (pid ${pid}) did not stop in 20 s; killing it" >&2
      kill -KILL "${pid}" 2>/dev/null || true
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "${pidfile}"
  echo "local-cluster: stopped the ${what} (pid ${pid})"
}

stop() {
  # The Workers first: their shutdown hooks kill the executors they started.
  local f
  while IFS= read -r f; do
    stop_one "Worker ($(basename "${f}" .pid))" "${f}"
  done < <(known_worker_pids)
  stop_one Master "${MASTER_PID}"
}

status() {
  local ok=0
  if is_running "${MASTER_PID}"; then
    echo "Master: running (pid $(cat "${MASTER_PID}")), ${MASTER_URL}, web UI http://${HOST}:${MASTER_UI_PORT}"
  else
    echo "Master: not running"
    ok=3
  fi
  local i f
  for ((i = 1; i <= WORKERS; i++)); do
    f="$(worker_pid "${i}")"
    if is_running "${f}"; then
      echo "Worker ${i}: running (pid $(cat "${f}")), ${WORKER_CORES} cores, ${WORKER_MEMORY}, web UI http://${HOST}:$((WORKER_UI_PORT + i - 1))"
    else
      echo "Worker ${i}: not running"
      ok=3
    fi
  done
  echo "cluster folder: ${CLUSTER_DIR}"
  return "${ok}"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
