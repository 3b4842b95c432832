-- POST /api/bookings with 1-4 seats on a departure drawn from BENCH_IDS_FILE (one uuid a line), a random
-- returning customer, and a unique Idempotency-Key per request, as the site's confirm button sends.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
require("common")

local ids = {}
for line in io.lines(os.getenv("BENCH_IDS_FILE")) do
  if #line > 0 then table.insert(ids, line) end
end
local seq = 0

function init(args)
  bench_init()
  math.randomseed(os.time() * 1000 + (id or 0) * 7919)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  seq = seq + 1
  local c = math.random(1, 100000)
  local body = string.format(
    '{"departure_id":"%s","seats_requested":%d,"customer":{"email":"customer%d@example.com","full_name":"Customer %d","phone":"+1 415 555 01%02d"}}',
    ids[math.random(1, #ids)], math.random(1, 4), c, c, c % 100)
  wrk.headers["Idempotency-Key"] = string.format("bench-%d-%d-%d-%d", os.time(), id or 0, seq, math.random(1, 1e9))
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  bench_count(status)
end
