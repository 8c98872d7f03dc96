"""moto_server with a per-operation account, for bench/deliver.sh and bench/run (no profiler package is installable here).

Each request's operation (the X-Amz-Target, else the Query protocol's Action, else method and path) is charged the CPU
time of the thread that served it, and what AWS would bill for it:
  - DynamoDB on-demand request units, from the item sizes moto holds (DynamoDB's own size rules, moto's Item.size()):
    a write costs ceil(max(size before, size after) / 1 KB) WRU, plus the same for each global secondary index the
    item enters, leaves (1 write) or changes in (2 writes when its index key changes), by the index's projection; a
    failed condition still pays the base write. A read costs ceil(size / 4 KB) RRU per item (GetItem, BatchGetItem) or
    per request over the items read (Query, Scan: the full item, or the index projection, whatever was projected
    out), halved when eventually consistent; transactions pay double.
  - SQS requests in 64 KB chunks of the request (sends) or response (receives) body, split FIFO / standard by queue.
SIGUSR1 writes the table to the file named by MOTO_PROFILE_OUT, one tab-separated line per operation:
operation, calls, CPU ms, WRU, RRU, SQS FIFO requests, SQS standard requests. Arguments are moto_server's.
The accounting runs outside the CPU measurement and costs far less than the operations it accounts.
"""
import collections
import io
import json
import math
import os
import re
import signal
import sys
import threading
import time
import urllib.parse

import moto.moto_server.werkzeug_app as werkzeug_app
from moto.dynamodb.models import dynamodb_backends
from moto.server import main

ACCOUNT = "123456789012"
FIELDS = ("calls", "cpu", "wru", "rru", "sqs_fifo", "sqs_standard")
stats = collections.defaultdict(lambda: dict.fromkeys(FIELDS, 0))
lock = threading.Lock()
serve = werkzeug_app.DomainDispatcherApplication.__call__


def operation_of(environ, body):
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return f"Action:{action[0]}"
    return f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')[:40]}"


