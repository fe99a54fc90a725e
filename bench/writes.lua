-- wrk script: varied case submissions (POST /api/v1/cases), the way many
-- people share at once: four categories, eight countries, filing months in
-- the last four years (four months ago at the latest), a receipt date on a random day of that month and,
-- for two in three, a second step one to ten weeks later (biometrics, or
-- an RFE for the I-140, which has no biometrics).
-- Bodies differ, so copies of one timeline are as rare as among real
-- submissions and the burst check seldom fires (bench/bursts.lua
-- measures it on its own).
local categories = {"eb2-niw", "i485-employment", "n400", "i765"}
local second = {["eb2-niw"] = "rfe", ["i485-employment"] = "biometrics", n400 = "biometrics", i765 = "biometrics"}
local countries = {"IN", "CN", "MX", "PH", "BR", "NG", "VN", "KR"}
local today = os.date("!*t")
math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  -- Four months back at least: the second step, up to ten weeks after a
  -- receipt late in the month, is then never in the future (a 422).
  local age = math.random(4, 48)
  local y, m = today.year, today.month - age
  while m < 1 do m = m + 12; y = y - 1 end
  local category = categories[math.random(#categories)]
  local day = math.random(1, 28)
  local milestones = string.format('{"code":"received","date":"%04d-%02d-%02d"}', y, m, day)
  if math.random(3) > 1 then
    local t = os.time({year = y, month = m, day = day, hour = 12}) + math.random(7, 70) * 86400
    milestones = milestones .. string.format(',{"code":"%s","date":"%s"}', second[category], os.date("!%Y-%m-%d", t))
  end
  local body = string.format('{"category":"%s","country":"%s","filed":"%04d-%02d","milestones":[%s]}',
    category, countries[math.random(#countries)], y, m, milestones)
  return wrk.format(nil, "/api/v1/cases", nil, body)
end
-- The acknowledgement count at the end: bench/acks.lua, beside this file;
-- the pacing of CASETRACK_BENCH_RATE: bench/pace.lua.
local here = debug.getinfo(1, "S").source:match("^@(.*/)")
dofile(here .. "acks.lua")
dofile(here .. "pace.lua")
