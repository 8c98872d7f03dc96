-- wrk script: POST /api/events with a unique eventId per request (thread id + counter) and a small payload.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid
  run_id = os.getenv("RUN_ID") or tostring(os.time())
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"eventId":"bench-%s-%d-%d","eventType":"order.shipped","userId":"user-%d","payload":{"order":"A-%d","total":42.5},"recipient":{"email":"user%d@example.com"}}',
    run_id, thread_id, counter, counter % 500, counter, counter % 500)
  return wrk.format("POST", "/api/events", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("NOTIFY_ADMIN_KEY"),
  }, body)
end
