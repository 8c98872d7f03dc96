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
moto_server -H 127.0.0.1 -p "$moto_port" >"$out/moto.log" 2>&1 & moto_pid=$!
api_pid=; worker_pid=
cleanup() { kill $api_pid $worker_pid "$moto_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
until curl -s "http://127.0.0.1:$moto_port/moto-api/" >/dev/null; do sleep 0.2; done

prefix=bench
dotnet "$out/bench/Notify.Benchmarks.dll" provision "http://127.0.0.1:$moto_port" "$prefix"

export NOTIFY_ADMIN_KEY=bench-admin-key-0123456789abcdef
export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export Notify__Provisioning__Prefix=$prefix Logging__LogLevel__Default=Warning
ASPNETCORE_URLS="http://127.0.0.1:$api_port" dotnet "$out/api/Notify.Api.dll" >"$out/api.log" 2>&1 & api_pid=$!
# The SES rate from configuration (moto has no GetAccount): high enough not to be the bottleneck being measured.
ASPNETCORE_URLS="http://127.0.0.1:$worker_port" Notify__Email__MaxSendRate=1000 \
  dotnet "$out/worker/Notify.Worker.dll" >"$out/worker.log" 2>&1 & worker_pid=$!
until curl -sf "http://127.0.0.1:$api_port/alive" >/dev/null && curl -sf "http://127.0.0.1:$worker_port/alive" >/dev/null; do sleep 0.2; done

cpu_ms() { awk '{ print ($14 + $15) * 10 }' "/proc/$worker_pid/stat"; }
aws_requests() { curl -s "http://127.0.0.1:$worker_port/metrics" | awk '/^notify_aws_requests_total/ { s += $NF } END { print s + 0 }'; }

python3 bench/deliver/drive.py setup "http://127.0.0.1:$api_port"
metrics="http://127.0.0.1:$worker_port/metrics"
python3 bench/deliver/drive.py steady "http://127.0.0.1:$api_port" "$metrics" 10 5 warm >/dev/null   # JIT, pools, moto backends
cpu0=$(cpu_ms); aws0=$(aws_requests)
delivered=$(python3 bench/deliver/drive.py steady "http://127.0.0.1:$api_port" "$metrics" "$rate" "$seconds" "run-$$" | tee /dev/stderr | awk '/^delivered/ { print $2 }')
cpu1=$(cpu_ms); aws1=$(aws_requests)
awk -v c=$((cpu1 - cpu0)) -v a=$((aws1 - aws0)) -v n="$delivered" 'BEGIN {
  if (n > 0) { printf "worker CPU per delivered notification:   %.0f us\n", c * 1000 / n; printf "worker AWS requests per notification:    %.2f\n", a / n } }'
python3 bench/deliver/drive.py burst "http://127.0.0.1:$api_port" "$metrics" "$burst" "burst-$$"
