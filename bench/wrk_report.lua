-- wrk script for bench/run.py: stop after BENCH_MAX_REQUESTS responses (or the -d limit, whichever
-- comes first) and print the latency summary as one JSON line. Run with -t1 so the count is global.
-- wrk's own duration is always the -d value (its main thread sleeps that long), so the elapsed
-- time up to the last response is measured here with clock_gettime through LuaJIT's FFI.
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "200")
local threads = {}
count = 0
t_start = 0
t_end = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  t_start = now_us()
end

function response(status, headers, body)
  count = count + 1
  t_end = now_us()
  if count >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local elapsed = 0
  for _, thread in ipairs(threads) do
    local span = thread:get("t_end") - thread:get("t_start")
    if span > elapsed then elapsed = span end
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "elapsed_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"status_errors": %d, "timeouts": %d}\n',
    summary.requests, elapsed, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
