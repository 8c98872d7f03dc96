"""Stand-in for the workers while only ingestion is measured (bench/ingest.sh, bench/run): moto's FIFO send slows with
every message already queued (about 0.1 ms each), so an undrained lane would measure moto's queue scan, not Notify.
Purges both lanes every half second until killed. Arguments: moto port, resource prefix (boto3 ships with moto)."""
import sys
import time

import boto3

sqs = boto3.client("sqs", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
urls = [sqs.get_queue_url(QueueName=f"{sys.argv[2]}-{lane}.fifo")["QueueUrl"] for lane in ("high", "low")]
while True:
    for url in urls:
        sqs.purge_queue(QueueUrl=url)
    time.sleep(0.5)
