"""moto_server with a per-operation CPU account, for bench/deliver.sh (no profiler package is installable here).

Each request's operation (the X-Amz-Target, else method and path) is charged the CPU time of the thread that served
it. SIGUSR1 writes the table to the file named by MOTO_PROFILE_OUT. Arguments are moto_server's.
"""
import collections
import os
import signal
import sys
import threading
import time

import moto.moto_server.werkzeug_app as werkzeug_app
from moto.server import main

stats = collections.defaultdict(lambda: [0, 0.0])
lock = threading.Lock()
serve = werkzeug_app.DomainDispatcherApplication.__call__


def profiled(self, environ, start_response):
    operation = environ.get("HTTP_X_AMZ_TARGET") or f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')[:40]}"
    started = time.thread_time()
    try:
        return serve(self, environ, start_response)
    finally:
        with lock:
            entry = stats[operation]
            entry[0] += 1
            entry[1] += time.thread_time() - started


def dump(*_):
    with lock, open(os.environ["MOTO_PROFILE_OUT"], "w") as out:
        for operation, (count, cpu) in sorted(stats.items(), key=lambda kv: -kv[1][1]):
            out.write(f"{operation}\t{count}\t{cpu * 1000:.0f}\n")


werkzeug_app.DomainDispatcherApplication.__call__ = profiled
signal.signal(signal.SIGUSR1, dump)
sys.argv = ["moto_server"] + sys.argv[1:]
main()
