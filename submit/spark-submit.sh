#!/usr/bin/env bash
# Submits a varpro job to a Spark cluster with spark-submit:
#
#   submit/spark-submit.sh [SUBMIT OPTIONS] CONFIG [TRAIN OPTIONS]
#   submit/spark-submit.sh [SUBMIT OPTIONS] SUBCOMMAND [ARGS]      (SUBCOMMAND: train, eval, sweep, bench)
#
# runs
#
#   spark-submit --master M --deploy-mode D --class org.varpro.cli.Main \
#       --conf spark.driver.extraJavaOptions=<module flags> \
#       --conf spark.executor.extraJavaOptions=<module flags> … \
#       spark-jobs/target/spark-jobs-VERSION-all.jar train CONFIG [TRAIN OPTIONS]
#
# e.g.
#   submit/local-cluster.sh start
#   submit/spark-submit.sh --master spark://127.0.0.1:7077 conf/heat.conf --set solver.max-iterations=50
#   submit/spark-submit.sh --master yarn --deploy-mode cluster --files conf/heat.conf heat.conf
#
# SUBMIT OPTIONS (before CONFIG; the rest goes to `varpro train`):
#   --master URL         spark://HOST:7077 (standalone), yarn, k8s://https://HOST:PORT,
#                        local[N] (default: $VARPRO_MASTER, else local[*])
#   --deploy-mode MODE   client (default: the driver runs here) or cluster (on the cluster)
#   --conf KEY=VALUE     any Spark setting, repeatable
#   --files F1,F2        files shipped to the driver's and executors' working folders
#                        (YARN, Kubernetes): refer to them by their base name
#   --dry-run            print the command instead of running it
#
# The shaded jar (Spark, Scala and netlib excluded: the cluster provides them; native OpenBLAS
# included, extracted by each executor) is built when missing (mvn -B -q -DskipTests package).
#
# Which spark-submit: $SPARK_SUBMIT, else $SPARK_HOME/bin/spark-submit, else spark-submit on
# PATH, else Spark's submit entry point (org.apache.spark.deploy.SparkSubmit) run with java and
# the project's own Spark jars (spark-jobs/target/classpath.txt): enough for local[*] and for
# standalone masters such as submit/local-cluster.sh, no Spark installation needed.
#
# Environment (defaults in brackets):
#   VARPRO_MASTER           master when --master is not given [local[*]]
#   VARPRO_DEPLOY_MODE      client or cluster [client]
#   VARPRO_DRIVER_MEMORY    spark.driver.memory: the driver gathers the reduced statistics and
#                           solves the (n + p)-sized systems [4g]
#   VARPRO_EXECUTOR_MEMORY  spark.executor.memory: holds the cached row blocks [2g]
#   VARPRO_EXECUTOR_CORES   spark.executor.cores: concurrent tasks per executor [2]
#   VARPRO_EXECUTORS        spark.executor.instances (YARN, Kubernetes) [2]
#   VARPRO_TOTAL_CORES      spark.cores.max (standalone: cores of the whole application) [unset]
#   VARPRO_BLAS_THREADS     OPENBLAS_NUM_THREADS / OMP_NUM_THREADS of the executors: their
#                           tasks already use every core, so 1 avoids oversubscription (and
#                           the same thread count everywhere makes runs bit-for-bit
#                           reproducible across deployments with the same partitioning) [1]
#   VARPRO_BLAS             bundled, system or java (README "Native BLAS"); the driver passes
#                           its choice to the executors (spark.executorEnv.VARPRO_BLAS) [bundled]
#   VARPRO_LOCAL_IP         bind the driver and executors to this address
#                           (spark.driver.host, spark.driver.bindAddress,
#                           spark.executorEnv.SPARK_LOCAL_IP); set automatically to 127.0.0.1
#                           for local[…] and spark://127.0.0.1 / spark://localhost masters
#   VARPRO_YARN_QUEUE       spark.yarn.queue [unset]
#   VARPRO_K8S_IMAGE        spark.kubernetes.container.image: an image with Spark 4.1.0 for
#                           Scala 2.13 and Java 17 (required for k8s:// masters)
#   VARPRO_K8S_NAMESPACE    spark.kubernetes.namespace [unset: default]
#   VARPRO_K8S_UPLOAD_PATH  spark.kubernetes.file.upload.path: where spark-submit uploads the
#                           local jar and --files for cluster mode (e.g. s3a://bucket/varpro)
#   VARPRO_SUBMIT_OPTS      extra spark-submit arguments, word-split [unset]
#   VARPRO_JAVA_OPTS        extra JVM options of the driver and executors [unset]
#   SPARK_SUBMIT, SPARK_HOME, JAVA_HOME   see above
#
# Masters:
#   standalone  --master spark://HOST:7077 ; executors get VARPRO_EXECUTOR_MEMORY and
#               VARPRO_EXECUTOR_CORES each; VARPRO_TOTAL_CORES caps the application. In cluster
#               deploy mode the jar, CONFIG and data paths must exist on the worker that runs
#               the driver (a shared file system, or hdfs:// / s3a:// paths).
#   YARN        --master yarn (HADOOP_CONF_DIR or YARN_CONF_DIR must point at the cluster's
#               configuration); --deploy-mode cluster with --files CONFIG and the base name of
#               CONFIG as the argument; data paths on HDFS/S3. The run folder is written on the
#               driver's machine (with cluster mode: the YARN container's working folder, so
#               give job.output / --output on a shared file system).
#   Kubernetes  --master k8s://https://API-SERVER:PORT --deploy-mode cluster, VARPRO_K8S_IMAGE,
#               VARPRO_K8S_NAMESPACE, VARPRO_K8S_UPLOAD_PATH (or a jar path local:///… inside
#               the image via --conf spark.kubernetes.… settings); CONFIG via --files.
#
# The Java 17 module flags come from submit/jvm-module-flags.txt (the list Spark's own launcher
# uses); they go to spark.driver.extraJavaOptions and spark.executor.extraJavaOptions. With
# spark-submit in client mode the driver is started by Spark's launcher, which applies
# spark.driver.extraJavaOptions; with the java fallback they are on its command line directly.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "${SCRIPT_DIR}/.." && pwd -P)"
TARGET="${ROOT}/spark-jobs/target"
CLASSPATH_FILE="${TARGET}/classpath.txt"
FLAGS_FILE="${SCRIPT_DIR}/jvm-module-flags.txt"

