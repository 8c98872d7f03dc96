"""Cold start of Notify.Api as a Lambda function, on this machine.

Plays the Lambda Runtime API (2018-06-01) for one invocation per run: starts the package's `bootstrap` the way
Lambda does (AWS_LAMBDA_RUNTIME_API, LAMBDA_TASK_ROOT), queues one API Gateway HTTP API event, and times process
start -> first /invocation/next (Lambda's init phase) and process start -> the /response POST (what the first caller
waits for, minus Lambda's own sandbox start), and the CPU time the process had used by then (user + system, from
/proc: less sensitive than wall time to other load on the machine). Prints each run and the medians.

    python3 cold_start.py --package DIR [--package DIR2 ...] --event FILE [--runs 5] [--unique-event-id]
"""
import argparse
import json
import os
import statistics
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE = "/2018-06-01/runtime"


class Invocation:
    def __init__(self, event: bytes):
        self.request_id = str(uuid.uuid4())
        self.event = event
        self.first_next = None
        self.answered = None
        self.answer = None
        self.pid = None
        self.cpu_ms = None
        self.done = threading.Event()


def serve(invocation: Invocation) -> ThreadingHTTPServer:
    handed_out = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path != BASE + "/invocation/next":
                return self.reply(404, b"{}")
            if invocation.first_next is None:
                invocation.first_next = time.monotonic()
            if not handed_out.acquire(blocking=False):
                invocation.done.wait()  # one invocation per run; later polls wait until the run ends
                return self.reply(503, b"{}")
            deadline = int((time.time() + 30) * 1000)
            self.reply(200, invocation.event, {
                "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                "Lambda-Runtime-Deadline-Ms": str(deadline),
                "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:notify-api",
                "Lambda-Runtime-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=1",
            })

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path.startswith(f"{BASE}/invocation/{invocation.request_id}/"):
                invocation.answered = time.monotonic()
                invocation.cpu_ms = cpu_ms(invocation.pid)
                invocation.answer = (self.path.rsplit("/", 1)[1], body)
                self.reply(202, b'{"status":"OK"}')
                invocation.done.set()
            elif self.path == BASE + "/init/error":
                invocation.answer = ("init/error", body)
                self.reply(202, b'{"status":"OK"}')
                invocation.done.set()
            else:
                self.reply(400, b'{"errorType":"InvalidRequestID"}')

        def reply(self, status, body, headers=None):
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the run is over and the function already stopped

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def cpu_ms(pid):
    # utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks.
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def run_once(package: str, event: bytes, log_path: str):
    invocation = Invocation(event)
    server = serve(invocation)
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}", LAMBDA_TASK_ROOT=package)
    with open(log_path, "ab") as log:
        started = time.monotonic()
        process = subprocess.Popen([os.path.join(package, "bootstrap")], env=env, stdout=log, stderr=log)
        invocation.pid = process.pid
        try:
            if not invocation.done.wait(60):
                raise SystemExit(f"no answer within 60 s; see {log_path}")
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
            server.shutdown()
    kind, body = invocation.answer
    if kind != "response":
        raise SystemExit(f"the function posted {kind}: {body.decode()}")
    status = json.loads(body)["statusCode"]
    return (invocation.first_next - started) * 1000, (invocation.answered - started) * 1000, invocation.cpu_ms, status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--package", required=True, action="append",
                        help="a published function (holds bootstrap); repeat to compare packages, run by run in turn")
    parser.add_argument("--event", required=True, help="an API Gateway HTTP API event (payload 2.0)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--unique-event-id", action="store_true", help="give a POST /api/events body a new eventId per run")
    parser.add_argument("--log", default="/tmp/notify-lambda-cold-start.log")
    args = parser.parse_args()
    template = json.load(open(args.event))
    results = {package: ([], [], []) for package in args.package}
    # Packages take turns within each run, so a change in the machine's load weighs on all of them alike.
    for run in range(args.runs):
        for package in args.package:
            event = dict(template)
            if args.unique_event_id:
                body = json.loads(event["body"])
                body["eventId"] = f"cold-start-{uuid.uuid4().hex[:12]}"
                event["body"] = json.dumps(body)
                event["headers"] = dict(event["headers"], **{"content-length": str(len(event["body"].encode()))})
            init_ms, first_ms, cpu, status = run_once(os.path.abspath(package), json.dumps(event).encode(), args.log)
            for values, value in zip(results[package], (init_ms, first_ms, cpu)):
                values.append(value)
            print(f"run {run + 1} {os.path.basename(package.rstrip('/'))}: init {init_ms:.0f} ms, first response {first_ms:.0f} ms, "
                  f"CPU {cpu:.0f} ms (HTTP {status})", flush=True)
    for package, (inits, firsts, cpus) in results.items():
        print(f"median of {args.runs} {os.path.basename(package.rstrip('/'))}: init {statistics.median(inits):.0f} ms, "
              f"first response {statistics.median(firsts):.0f} ms, CPU to first response {statistics.median(cpus):.0f} ms")


if __name__ == "__main__":
    main()
