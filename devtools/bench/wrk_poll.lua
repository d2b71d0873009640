-- wrk script: each connection is one reader whose page polls every KIJI_POLL_MS milliseconds
-- (a random first delay spreads them out); the JSON summary line is wrk_report.lua's.
local every = tonumber(os.getenv("KIJI_POLL_MS") or "15000")
local first = true

delay = function()
  if first then
    first = false
    return math.random(0, every)
  end
  return every
end

-- The summary printer shared with the other scenarios (bench/run.py passes its path).
dofile(os.getenv("KIJI_WRK_REPORT"))