usage() {
  sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

MASTER="${VARPRO_MASTER:-local[*]}"
DEPLOY_MODE="${VARPRO_DEPLOY_MODE:-client}"
CONFS=()
FILES=""
DRY_RUN=false

while [[ $# -gt 0 ]]; do
  case "$1" in
    --master) MASTER="${2:?--master needs a URL}"; shift 2 ;;
    --master=*) MASTER="${1#*=}"; shift ;;
    --deploy-mode) DEPLOY_MODE="${2:?--deploy-mode needs client or cluster}"; shift 2 ;;
    --deploy-mode=*) DEPLOY_MODE="${1#*=}"; shift ;;
    --conf) CONFS+=("${2:?--conf needs KEY=VALUE}"); shift 2 ;;
    --conf=*) CONFS+=("${1#*=}"); shift ;;
    --files) FILES="${2:?--files needs a list}"; shift 2 ;;
    --files=*) FILES="${1#*=}"; shift ;;
    --dry-run) DRY_RUN=true; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    -*) echo "spark-submit.sh: unknown option $1 (submit options come before CONFIG; see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done

if [[ $# -eq 0 ]]; then
  usage >&2
  exit 2
fi
case "$1" in
  train|eval|bench|sweep) APP_ARGS=("$@") ;;
  *) APP_ARGS=(train "$@") ;;
esac

find_shaded_jar() {
  local f
  for f in "${TARGET}"/spark-jobs-*-all.jar; do
    [[ -f "$f" ]] && { printf '%s\n' "$f"; return 0; }
  done
  return 1
}

if ! find_shaded_jar >/dev/null || [[ ! -s "${CLASSPATH_FILE}" ]]; then
  echo "spark-submit.sh: building (mvn -B -q -DskipTests package) ..." >&2
  (cd "${ROOT}" && mvn -B -q -DskipTests package) >&2
fi
JAR="$(find_shaded_jar)" || { echo "spark-submit.sh: no shaded jar in ${TARGET}" >&2; exit 1; }

MODULE_FLAGS=()
while IFS= read -r line || [[ -n "${line}" ]]; do
  line="${line%%#*}"
  line="$(printf '%s' "${line}" | tr -d '[:space:]')"
  [[ -n "${line}" ]] && MODULE_FLAGS+=("${line}")
done < "${FLAGS_FILE}"
JAVA_OPTS="${MODULE_FLAGS[*]}${VARPRO_JAVA_OPTS:+ ${VARPRO_JAVA_OPTS}}"

