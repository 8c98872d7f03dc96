#!/usr/bin/env bash
# Ingestion benchmark: wrk against Notify.Api (Release) on moto. Prints requests/s, latency percentiles, the API
# process's CPU time per accepted event and the AWS requests per accepted event (Notify's own client-layer counter,
# read from the API's /metrics when it exposes one).
#   bench/ingest.sh [duration=20s] [connections=16] [rate-limit: none]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
connections=${2:-16}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v moto_server >/dev/null || { echo "moto_server is required (pip install 'moto[server]')" >&2; exit 1; }

out=$(mktemp -d)
dotnet build -c Release -o "$out/api" src/Notify.Api >/dev/null
dotnet build -c Release -o "$out/bench" bench/Notify.Benchmarks >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
moto_port=$(free_port); api_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$out/moto.log" 2>&1 & moto_pid=$!
api_pid=
cleanup() { [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null; kill "$moto_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
until curl -s "http://127.0.0.1:$moto_port/moto-api/" >/dev/null; do sleep 0.2; done

prefix=bench
dotnet "$out/bench/Notify.Benchmarks.dll" provision "http://127.0.0.1:$moto_port" "$prefix"

export NOTIFY_ADMIN_KEY=bench-admin-key-0123456789abcdef
export Notify__Inbox__TokenSigningKey=bench-inbox-token-signing-key-0123456789abcdef
AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
Notify__Provisioning__Prefix=$prefix ASPNETCORE_URLS="http://127.0.0.1:$api_port" Logging__LogLevel__Default=Warning \
  dotnet "$out/api/Notify.Api.dll" >"$out/api.log" 2>&1 & api_pid=$!
until curl -sf "http://127.0.0.1:$api_port/alive" >/dev/null; do sleep 0.2; done

cpu_ms() { awk '{ print ($14 + $15) * 10 }' "/proc/$api_pid/stat"; }   # utime + stime in clock ticks (100/s)
aws_requests() { curl -s "http://127.0.0.1:$api_port/metrics" | awk '/^notify_aws_requests_total/ { s += $NF } END { print s + 0 }'; }

# Stand-in for the workers: purge both lanes every half second (moto's FIFO send slows as a queue grows).
python3 bench/ingest/purge_lanes.py "$moto_port" "$prefix" & purge_pid=$!
trap 'kill $purge_pid 2>/dev/null; cleanup' EXIT

# Warm-up (JIT tiering, connection pools, moto's lazy backends), then the measured run.
RUN_ID=warm-$$ wrk -t2 -c8 -d10s -s bench/ingest/post-event.lua "http://127.0.0.1:$api_port" >/dev/null
cpu0=$(cpu_ms); aws0=$(aws_requests)
RUN_ID=run-$$ wrk -t2 -c"$connections" -d"$duration" --latency -s bench/ingest/post-event.lua "http://127.0.0.1:$api_port" | tee "$out/wrk.txt"
cpu1=$(cpu_ms); aws1=$(aws_requests)

total=$(awk '/requests in/ { print $1 }' "$out/wrk.txt")
non2xx=$(awk '/Non-2xx/ { print $NF }' "$out/wrk.txt"); non2xx=${non2xx:-0}
accepted=$((total - non2xx))
echo
echo "accepted events:            $accepted (non-2xx: $non2xx)"
awk -v c=$((cpu1 - cpu0)) -v n="$accepted" 'BEGIN { if (n > 0) printf "API CPU per accepted event: %.0f us\n", c * 1000 / n }'
awk -v a=$((aws1 - aws0)) -v n="$accepted" 'BEGIN { if (n > 0 && a > 0) printf "AWS requests per event:     %.3f\n", a / n; else print "AWS requests per event:     n/a (no /metrics yet)" }'
