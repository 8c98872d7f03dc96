#!/usr/bin/env bash
# Lambda cold start of Notify.Api on this machine. Publishes the function package as a provided.al2023 zip holds it
# (Release, self-contained linux-x64, Lambda/bootstrap at the root) three ways: without ReadyToRun (jit), ReadyToRun per
# assembly (r2r), and the project's default, the framework and Notify in one composite ReadyToRun image (composite).
# Then, for a GET /alive and a POST /api/events on moto, times process start -> init done (first /next) and -> the
# first answer posted to /response, with the CPU used by then (bench/lambda/cold_start.py plays the Runtime API; the
# packages take turns, run by run). Medians of [runs] runs. Publishing takes minutes (the composite compiles the
# whole framework).
#   bench/lambda-cold-start.sh [runs=5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
command -v moto_server >/dev/null || { echo "moto_server is required (pip install 'moto[server]')" >&2; exit 1; }

out=$(mktemp -d)
moto_pid=
# The packages and build outputs are about 1 GB; the logs stay.
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$out"/artifacts-* "$out"/jit "$out"/r2r "$out"/composite "$out"/bench
  echo "logs: $out"
}
trap cleanup EXIT
echo "publishing to $out ..."
publish() { dotnet publish src/Notify.Api -c Release -r linux-x64 --self-contained --artifacts-path "$out/artifacts-$1" -o "$out/$1" "${@:2}" >/dev/null; }
publish jit -p:PublishReadyToRun=false
publish r2r -p:PublishReadyToRunComposite=false
publish composite
dotnet build -c Release -o "$out/bench" --artifacts-path "$out/artifacts-bench" bench/Notify.Benchmarks >/dev/null
du -sh "$out/jit" "$out/r2r" "$out/composite"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
moto_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$out/moto.log" 2>&1 & moto_pid=$!
until curl -s "http://127.0.0.1:$moto_port/moto-api/" >/dev/null; do sleep 0.2; done
prefix=coldstart
dotnet "$out/bench/Notify.Benchmarks.dll" provision "http://127.0.0.1:$moto_port" "$prefix"

# The recorded events of the bridge's tests carry the tests' bootstrap admin key.
export NOTIFY_ADMIN_KEY=nfy_admin_bootstrap_key_for_tests_0123456789
export Notify__Inbox__TokenSigningKey=bench-inbox-token-signing-key-0123456789abcdef
export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export Notify__Provisioning__Prefix=$prefix Logging__LogLevel__Default=Warning
export Notify__Inbox__FanOut__Enabled=false   # as on Lambda (cdk/README.md): no per-instance queue at start
events=tests/Notify.Api.Tests/Lambda/Events
packages=(--package "$out/jit" --package "$out/r2r" --package "$out/composite")
echo "== GET /alive"
python3 bench/lambda/cold_start.py "${packages[@]}" --event "$events/alive.json" --runs "$runs" --log "$out/functions.log"
echo "== POST /api/events (DynamoDB PutItem + SQS SendMessageBatch)"
python3 bench/lambda/cold_start.py "${packages[@]}" --event "$events/post-event.json" --unique-event-id --runs "$runs" --log "$out/functions.log"
