-- wrk script: one AWS operation against moto, repeated, to measure moto's own ceiling per operation (bench/run).
-- moto does not check signatures; it routes by the credential scope, X-Amz-Target and path, so the requests carry an
-- unsigned Authorization header of the right shape. Environment:
--   OP          sqs-receive | sqs-delete | ddb-get | ddb-query | ddb-update | ses-send
--   QUEUE_URL   the lane (sqs-*), holding a few messages: receive takes up to 10 with VisibilityTimeout 0 so they stay
--               visible; delete names a receipt handle moto does not know, which costs the same scan of the queue as a
--               real delete and answers 400
--   TABLE, EVENT_ID  an event with its notification rows (ddb-*): Query of its partition, GetItem of a suppression
--               entry that does not exist (the worker's usual case), UpdateItem of its email row
--   FROM, CONFIG_SET  SES v2 sender identity and configuration set (ses-send)
-- plus WRK_RESULT (see bench.lua).
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local bench = require("bench")

local function headers(service, extra)
  local h = {
    ["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/" .. service
      .. "/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000",
    ["X-Amz-Date"] = "20260101T000000Z",
  }
  for k, v in pairs(extra) do
    h[k] = v
  end
  return h
end

local function sqs(target, body)
  return wrk.format("POST", "/", headers("sqs", {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "AmazonSQS." .. target,
  }), body)
end

local function dynamodb(target, body)
  return wrk.format("POST", "/", headers("dynamodb", {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "DynamoDB_20120810." .. target,
  }), body)
end

local counter = 0

function init(args)
  op = os.getenv("OP")
  queue_url = os.getenv("QUEUE_URL")
  table_name = os.getenv("TABLE")
  event_id = os.getenv("EVENT_ID")
  from = os.getenv("FROM")
  config_set = os.getenv("CONFIG_SET")
end

function request()
  counter = counter + 1
  if op == "sqs-receive" then
    return sqs("ReceiveMessage", string.format(
      '{"QueueUrl":"%s","MaxNumberOfMessages":10,"WaitTimeSeconds":0,"VisibilityTimeout":0,"MessageAttributeNames":["All"],"MessageSystemAttributeNames":["All"]}',
      queue_url))
  elseif op == "sqs-delete" then
    return sqs("DeleteMessage", string.format('{"QueueUrl":"%s","ReceiptHandle":"bench-unknown-%d"}', queue_url, counter))
  elseif op == "ddb-get" then
    return dynamodb("GetItem", string.format(
      '{"TableName":"%s","Key":{"pk":{"S":"SUP#email#nobody%d@example.com"},"sk":{"S":"SUP"}},"ConsistentRead":true}',
      table_name, counter % 1000))
  elseif op == "ddb-query" then
    return dynamodb("Query", string.format(
      '{"TableName":"%s","KeyConditionExpression":"pk = :pk","ExpressionAttributeValues":{":pk":{"S":"EVT#%s"}},"ConsistentRead":true}',
      table_name, event_id))
  elseif op == "ddb-update" then
    return dynamodb("UpdateItem", string.format(
      '{"TableName":"%s","Key":{"pk":{"S":"EVT#%s"},"sk":{"S":"NTF#email"}},"UpdateExpression":"SET #b = :b","ConditionExpression":"attribute_exists(pk)","ExpressionAttributeNames":{"#b":"benchTouch"},"ExpressionAttributeValues":{":b":{"N":"%d"}}}',
      table_name, event_id, counter))
  elseif op == "ses-send" then
    return wrk.format("POST", "/v2/email/outbound-emails", headers("ses", { ["Content-Type"] = "application/json" }), string.format(
      '{"FromEmailAddress":"%s","ConfigurationSetName":"%s","Destination":{"ToAddresses":["user%d@example.com"]},"Content":{"Simple":{"Subject":{"Data":"Order %d"},"Body":{"Text":{"Data":"Your order %d shipped."}}}}}',
      from, config_set, counter % 200, counter, counter))
  end
  error("unknown OP " .. tostring(op))
end

done = bench.done
