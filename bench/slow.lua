-- bench/slow.lua: wrk script for bench/slow.sh.
--
-- wrk itself only says how many responses had a status of 400 or more;
-- this counts every status, per thread (each thread has its own Lua
-- state).  It also measures the latency of the good (2xx) answers
-- itself: wrk's own percentiles include the errors and are "corrected"
-- for coordinated omission with made-up samples whenever fast errors
-- and slow answers mix.  Each request carries the time it was sent
-- (?t=, monotonic microseconds) and sleep.sh sends it back in an
-- X-Sent header, so that an answer is matched to its request whichever
-- connection it came on.  done() prints one line that slow.sh parses
-- instead of wrk's human-readable summary.

local ffi = require("ffi")

ffi.cdef[[
struct slow_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clk_id, struct slow_timespec *tp);
]]

local CLOCK_MONOTONIC = 1
local ts = ffi.new("struct slow_timespec")

local function now_us()
	ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
	return tonumber(ts.tv_sec) * 1000000 +
	    math.floor(tonumber(ts.tv_nsec) / 1000)
end

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	-- globals, so that done() can read them with thread:get()
	statuses = {}
	latencies = {}
end

function request()
	return wrk.format(nil, wrk.path .. "?t=" .. string.format("%d", now_us()))
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
	local sent = tonumber(headers["X-Sent"])
	if status >= 200 and status < 300 and sent ~= nil then
		table.insert(latencies, now_us() - sent)
	end
end

-- the p-th percentile (nearest rank) of the sorted list l, in ms
local function percentile(l, p)
	if #l == 0 then
		return "-"
	end
	local i = math.max(1, math.ceil(#l * p / 100))
	return string.format("%.1f", l[i] / 1000)
end

function done(summary, latency, requests)
	local all, lat = {}, {}
	for _, t in ipairs(threads) do
		for code, n in pairs(t:get("statuses")) do
			all[code] = (all[code] or 0) + n
		end
		for _, us in ipairs(t:get("latencies")) do
			table.insert(lat, us)
		end
	end
	table.sort(lat)
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
	io.write(string.format(
	    "slow.lua: responses %d seconds %.3f p50ms %s p99ms %s " ..
	    "connect %d read %d write %d timeout %d statuses %s timed %d\n",
	    summary.requests, summary.duration / 1e6,
	    percentile(lat, 50), percentile(lat, 99),
	    e.connect, e.read, e.write, e.timeout,
	    #list > 0 and table.concat(list, ",") or "-", #lat))
end
