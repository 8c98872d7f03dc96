"""Drives Notify.Api for bench/deliver.sh: posts events and reads back when each was sent (server-side timestamps)."""
import concurrent.futures as futures
import json
import os
import statistics
import sys
import time
import urllib.request
from datetime import datetime

KEY = os.environ["NOTIFY_ADMIN_KEY"]
TYPE = "bench.deliver"


def call(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read() or b"null")


def event(run, i):
    return {"eventId": f"{run}-{i}", "eventType": TYPE, "userId": f"{run}-user-{i % 200}", "channels": ["email"],
            "payload": {"n": i}, "recipient": {"email": f"user{i % 200}@example.com"}, "priority": "high"}


def parse(ts):
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def delivered_total(metrics_url):
    text = urllib.request.urlopen(metrics_url, timeout=30).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith("notify_deliveries_total{"))


def sent_latencies(base, metrics_url, ids, baseline, deadline):
    """Waits on the worker's own counter (cheap) until every event has a final row, then reads each event once."""
    while delivered_total(metrics_url) < baseline + len(ids) and time.time() < deadline:
        time.sleep(1)
    latencies, failed, last = [], 0, None
    for event_id in ids:
        e = call(base, "GET", f"/api/events/{event_id}")
        rows = e["notifications"]
        if rows and rows[0]["status"] == "sent":
            sent = parse(rows[0]["transitions"]["sent"])
            latencies.append((sent - parse(e["acceptedAt"])).total_seconds())
            last = sent if last is None or sent > last else last
        else:
            failed += 1
    return latencies, failed, last


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    mode, base, metrics = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None
    if mode == "setup":
        call(base, "PUT", f"/api/templates/{TYPE}/email/en", {"subject": "Order {{n}}", "text": "Your order {{n}} shipped."})
        return
    if mode == "steady":
        rate, seconds, run = float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
        total = int(rate * seconds)
        baseline = delivered_total(metrics)
        start = time.time()
        with futures.ThreadPoolExecutor(8) as pool:
            jobs = []
            for i in range(total):
                delay = start + i / rate - time.time()
                if delay > 0:
                    time.sleep(delay)
                jobs.append(pool.submit(call, base, "POST", "/api/events", event(run, i)))
            for job in jobs:
                job.result()
        latencies, lost, _ = sent_latencies(base, metrics, [f"{run}-{i}" for i in range(total)], baseline, time.time() + 300)
        print(f"steady {rate:g}/s for {seconds:g}s: {total} events")
        print(f"delivered {len(latencies)} (not sent: {lost})")
        if latencies:
            print(f"POST->sent p50 {pct(latencies, 50) * 1000:.0f} ms, p99 {pct(latencies, 99) * 1000:.0f} ms")
        return
    if mode == "burst":
        count, run = int(sys.argv[4]), sys.argv[5]
        baseline = delivered_total(metrics)
        ids = []
        for offset in range(0, count, 100):
            batch = [event(run, i) for i in range(offset, min(count, offset + 100))]
            call(base, "POST", "/api/events/batch", {"events": batch})
            ids += [b["eventId"] for b in batch]
        accepted_at = min(parse(call(base, "GET", f"/api/events/{i}")["acceptedAt"]) for i in ids[:10])
        latencies, lost, last = sent_latencies(base, metrics, ids, baseline, time.time() + 600)
        span = (last - accepted_at).total_seconds()
        print(f"burst of {count}: delivered {len(latencies)} (not sent: {lost}) in {span:.1f} s → {len(latencies) / span:.1f} deliveries/s")


main()
