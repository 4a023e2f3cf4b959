-- wrk script: one-tap check-ins of remembered people, as a phone posts the one-tap form: the
-- phone's cookies (CSRF and the remembered person's device token in vaora_people_01), the
-- form's hidden fields (CSRF token, a fresh idempotency key, the person's token, their last
-- answers) and the pressed time as checkin.js sets it.
-- Request n is person p = n mod P in pass k = n div P over the people, at venue (p + k) mod V:
-- taps at once are spread over all venues, and a person's next tap is at the next venue, so
-- no (person, venue) pair comes back within two minutes (the two-minute rule would answer it
-- without a new row) unless P * V requests pass in between.
-- Environment: BENCH_PEOPLE_FILE (one device token a line), BENCH_VENUES (comma-separated
-- venue codes), BENCH_CSRF, BENCH_COOKIE (the CSRF cookie), BENCH_ANSWERS (the form's answer
-- fields, url-encoded), BENCH_PATH (the province's slug path, "/ha-noi"), BENCH_KEY (the keys'
-- prefix); and answers.lua's BENCH_START and BENCH_THREADS.

local people = {}
for line in io.lines(os.getenv("BENCH_PEOPLE_FILE")) do
	people[#people + 1] = line
end
local venues = {}
for code in string.gmatch(os.getenv("BENCH_VENUES") or "", "[^,]+") do
	venues[#venues + 1] = code
end
local csrf = os.getenv("BENCH_CSRF")
local cookie = os.getenv("BENCH_COOKIE")
local answers = os.getenv("BENCH_ANSWERS")
local base = os.getenv("BENCH_PATH") or "/ha-noi"
local key = os.getenv("BENCH_KEY") or "bench-tap"

dofile(os.getenv("BENCH_LUA_DIR") .. "/answers.lua")

function request()
	local n = next_n()
	local token = people[n % #people + 1]
	local venue = venues[(n % #people + math.floor(n / #people)) % #venues + 1]
	local body = "csrf=" .. csrf .. "&key=" .. key .. "-" .. string.format("%012d", n) .. "&pressed_at_ms=" ..
		(os.time() * 1000) .. "&person=" .. token .. "&remember=1&" .. answers .. "&direction=in"
	return wrk.format("POST", base .. "/c/" .. venue, { ["Content-Type"] = "application/x-www-form-urlencoded",
		["Cookie"] = cookie .. "; vaora_people_01=" .. token }, body)
end

function response(status, headers, body)
	counted(status, status == 200 and string.find(body, 'id="check-code"', 1, true) ~= nil, body)
end
