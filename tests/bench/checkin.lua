-- wrk script: self check-ins posted as a phone posts the form (CSRF cookie and token, a
-- fresh idempotency key each, the time the button was pressed as checkin.js sets it), by
-- distinct people at venues spread over the given codes.
-- Environment: BENCH_VENUES (comma-separated venue codes), BENCH_CSRF, BENCH_COOKIE, BENCH_PATH
-- (the province's slug path, "/ha-noi"), BENCH_KEY (the keys' prefix, default "bench"); and
-- answers.lua's BENCH_START and BENCH_THREADS.

local venues = {}
for code in string.gmatch(os.getenv("BENCH_VENUES") or "", "[^,]+") do
	venues[#venues + 1] = code
end
local csrf = os.getenv("BENCH_CSRF")
local cookie = os.getenv("BENCH_COOKIE")
local base = os.getenv("BENCH_PATH") or "/ha-noi"
local key = os.getenv("BENCH_KEY") or "bench"
-- Family and given names, percent-encoded UTF-8, so people differ as real ones do.
local families = { "Nguy%E1%BB%85n", "Tr%E1%BA%A7n", "L%C3%AA", "Ph%E1%BA%A1m", "Ho%C3%A0ng", "V%C5%A9" }
local middles = { "V%C4%83n", "Th%E1%BB%8B", "%C4%90%E1%BB%A9c", "Minh" }
local givens = { "An", "B%C3%ACnh", "C%C6%B0%E1%BB%9Dng", "D%C5%A9ng", "H%C3%A0", "Lan", "Mai", "Tu%E1%BA%A5n" }

dofile(os.getenv("BENCH_LUA_DIR") .. "/answers.lua")

function request()
	local n = next_n()
	local venue = venues[(n % #venues) + 1]
	local name = families[n % #families + 1] .. "+" .. middles[math.floor(n / 7) % #middles + 1] .. "+" ..
		givens[math.floor(n / 3) % #givens + 1]
	local body = "csrf=" .. csrf .. "&key=" .. key .. "-" .. string.format("%012d", n) .. "&direction=in" ..
		"&full_name=" .. name .. "&phone=09" .. string.format("%08d", n % 100000000) ..
		"&birth_year=" .. (1940 + n % 66) .. "&gender=" .. (n % 2 == 0 and "female" or "male") ..
		"&consent=1&remember=1&contact=no&travel=no&doses=" .. (n % 4) .. "&pressed_at_ms=" .. (os.time() * 1000)
	return wrk.format("POST", base .. "/c/" .. venue,
		{ ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie }, body)
end

function response(status, headers, body)
	counted(status, status == 200 and string.find(body, 'id="check-code"', 1, true) ~= nil, body)
end
