"""Drives Notify.Api for bench/deliver.sh and bench/run: posts events and reads back when each was sent (server-side
timestamps).

  setup API                                       stores the bench.deliver email template
  steady API METRICS RATE SECONDS RUN             post + latency below, in one go
  post API METRICS RATE SECONDS RUN               posts RATE events/s for SECONDS (8 client threads), then waits on the
                                                  worker's own counter until each has a final row
  latency API RUN COUNT                           reads each event RUN-0 … RUN-(COUNT-1) once: POST->sent percentiles
  burst API METRICS COUNT RUN                     COUNT events through /api/events/batch, then the drain's deliveries/s
With DRIVE_RESULT=FILE the figures are also written there as one JSON object.
"""
import concurrent.futures as futures
import json
import os
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
    while metrics_url and delivered_total(metrics_url) < baseline + len(ids) and time.time() < deadline:
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


def result(figures):
    path = os.environ.get("DRIVE_RESULT")
    if path:
        with open(path, "w") as out:
            json.dump(figures, out)


def post(base, metrics, rate, seconds, run):
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
    posted_in = time.time() - start
    deadline = time.time() + 300
    while delivered_total(metrics) < baseline + total and time.time() < deadline:
        time.sleep(0.5)
    return total, posted_in


def latency(base, run, total):
    latencies, lost, _ = sent_latencies(base, None, [f"{run}-{i}" for i in range(total)], 0, 0)
    figures = {"events": total, "delivered": len(latencies), "not_sent": lost}
    if latencies:
        figures.update({f"p{p}_ms": pct(latencies, p) * 1000 for p in (50, 95, 99)})
    return figures


def main():
    mode, base = sys.argv[1], sys.argv[2]
    if mode == "setup":
        call(base, "PUT", f"/api/templates/{TYPE}/email/en", {"subject": "Order {{n}}", "text": "Your order {{n}} shipped."})
        return
    if mode in ("steady", "post"):
        metrics, rate, seconds, run = sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
        total, posted_in = post(base, metrics, rate, seconds, run)
        if mode == "post":
            result({"events": total, "posted_in_s": posted_in})
            print(f"posted {total} events at {rate:g}/s in {posted_in:.1f} s")
            return
        figures = latency(base, run, total)
        result(figures)
        print(f"steady {rate:g}/s for {seconds:g}s: {total} events")
        print(f"delivered {figures['delivered']} (not sent: {figures['not_sent']})")
        if figures["delivered"]:
            print(f"POST->sent p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms")
        return
    if mode == "latency":
        figures = latency(base, sys.argv[3], int(sys.argv[4]))
        result(figures)
        print(json.dumps(figures))
        return
    if mode == "burst":
        metrics, count, run = sys.argv[3], int(sys.argv[4]), sys.argv[5]
        baseline = delivered_total(metrics)
        ids = []
        for offset in range(0, count, 100):
            batch = [event(run, i) for i in range(offset, min(count, offset + 100))]
            call(base, "POST", "/api/events/batch", {"events": batch})
            ids += [b["eventId"] for b in batch]
        accepted_at = min(parse(call(base, "GET", f"/api/events/{i}")["acceptedAt"]) for i in ids[:10])
        latencies, lost, last = sent_latencies(base, metrics, ids, baseline, time.time() + 600)
        span = (last - accepted_at).total_seconds() if last else 0
        rate = len(latencies) / span if span > 0 else 0
        result({"events": count, "delivered": len(latencies), "not_sent": lost, "span_s": span, "deliveries_per_s": rate})
        print(f"burst of {count}: delivered {len(latencies)} (not sent: {lost}) in {span:.1f} s → {rate:.1f} deliveries/s")
        return
    raise SystemExit(f"unknown mode {mode}")


main()
