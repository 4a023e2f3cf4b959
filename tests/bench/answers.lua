-- Shared by the wrk scripts that post: a number per thread (id) and a request counter for
-- making distinct requests, and the answers counted per thread and summed at the end as
-- "answered N refused M" (bench.py reads that line). A script loads this with
-- dofile(os.getenv("BENCH_LUA_DIR") .. "/answers.lua") and calls counted(ok) in response().

local threads = {}
local next_id = 0

function setup(thread)
	thread:set("id", next_id)
	next_id = next_id + 1
	threads[#threads + 1] = thread
end

function init(args)
	counter = 0
	answered = 0
	refused = 0
end

function counted(ok)
	if ok then
		answered = answered + 1
	else
		refused = refused + 1
	end
end

function done(summary, latency, requests)
	local ok, bad = 0, 0
	for _, t in ipairs(threads) do
		ok = ok + t:get("answered")
		bad = bad + t:get("refused")
	end
	io.write(string.format("answered %d refused %d\n", ok, bad))
end