LOCAL_IP="${VARPRO_LOCAL_IP:-}"
if [[ -z "${LOCAL_IP}" ]]; then
  case "${MASTER}" in
    local|local\[*|spark://127.0.0.1:*|spark://localhost:*) LOCAL_IP=127.0.0.1 ;;
  esac
fi
BLAS_THREADS="${VARPRO_BLAS_THREADS:-1}"

SUBMIT_ARGS=(--master "${MASTER}" --deploy-mode "${DEPLOY_MODE}" --class org.varpro.cli.Main
  --name "varpro ${APP_ARGS[*]:0:2}"
  --driver-memory "${VARPRO_DRIVER_MEMORY:-4g}"
  --conf "spark.driver.extraJavaOptions=${JAVA_OPTS}"
  --conf "spark.executor.extraJavaOptions=${JAVA_OPTS}"
  --conf "spark.executor.memory=${VARPRO_EXECUTOR_MEMORY:-2g}"
  --conf "spark.executor.cores=${VARPRO_EXECUTOR_CORES:-2}"
  --conf "spark.executorEnv.OPENBLAS_NUM_THREADS=${BLAS_THREADS}"
  --conf "spark.executorEnv.OMP_NUM_THREADS=${BLAS_THREADS}")
case "${MASTER}" in
  yarn*|k8s://*) SUBMIT_ARGS+=(--conf "spark.executor.instances=${VARPRO_EXECUTORS:-2}") ;;
esac
if [[ -n "${VARPRO_TOTAL_CORES:-}" ]]; then
  SUBMIT_ARGS+=(--conf "spark.cores.max=${VARPRO_TOTAL_CORES}")
fi
if [[ -n "${LOCAL_IP}" ]]; then
  SUBMIT_ARGS+=(--conf "spark.driver.host=${LOCAL_IP}" --conf "spark.driver.bindAddress=${LOCAL_IP}"
    --conf "spark.executorEnv.SPARK_LOCAL_IP=${LOCAL_IP}")
  export SPARK_LOCAL_IP="${LOCAL_IP}"
fi
if [[ -n "${VARPRO_YARN_QUEUE:-}" ]]; then
  SUBMIT_ARGS+=(--conf "spark.yarn.queue=${VARPRO_YARN_QUEUE}")
fi
case "${MASTER}" in
  k8s://*)
    if [[ -z "${VARPRO_K8S_IMAGE:-}" ]] && ! printf '%s\n' "${CONFS[@]+"${CONFS[@]}"}" | grep -q '^spark.kubernetes.container.image='; then
      echo "spark-submit.sh: a k8s:// master needs VARPRO_K8S_IMAGE (spark.kubernetes.container.image)" >&2
      exit 2
    fi
    [[ -n "${VARPRO_K8S_IMAGE:-}" ]] && SUBMIT_ARGS+=(--conf "spark.kubernetes.container.image=${VARPRO_K8S_IMAGE}")
    [[ -n "${VARPRO_K8S_NAMESPACE:-}" ]] && SUBMIT_ARGS+=(--conf "spark.kubernetes.namespace=${VARPRO_K8S_NAMESPACE}")
    [[ -n "${VARPRO_K8S_UPLOAD_PATH:-}" ]] && SUBMIT_ARGS+=(--conf "spark.kubernetes.file.upload.path=${VARPRO_K8S_UPLOAD_PATH}")
    ;;
esac
if [[ -n "${FILES}" ]]; then
  SUBMIT_ARGS+=(--files "${FILES}")
fi
for c in ${CONFS[@]+"${CONFS[@]}"}; do
  SUBMIT_ARGS+=(--conf "${c}")
done
EXTRA_SUBMIT=()
if [[ -n "${VARPRO_SUBMIT_OPTS:-}" ]]; then
  read -r -a EXTRA_SUBMIT <<< "${VARPRO_SUBMIT_OPTS}"
fi

if [[ -n "${SPARK_SUBMIT:-}" ]]; then
  CMD=("${SPARK_SUBMIT}")
elif [[ -n "${SPARK_HOME:-}" && -x "${SPARK_HOME}/bin/spark-submit" ]]; then
  CMD=("${SPARK_HOME}/bin/spark-submit")
elif command -v spark-submit >/dev/null 2>&1; then
  CMD=("$(command -v spark-submit)")
else
  # No Spark installation: Spark's submit entry point with the project's own Spark jars. The
  # driver (client mode) is this JVM, so its options go on the command line.
  if [[ "${DEPLOY_MODE}" != client ]]; then
    echo "spark-submit.sh: --deploy-mode ${DEPLOY_MODE} needs a Spark installation (SPARK_HOME or SPARK_SUBMIT)" >&2
    exit 2
  fi
  if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
    JAVA="${JAVA_HOME}/bin/java"
  else
    JAVA="java"
  fi
  DRIVER_OPTS=("${MODULE_FLAGS[@]}" "-Xmx${VARPRO_DRIVER_MEMORY:-4g}")
  if [[ -n "${VARPRO_JAVA_OPTS:-}" ]]; then
    read -r -a more <<< "${VARPRO_JAVA_OPTS}"
    DRIVER_OPTS+=("${more[@]}")
  fi
  # Spark's class path without the project's own modules (core-solver) and the bundled OpenBLAS
  # (org.bytedeco): those come from the application jar, as with a real Spark installation.
  SPARK_CP="$(tr ':' '\n' < "${CLASSPATH_FILE}" | grep -v -e "^${ROOT}/" -e '/core-solver-[^/]*$' -e '/org/bytedeco/' | paste -sd: -)"
  CMD=("${JAVA}" "${DRIVER_OPTS[@]}" -cp "${SPARK_CP}" org.apache.spark.deploy.SparkSubmit)
fi

FULL=("${CMD[@]}" "${SUBMIT_ARGS[@]}" ${EXTRA_SUBMIT[@]+"${EXTRA_SUBMIT[@]}"} "${JAR}" "${APP_ARGS[@]}")
if [[ "${DRY_RUN}" == true ]]; then
  printf '%q ' "${FULL[@]}"
  printf '\n'
  exit 0
fi
exec "${FULL[@]}"
