-- wrk script: each connection is one reader whose page polls every KIJI_POLL_MS milliseconds
-- (a random first delay spreads them out); prints the same JSON line as wrk_report.lua.
local every = tonumber(os.getenv("KIJI_POLL_MS") or "15000")
local first = true

delay = function()
  if first then
    first = false
    return math.random(0, every)
  end
  return every
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "mean_ms": %.2f, ' ..
    '"errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
