-- wrk script: POST /api/events with a unique eventId per request (run id + thread id + counter) and a small payload.
-- Optional environment: EVENT_TYPE (order.shipped), CHANNELS (comma-separated, e.g. "email"), PRIORITY (high|low),
-- RATE + WRK_THREADS (paced instead of as fast as possible), WRK_RESULT (JSON summary file); see bench/wrk/bench.lua.
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../wrk/?.lua;" .. package.path
local bench = require("bench")

local counter = 0
local thread_id = 0
local threads = {}
local extra = ""

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid
  run_id = os.getenv("RUN_ID") or tostring(os.time())
  event_type = os.getenv("EVENT_TYPE") or "order.shipped"
  local channels = os.getenv("CHANNELS")
  if channels and channels ~= "" then
    extra = extra .. ',"channels":["' .. channels:gsub(",", '","') .. '"]'
  end
  local priority = os.getenv("PRIORITY")
  if priority and priority ~= "" then
    extra = extra .. ',"priority":"' .. priority .. '"'
  end
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"eventId":"bench-%s-%d-%d","eventType":"%s","userId":"user-%d","payload":{"order":"A-%d","total":42.5},"recipient":{"email":"user%d@example.com"}%s}',
    run_id, thread_id, counter, event_type, counter % 500, counter, counter % 500, extra)
  return wrk.format("POST", "/api/events", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. (os.getenv("NOTIFY_ADMIN_KEY") or "none"),
  }, body)
end

delay = bench.pacer()
done = bench.done
