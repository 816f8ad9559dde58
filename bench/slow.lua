-- bench/slow.lua: wrk script for bench/slow.sh.
--
-- wrk itself only says how many responses had a status of 400 or more;
-- this counts every status, per thread (each thread has its own Lua
-- state), and done() prints one line that slow.sh parses instead of
-- wrk's human-readable summary, whose units change with the magnitude.

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	-- a global, so that done() can read it with thread:get()
	statuses = {}
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
	local all = {}
	for _, t in ipairs(threads) do
		for code, n in pairs(t:get("statuses")) do
			all[code] = (all[code] or 0) + n
		end
	end
	local codes = {}
	for code in pairs(all) do
		table.insert(codes, code)
	end
	table.sort(codes)
	local list = {}
	for _, code in ipairs(codes) do
		table.insert(list, string.format("%d:%d", code, all[code]))
	end
	local e = summary.errors
	-- with no response at all, wrk's percentiles are 0: say "-"
	local p50, p99 = "-", "-"
	if summary.requests > 0 then
		p50 = string.format("%.1f", latency:percentile(50) / 1000)
		p99 = string.format("%.1f", latency:percentile(99) / 1000)
	end
	io.write(string.format(
	    "slow.lua: responses %d seconds %.3f p50ms %s p99ms %s " ..
	    "connect %d read %d write %d timeout %d statuses %s\n",
	    summary.requests, summary.duration / 1e6, p50, p99,
	    e.connect, e.read, e.write, e.timeout,
	    #list > 0 and table.concat(list, ",") or "-"))
end
