-- Shared by the benchmark's wrk scripts: numbered requests, answers counted, and the figures
-- bench_load.py reads. A script loads this with
-- dofile(os.getenv("BENCH_LUA_DIR") .. "/answers.lua"), numbers each request with next_n() and
-- calls counted(status, ok, body) in response().
--
-- Numbers: request c of thread id (0-based) is BENCH_START + c * BENCH_THREADS + id, so every
-- request of a run has its own number, and a later run given this run's "next" as BENCH_START
-- continues without reusing one (keys, people and ID cards are made from the number).
-- At the end it prints "answered N refused M" (confirmations and the rest), and one line
-- "bench-lua: start S threads T sent a,b,... non2xx N p50_us X p99_us Y" (requests made per
-- thread, answers outside 200-299, wrk's latency percentiles in microseconds), and when any
-- answer did not confirm, "bench-lua: first refusal: STATUS BODY" (one thread's first such
-- answer, its body cut to REFUSAL_SHOWN bytes on one line), so a refused row says why.

local threads = {}
local next_id = 0
local start = tonumber(os.getenv("BENCH_START") or "0")
local thread_count = tonumber(os.getenv("BENCH_THREADS") or "2")
-- Bytes of a refused answer's body kept to show.
local REFUSAL_SHOWN = 300

function setup(thread)
	thread:set("id", next_id)
	next_id = next_id + 1
	threads[#threads + 1] = thread
end

function init(args)
	counter = 0
	answered = 0
	refused = 0
	non2xx = 0
	first_refusal = ""
end

function next_n()
	local n = start + counter * thread_count + id
	counter = counter + 1
	return n
end

-- body: the answer's body, kept for the first refusal of the thread (optional).
function counted(status, ok, body)
	if status < 200 or status > 299 then
		non2xx = non2xx + 1
	end
	if ok then
		answered = answered + 1
	else
		refused = refused + 1
		if first_refusal == "" then
			first_refusal = status .. " " .. string.gsub(string.sub(body or "", 1, REFUSAL_SHOWN), "%s+", " ")
		end
	end
end

function done(summary, latency, requests)
	local ok, bad, other, sent, refusal = 0, 0, 0, {}, ""
	for _, t in ipairs(threads) do
		if refusal == "" then
			refusal = t:get("first_refusal")
		end
		ok = ok + t:get("answered")
		bad = bad + t:get("refused")
		other = other + t:get("non2xx")
		sent[#sent + 1] = tostring(t:get("counter"))
	end
	io.write(string.format("answered %d refused %d\n", ok, bad))
	io.write(string.format("bench-lua: start %d threads %d sent %s non2xx %d p50_us %d p99_us %d\n", start,
		thread_count, table.concat(sent, ","), other, latency:percentile(50), latency:percentile(99)))
	if refusal ~= "" then
		io.write("bench-lua: first refusal: " .. refusal .. "\n")
	end
end
