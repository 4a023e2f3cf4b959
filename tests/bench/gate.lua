-- wrk script: gate scans as the gate page's script posts them (session cookie and CSRF token,
-- a fresh idempotency key each): the QR of a chip ID card (CCCD) of a new holder each time, so
-- every scan creates its person and records a check-in; the time of the scan as gate.js sends
-- it. Environment: BENCH_GATE_PATH (the scan
-- endpoint), BENCH_CSRF, BENCH_COOKIE; and answers.lua's BENCH_START and BENCH_THREADS.

local path = os.getenv("BENCH_GATE_PATH")
local csrf = os.getenv("BENCH_CSRF")
local cookie = os.getenv("BENCH_COOKIE")
-- A holder's name as a card prints it (letters only: a name with digits is a misread card,
-- which the gate asks the guard to complete), and "|15081987|Nam|Hà Nội|20042021" after it;
-- percent-encoded UTF-8. Holders differ by their ID number; names repeat as real ones do.
local families = { "Nguy%E1%BB%85n", "Tr%E1%BA%A7n", "L%C3%AA", "Ph%E1%BA%A1m", "Ho%C3%A0ng", "V%C5%A9" }
local middles = { "V%C4%83n", "Th%E1%BB%8B", "%C4%90%E1%BB%A9c", "Minh" }
local givens = { "An", "B%C3%ACnh", "C%C6%B0%E1%BB%9Dng", "D%C5%A9ng", "H%C3%A0", "Lan", "Mai", "Tu%E1%BA%A5n" }
local tail = "%7C15081987%7CNam%7CH%C3%A0+N%E1%BB%99i%7C20042021"

dofile(os.getenv("BENCH_LUA_DIR") .. "/answers.lua")

function request()
	local n = next_n()
	local name = families[n % #families + 1] .. "+" .. middles[math.floor(n / 7) % #middles + 1] .. "+" ..
		givens[math.floor(n / 3) % #givens + 1]
	local card = string.format("009%09d", n) .. "%7C%7C" .. name .. tail
	local body = "csrf=" .. csrf .. "&key=bench-gate-" .. string.format("%012d", n) .. "&code=" .. card ..
		"&method=gate-reader&direction=in&declaration=verbal&consent=1&reply=json&pressed_at_ms=" ..
		(os.time() * 1000)
	return wrk.format("POST", path,
		{ ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie }, body)
end

function response(status, headers, body)
	counted(status, status == 200 and string.find(body, '"outcome":%s*"recorded"') ~= nil, body)
end
