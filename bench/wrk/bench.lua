-- Shared by bench's wrk scripts (loaded with require, next to them):
--   pacer(): a delay() that spaces requests to RATE per second in all (env RATE, split over WRK_THREADS threads);
--     hand-written because wrk2, the paced wrk, is not in Debian's archive (only wrk is).
--     Each call claims the thread's next send slot, so with enough connections the rate holds whatever the latency
--     (open loop, as wrk2 would); a thread more than a second behind drops the missed slots instead of bursting.
--     wrk reports the latency from the actual send, so keep the rate under saturation (bench/run uses 50 %).
--   done(): writes wrk's totals and latency percentiles as one JSON line to the file in env WRK_RESULT.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]

local M = {}
local timespec = ffi.new("bench_timespec")

local function now_ms()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

function M.pacer()
  local rate = tonumber(os.getenv("RATE") or "")
  if not rate or rate <= 0 then
    return nil
  end
  local interval = (tonumber(os.getenv("WRK_THREADS") or "1")) * 1000 / rate
  local next_at
  return function()
    local now = now_ms()
    if not next_at or next_at < now - 1000 then
      next_at = now
    end
    local wait = next_at - now
    next_at = next_at + interval
    return math.floor(wait)
  end
end

function M.done(summary, latency, requests)
  local path = os.getenv("WRK_RESULT")
  if not path then
    return
  end
  local e = summary.errors
  local out = assert(io.open(path, "w"))
  out:write(string.format(
    '{"requests":%d,"duration_s":%.3f,"rps":%.2f,"non2xx":%d,"socket_errors":%d,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"mean_ms":%.3f,"max_ms":%.3f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.mean / 1000,
    latency.max / 1000))
  out:close()
end

return M
