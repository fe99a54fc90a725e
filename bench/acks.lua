-- Shared by the write scripts (writes.lua, bursts.lua): at the end of a
-- run, how many submissions per second were acknowledged, and how many
-- answers were not (any status outside 2xx/3xx, and socket errors).
-- wrk runs done() in a Lua state of its own, so it counts from wrk's
-- summary rather than from the threads' variables.
done = function(summary, latency)
  local e = summary.errors
  io.write(string.format("acknowledged per second: %.0f; other answers: %d; socket errors: %d\n",
    (summary.requests - e.status) / (summary.duration / 1e6), e.status,
    e.connect + e.read + e.write + e.timeout))
end
