#!/usr/bin/env bash
# Delivery benchmark: Notify.Api and Notify.Worker (Release) on moto, single-channel email events.
#   1. steady: events at a fixed rate (default 20/s for 30 s) → POST→sent latency p50/p99 (acceptedAt → the row's
#      sent transition, both server-side), worker CPU ms and AWS requests per delivered notification;
#   2. burst: N events through /api/events/batch as fast as the API takes them → deliveries per second while draining.
#   bench/deliver.sh [rate=20] [seconds=30] [burst=600]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-20}
seconds=${2:-30}
burst=${3:-600}
command -v moto_server >/dev/null || { echo "moto_server is required" >&2; exit 1; }

out=$(mktemp -d)
dotnet build -c Release -o "$out/api" src/Notify.Api >/dev/null
dotnet build -c Release -o "$out/worker" src/Notify.Worker >/dev/null
dotnet build -c Release -o "$out/bench" bench/Notify.Benchmarks >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
moto_port=$(free_port); api_port=$(free_port); worker_port=$(free_port)
# moto through a wrapper that charges each operation its CPU: moto is the ceiling here, and this says where it goes.
MOTO_PROFILE_OUT="$out/moto-ops.txt" python3 bench/deliver/moto_profiled.py -H 127.0.0.1 -p "$moto_port" >"$out/moto.log" 2>&1 & moto_pid=$!
moto_ops() { rm -f "$out/moto-ops.txt"; kill -USR1 "$moto_pid"; until [ -s "$out/moto-ops.txt" ]; do sleep 0.1; done; cp "$out/moto-ops.txt" "$1"; }
api_pid=; worker_pid=
cleanup() { kill $api_pid $worker_pid "$moto_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
until curl -s "http://127.0.0.1:$moto_port/moto-api/" >/dev/null; do sleep 0.2; done

prefix=bench
dotnet "$out/bench/Notify.Benchmarks.dll" provision "http://127.0.0.1:$moto_port" "$prefix"

export NOTIFY_ADMIN_KEY=bench-admin-key-0123456789abcdef
export Notify__Inbox__TokenSigningKey=bench-inbox-token-signing-key-0123456789abcdef
export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export Notify__Provisioning__Prefix=$prefix Logging__LogLevel__Default=Warning
ASPNETCORE_URLS="http://127.0.0.1:$api_port" dotnet "$out/api/Notify.Api.dll" >"$out/api.log" 2>&1 & api_pid=$!
# The SES rate from configuration (moto has no GetAccount): high enough not to be the bottleneck being measured.
ASPNETCORE_URLS="http://127.0.0.1:$worker_port" Notify__Email__MaxSendRate=1000 \
  dotnet "$out/worker/Notify.Worker.dll" >"$out/worker.log" 2>&1 & worker_pid=$!
until curl -sf "http://127.0.0.1:$api_port/alive" >/dev/null && curl -sf "http://127.0.0.1:$worker_port/alive" >/dev/null; do sleep 0.2; done

cpu_ms() { awk '{ print ($14 + $15) * 10 }' "/proc/${1:-$worker_pid}/stat"; }
aws_requests() { curl -s "http://127.0.0.1:$worker_port/metrics" | awk '/^notify_aws_requests_total/ { s += $NF } END { print s + 0 }'; }
# The worker's AWS requests by service and operation, one "service.operation count" per line.
aws_by_op() { curl -s "http://127.0.0.1:$worker_port/metrics" | sed -n 's/^notify_aws_requests_total{operation="\([^"]*\)".*service="\([^"]*\)"} \(.*\)$/\2.\1 \3/p' >"$1"; }
# CPU the worker spent compiling methods (a start-up cost that a longer-running process no longer pays).
jit_ms() { curl -s "http://127.0.0.1:$worker_port/metrics" | awk '/^dotnet_jit_compilation_time_seconds_total/ { print int($NF * 1000) }'; }

python3 bench/deliver/drive.py setup "http://127.0.0.1:$api_port"
metrics="http://127.0.0.1:$worker_port/metrics"
python3 bench/deliver/drive.py steady "http://127.0.0.1:$api_port" "$metrics" 10 5 warm >/dev/null   # JIT, pools, moto backends
# Idle cost: what the worker spends with empty lanes (long polls, the due sweep, the depth sampler).
idle0=$(cpu_ms); sleep 10; idle1=$(cpu_ms)
echo "worker CPU while idle:                   $(( (idle1 - idle0) / 10 )) ms/s"
moto_ops "$out/ops0"
aws_by_op "$out/req0"; jit0=$(jit_ms)
cpu0=$(cpu_ms); aws0=$(aws_requests); moto0=$(cpu_ms "$moto_pid"); api0=$(cpu_ms "$api_pid")
python3 bench/deliver/drive.py steady "http://127.0.0.1:$api_port" "$metrics" "$rate" "$seconds" "run-$$" >"$out/steady.txt"
cat "$out/steady.txt"
delivered=$(awk '/^delivered/ { print $2 }' "$out/steady.txt")
cpu1=$(cpu_ms); aws1=$(aws_requests); moto1=$(cpu_ms "$moto_pid"); api1=$(cpu_ms "$api_pid")
aws_by_op "$out/req1"; jit1=$(jit_ms)
awk -v c=$((cpu1 - cpu0)) -v j=$((jit1 - jit0)) -v a=$((aws1 - aws0)) -v m=$((moto1 - moto0)) -v p=$((api1 - api0)) -v n="$delivered" 'BEGIN {
  if (n > 0) {
    printf "worker CPU per delivered notification:   %.0f us (%.0f us without JIT compilation)\n", c * 1000 / n, (c - j) * 1000 / n
    printf "worker AWS requests per notification:    %.2f\n", a / n
    printf "API CPU per event (POST and one GET):    %.0f us\n", p * 1000 / n
    printf "moto CPU per notification:               %.0f us (moto ceiling ~%.1f notifications/s)\n", m * 1000 / n, n * 1000 / m } }'
awk -v n="$delivered" 'NR == FNR { r0[$1] = $2; next } { d = $2 - r0[$1]; if (d > 0) printf "  %-44s %5.2f\n", $1, d / n }' \
  "$out/req0" "$out/req1" | sort -k2 -nr | sed '1i worker AWS requests per notification by operation:'
moto_ops "$out/ops1"
echo "moto operations during the steady run (per notification; CPU per call):"
awk -F'\t' -v n="$delivered" 'NR == FNR { c0[$1] = $2; t0[$1] = $3; next }
  { c = $2 - c0[$1]; t = $3 - t0[$1]; if (c > 0) printf "  %-44s %5.2f calls  %6.1f ms/call\n", $1, c / n, t / c }' "$out/ops0" "$out/ops1" | sort -k2 -nr
python3 bench/deliver/drive.py burst "http://127.0.0.1:$api_port" "$metrics" "$burst" "burst-$$"