def region_of(environ):
    match = re.search(r"Credential=[^/]+/\d+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else "us-east-1"


# DynamoDB ------------------------------------------------------------------------------------------------------------

def table_of(environ, name):
    try:
        return dynamodb_backends[ACCOUNT][region_of(environ)].get_table(name)
    except Exception:  # noqa: BLE001 - a missing table fails the request itself; nothing to account
        return None


def key_of(table, item_json):
    names = [n for n in (table.hash_key_attr, table.range_key_attr) if n]
    return {n: item_json[n] for n in names if n in item_json}


def lookup(environ, table, key_json):
    try:
        return dynamodb_backends[ACCOUNT][region_of(environ)].get_item(table.name, key_json)
    except Exception:  # noqa: BLE001
        return None


def footprint(table, item):
    """What a write's cost depends on, taken before moto mutates the item in place."""
    if item is None:
        return None
    indexes = {}
    for index in table.global_indexes:
        if all(k in item.attrs for k in index.schema_key_attrs):
            projected = index.project(item)
            indexes[index.name] = (
                tuple(str(item.attrs[k].value) for k in index.schema_key_attrs),
                projected.size(),
                json.dumps(projected.to_json(), sort_keys=True, default=str),
            )
    return {"size": item.size(), "indexes": indexes}


def write_units(before, after, succeeded):
    kb = lambda size: max(1, math.ceil(size / 1024))  # noqa: E731
    base = kb(max(before["size"] if before else 0, after["size"] if after else 0))
    if not succeeded:
        return base
    units = base
    for name in set((before or {}).get("indexes", {})) | set((after or {}).get("indexes", {})):
        old = (before or {}).get("indexes", {}).get(name)
        new = (after or {}).get("indexes", {}).get(name)
        if old and new:
            if old[0] != new[0]:
                units += kb(old[1]) + kb(new[1])
            elif old[2] != new[2]:
                units += kb(max(old[1], new[1]))
        elif old or new:
            units += kb((old or new)[1])
    return units


def read_units(size, consistent, minimum_one=True):
    units = max(1 if minimum_one else 0, math.ceil(size / 4096))
    return units if consistent else units / 2


def item_read_size(environ, table, item_json, index_name):
    """The size DynamoDB reads for a returned item: the full item, or its index projection."""
    full = lookup(environ, table, key_of(table, item_json))
    if full is None:
        return len(json.dumps(item_json))
    for index in table.global_indexes:
        if index.name == index_name:
            return index.project(full).size()
    return full.size()


class DynamoAccount:
    """Reads the request before moto serves it and prices it from the response and moto's tables after."""

    def __init__(self, environ, action, request):
        self.environ, self.action, self.request = environ, action, request
        self.writes = []  # (table, key json, footprint before, transactional)
        if action in ("PutItem", "UpdateItem", "DeleteItem"):
            table = table_of(environ, request.get("TableName"))
            if table:
                key = key_of(table, request["Item"]) if action == "PutItem" else request.get("Key", {})
                self.writes.append((table, key, footprint(table, lookup(environ, table, key)), False))
        elif action == "BatchWriteItem":
            for name, entries in request.get("RequestItems", {}).items():
                table = table_of(environ, name)
                for entry in entries if table else []:
                    item = entry.get("PutRequest", {}).get("Item") or entry.get("DeleteRequest", {}).get("Key", {})
                    key = key_of(table, item)
                    self.writes.append((table, key, footprint(table, lookup(environ, table, key)), False))
        elif action == "TransactWriteItems":
            for entry in request.get("TransactItems", []):
                kind, spec = next(iter(entry.items()))
                table = table_of(environ, spec.get("TableName"))
                if table:
                    key = key_of(table, spec["Item"]) if kind == "Put" else spec.get("Key", {})
                    self.writes.append((table, key, footprint(table, lookup(environ, table, key)), True))

    def units(self, succeeded, response):
        wru = 0.0
        for table, key, before, transactional in self.writes:
            after = footprint(table, lookup(self.environ, table, key))
            wru += write_units(before, after, succeeded) * (2 if transactional else 1)
        rru = 0.0
        request, action = self.request, self.action
        consistent = bool(request.get("ConsistentRead"))
        if action == "GetItem":
            table = table_of(self.environ, request.get("TableName"))
            item = (response or {}).get("Item")
            size = item_read_size(self.environ, table, item, None) if (table and item) else 0
            rru += read_units(size, consistent)
        elif action in ("Query", "Scan") and response is not None:
            table = table_of(self.environ, request.get("TableName"))
            items = response.get("Items", [])
            size = sum(item_read_size(self.environ, table, i, request.get("IndexName")) for i in items) if table else 0
            scanned, count = response.get("ScannedCount", 0), response.get("Count", 0)
            if scanned > count:  # filtered out after the read: charge the unseen items at the seen items' mean size
                size += (scanned - count) * (size / count if count else 512)
            rru += read_units(size, consistent and not request.get("IndexName"))
        elif action == "BatchGetItem" and response is not None:
            for name, items in response.get("Responses", {}).items():
                table = table_of(self.environ, name)
                strong = bool(request.get("RequestItems", {}).get(name, {}).get("ConsistentRead"))
                for item in items if table else []:
                    rru += read_units(item_read_size(self.environ, table, item, None), strong)
        elif action == "TransactGetItems" and response is not None:
            for entry, result in zip(request.get("TransactItems", []), response.get("Responses", [])):
                table = table_of(self.environ, entry.get("Get", {}).get("TableName"))
                item = result.get("Item")
                rru += 2 * read_units(item_read_size(self.environ, table, item, None) if (table and item) else 0, True)
        return wru, rru


# SQS -----------------------------------------------------------------------------------------------------------------

def sqs_units(action, request, request_bytes, response_bytes):
    payload = request_bytes if action.startswith("Send") else response_bytes if action == "ReceiveMessage" else 0
    units = max(1, math.ceil(payload / 65536))
    fifo = str(request.get("QueueUrl", "")).endswith(".fifo")
    return (units, 0) if fifo else (0, units)


def profiled(self, environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    operation = operation_of(environ, body)
    service, _, action = operation.partition(".")
    request = {}
    if service in ("AmazonSQS", "DynamoDB_20120810"):
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            request = {}
    dynamo = None
    if service == "DynamoDB_20120810":
        try:
            dynamo = DynamoAccount(environ, action, request)
        except Exception as error:  # noqa: BLE001 - accounting must never fail a request
            print(f"moto_profiled: no account for {operation}: {error!r}", file=sys.stderr)

    status = []

    def capture(code, headers, exc_info=None):
        status.append(int(code.split(" ", 1)[0]))
        return start_response(code, headers, exc_info) if exc_info else start_response(code, headers)

    started = time.thread_time()
    result = serve(self, environ, capture)
    try:
        chunks = list(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    cpu = time.thread_time() - started

    response_body = b"".join(chunks)
    succeeded = bool(status) and status[0] < 300
    wru = rru = fifo = standard = 0
    try:
        if dynamo:
            response = json.loads(response_body) if succeeded and response_body else None
            wru, rru = dynamo.units(succeeded, response)
        elif service == "AmazonSQS":
            fifo, standard = sqs_units(action, request, len(body), len(response_body))
    except Exception as error:  # noqa: BLE001 - accounting must never fail a request
        print(f"moto_profiled: no account for {operation}: {error!r}", file=sys.stderr)
    with lock:
        entry = stats[operation]
        entry["calls"] += 1
        entry["cpu"] += cpu
        entry["wru"] += wru
        entry["rru"] += rru
        entry["sqs_fifo"] += fifo
        entry["sqs_standard"] += standard
    return chunks


def dump(*_):
    with lock, open(os.environ["MOTO_PROFILE_OUT"] + ".tmp", "w") as out:
        for operation, e in sorted(stats.items(), key=lambda kv: -kv[1]["cpu"]):
            out.write(f"{operation}\t{e['calls']}\t{e['cpu'] * 1000:.0f}\t{e['wru']:g}\t{e['rru']:g}\t{e['sqs_fifo']}\t{e['sqs_standard']}\n")
    os.replace(os.environ["MOTO_PROFILE_OUT"] + ".tmp", os.environ["MOTO_PROFILE_OUT"])


werkzeug_app.DomainDispatcherApplication.__call__ = profiled
signal.signal(signal.SIGUSR1, dump)
sys.argv = ["moto_server"] + sys.argv[1:]
main()
