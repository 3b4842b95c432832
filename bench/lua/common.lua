-- Shared by the wrk scripts: per-thread status counters, and one machine-readable result line from done().
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function bench_init()
  counts = { s2xx = 0, s201 = 0, s4xx = 0, s5xx = 0, other = 0 }
end

function bench_count(status)
  if status == 201 then counts.s201 = counts.s201 + 1 end
  if status >= 200 and status < 300 then counts.s2xx = counts.s2xx + 1
  elseif status >= 400 and status < 500 then counts.s4xx = counts.s4xx + 1
  elseif status >= 500 then counts.s5xx = counts.s5xx + 1
  else counts.other = counts.other + 1 end
end

function done(summary, latency, requests)
  local totals = { s2xx = 0, s201 = 0, s4xx = 0, s5xx = 0, other = 0 }
  local counted = false
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    if c then
      counted = true
      for k, v in pairs(c) do totals[k] = totals[k] + v end
    end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  if not counted then
    -- GET scripts count nothing themselves: wrk's own non-2xx/3xx count is enough.
    totals.s2xx = summary.requests - e.status
    totals.s4xx = e.status
  end
  io.write(string.format(
    "BENCH_RESULT requests=%d seconds=%.2f rps=%.1f p50=%.2f p95=%.2f p99=%.2f max=%.2f s2xx=%d s201=%d s4xx=%d s5xx=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    totals.s2xx, totals.s201, totals.s4xx, totals.s5xx,
    e.connect + e.read + e.write + e.timeout))
end
