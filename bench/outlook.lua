-- wrk script: the outlook of 144 applicants in turn, from three
-- countries, each filed in one of the 48 months before this month (the
-- seed's cases are filed up to today).
local today = os.date("!*t")
local paths = {}
for _, country in ipairs({"IN", "CN", "MX"}) do
  for age = 1, 48 do
    local y, m = today.year, today.month - age
    while m < 1 do m = m + 12; y = y - 1 end
    paths[#paths + 1] = string.format("/api/v1/outlook?category=eb2-niw&country=%s&filed=%04d-%02d", country, y, m)
  end
end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
