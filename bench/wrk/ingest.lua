-- wrk load for POST /api/ingest: every request is one 200-sample gauge batch of one of 10 sources
-- (load-0 .. load-9, rotated per request) stamped with the current time in milliseconds, so batches
-- of one source arrive from many connections at once: out of order and with equal timestamps.
-- Usage: wrk -t2 -c20 -d20s -s bench/wrk/ingest.lua http://127.0.0.1:18200
-- At the end it prints the answers by status and the samples of 2xx batches (accepted samples).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } pw_timeval;
  int gettimeofday(pw_timeval *tv, void *tz);
]]
local tv = ffi.new("pw_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + math.floor(tonumber(tv.tv_usec) / 1000)
end

local SOURCES = 10
local SAMPLES = 200
local threads = {}
local thread_index = 0

function setup(thread)
  thread:set("id", thread_index)
  thread_index = thread_index + 1
  table.insert(threads, thread)
end

local samples_json
local next_source
statuses = {}

function init(args)
  local parts = {}
  for i = 0, SAMPLES - 1 do
    parts[#parts + 1] = string.format('{"name":"load_gauge_%d","kind":"gauge","value":%d}', i, i)
  end
  samples_json = table.concat(parts, ",")
  next_source = id * 7
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local source = next_source % SOURCES
  next_source = next_source + 1
  local body = string.format('{"source":"load-%d","timestamp":%d,"samples":[%s]}',
    source, now_ms(), samples_json)
  return wrk.format("POST", "/api/ingest", nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, n in pairs(s) do
      total[status] = (total[status] or 0) + n
    end
  end
  local ok = 0
  for status, n in pairs(total) do
    io.write(string.format("status %d: %d\n", status, n))
    if status >= 200 and status < 300 then
      ok = ok + n
    end
  end
  io.write(string.format("2xx batches: %d, accepted samples (2xx x %d): %d\n", ok, SAMPLES, ok * SAMPLES))
end
