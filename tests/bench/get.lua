-- wrk script: GETs as a phone without cookies sends them, over the given paths in turn (the
-- check-in pages of many venues, or the one hello path). Environment: BENCH_PATHS
-- (comma-separated paths); and answers.lua's BENCH_START and BENCH_THREADS.

local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "", "[^,]+") do
	paths[#paths + 1] = path
end

dofile(os.getenv("BENCH_LUA_DIR") .. "/answers.lua")

function request()
	return wrk.format("GET", paths[next_n() % #paths + 1])
end

function response(status, headers, body)
	counted(status, status == 200, body)
end
