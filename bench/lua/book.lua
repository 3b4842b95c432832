-- POST /api/bookings on a departure drawn from BENCH_IDS_FILE (one uuid a line), a random returning customer and a
-- unique Idempotency-Key per request, as the site's confirm button sends. Half the requests ask for 1-4 seats (adults,
-- as the document's contract); the other half name 2-4 passengers of mixed fares: adults, children, seniors and, in
-- one request of four, an infant on a lap (no seat).
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

local customers = tonumber(os.getenv("BENCH_CUSTOMERS") or "100000")
local others = { "adult", "child", "child", "senior" }

local function passengers(c)
  local n = math.random(2, 4)
  local list = { string.format('{"fare":"adult","full_name":"Customer %d"}', c) }
  for i = 2, n do
    local fare = others[math.random(1, #others)]
    if i == n and math.random(1, 4) == 1 then fare = "infant" end
    table.insert(list, string.format('{"fare":"%s","full_name":"Passenger %d of %d"}', fare, i, c))
  end
  return "[" .. table.concat(list, ",") .. "]"
end

function request()
  seq = seq + 1
  local c = math.random(1, customers)
  local customer = string.format('{"email":"customer%d@example.com","full_name":"Customer %d","phone":"+1 415 555 01%02d"}', c, c, c % 100)
  local body
  if seq % 2 == 0 then
    body = string.format('{"departure_id":"%s","passengers":%s,"customer":%s}', ids[math.random(1, #ids)], passengers(c), customer)
  else
    body = string.format('{"departure_id":"%s","seats_requested":%d,"customer":%s}', ids[math.random(1, #ids)], math.random(1, 4), customer)
  end
  wrk.headers["Idempotency-Key"] = string.format("bench-%d-%d-%d-%d", os.time(), id or 0, seq, math.random(1, 1e9))
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  bench_count(status)
end
