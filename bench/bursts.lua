-- wrk script: a burst of copies. Every request submits the same timeline,
-- as a script flooding the site would, so that every submission after the
-- fifth completes a burst (web/quality.go): it is stored flagged and the
-- earlier copies still published are flagged with it, once each. Used
-- with bench/writes.sh (CASETRACK_BENCH_SCRIPT=bench/bursts.lua) to show
-- that a burst costs each copy a constant amount, not one more UPDATE per
-- copy before it.
local today = os.date("!*t")
local y, m = today.year, today.month - 6
while m < 1 do m = m + 12; y = y - 1 end
local body = string.format(
  '{"category":"i765","country":"IN","filed":"%04d-%02d","milestones":[{"code":"received","date":"%04d-%02d-11"}]}', y, m, y, m)
wrk.method = "POST"
wrk.path = "/api/v1/cases"
wrk.headers["Content-Type"] = "application/json"
wrk.body = body
-- The acknowledgement count at the end: bench/acks.lua, beside this file.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "acks.lua")
