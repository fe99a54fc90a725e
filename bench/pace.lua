-- Shared by the write scripts: with CASETRACK_BENCH_RATE=N set, the
-- connections together offer about N requests per second instead of
-- sending the next request the moment an answer arrives. A closed loop
-- measures the server saturated, where every request also waits for all
-- the others (64 connections at 1,500 answers a second wait 43 ms on
-- average whatever the server does); a paced run measures the answer
-- time at a given load. Each wrk thread hands out send times an equal
-- interval apart; a connection whose time has passed sends at once, and
-- the schedule does not catch up after a stall, so the rate reached
-- (wrk's Requests/sec) shows whether the server kept up.
-- CASETRACK_BENCH_THREADS must be wrk's -t (bench/writes.sh sets both).
local rate = tonumber(os.getenv("CASETRACK_BENCH_RATE") or "")
if rate and rate > 0 then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } pace_timespec;
    int clock_gettime(int clk, pace_timespec *ts);
  ]]
  local ts = ffi.new("pace_timespec")
  local function now_ms() -- CLOCK_MONOTONIC
    ffi.C.clock_gettime(1, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local threads = tonumber(os.getenv("CASETRACK_BENCH_THREADS") or "2")
  local interval = 1000 * threads / rate
  local next_at = nil
  delay = function()
    local t = now_ms()
    next_at = math.max((next_at or t) + interval, t)
    return math.floor(next_at - t)
  end
end
