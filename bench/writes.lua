-- wrk script: varied case submissions (POST /api/v1/cases), the way many
-- people share at once: four categories, eight countries, filing months in
-- the last four years and a receipt date on a random day of that month.
-- Bodies differ, so the burst check sees few identical timelines.
local categories = {"eb2-niw", "i485-employment", "n400", "i765"}
local countries = {"IN", "CN", "MX", "PH", "BR", "NG", "VN", "KR"}
local today = os.date("!*t")
math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local age = math.random(1, 48)
  local y, m = today.year, today.month - age
  while m < 1 do m = m + 12; y = y - 1 end
  local body = string.format(
    '{"category":"%s","country":"%s","filed":"%04d-%02d","milestones":[{"code":"received","date":"%04d-%02d-%02d"}]}',
    categories[math.random(#categories)], countries[math.random(#countries)], y, m, y, m, math.random(1, 28))
  return wrk.format(nil, "/api/v1/cases", nil, body)
end
-- Count what the server acknowledged (201) and what it refused.
local created, other = 0, 0
response = function(status)
  if status == 201 then created = created + 1 else other = other + 1 end
end
done = function(summary, latency)
  io.write(string.format("acknowledged per second: %.0f (%d non-201 answers seen by the last thread)\n",
    summary.requests / (summary.duration / 1e6), other))
end
