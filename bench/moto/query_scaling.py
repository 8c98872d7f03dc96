"""How moto's DynamoDB Query cost grows with the table, beside GetItem and UpdateItem on the same table.

moto's Query visits every item of the table to find one partition's (moto/dynamodb/models/table.py, Table.query), so a
delivery's two Queries (the event's partition, the user's) get slower as a run fills the table; DynamoDB itself reads
only the partition. This is why the volume runs slow down as they go. Usage: python3 bench/moto/query_scaling.py
(starts its own moto_server on a free port; about a minute).
"""
import socket
import subprocess
import time

import boto3

SIZES = (100, 2000, 8000, 16000)
CALLS = 50


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def per_call_ms(call):
    started = time.perf_counter()
    for i in range(CALLS):
        call(i)
    return (time.perf_counter() - started) / CALLS * 1000


port = free_port()
moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    ddb = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    deadline = time.time() + 30
    while True:
        try:
            ddb.list_tables()
            break
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}])
    key = lambda i: {"pk": {"S": f"EVT#{i}"}, "sk": {"S": "EVENT"}}
    items = 0
    print("items\tQuery ms\tGetItem ms\tUpdateItem ms")
    for size in SIZES:
        while items < size:
            ddb.batch_write_item(RequestItems={"t": [{"PutRequest": {"Item": {**key(items + i), "body": {"S": "x" * 200}}}} for i in range(25)]})
            items += 25
        query = per_call_ms(lambda i: ddb.query(TableName="t", KeyConditionExpression="pk = :p", ConsistentRead=True,
                                                ExpressionAttributeValues={":p": {"S": f"EVT#{i}"}}))
        get = per_call_ms(lambda i: ddb.get_item(TableName="t", Key=key(i), ConsistentRead=True))
        update = per_call_ms(lambda i: ddb.update_item(TableName="t", Key=key(i), UpdateExpression="SET n = :n",
                                                       ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues={":n": {"N": "1"}}))
        print(f"{items}\t{query:.1f}\t{get:.1f}\t{update:.1f}", flush=True)
finally:
    moto.kill()
