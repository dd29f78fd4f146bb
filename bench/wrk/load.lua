-- wrk script of the benchmark: cycles through pre-built requests and reports JSON.
--
-- BENCH_WRK_REQUESTS names a file of tab-separated lines written by bench/harness.py:
--   H <name> <value>              a header sent with every request
--   R <method> <path> [<body>]    one request (the body is one line of JSON, or empty)
--   M <count>                     stop after this many requests (0: only the duration bounds)
-- done() prints one line "BENCH_RESULT <json>" with the counts, the errors and latency
-- quantiles (microseconds) at every 0.5 % and a finer tail, for merging rounds.

local prepared = {}
local counter = 0
local max_requests = 0

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    fields[#fields + 1] = field
  end
  return fields
end

function init(args)
  local file = os.getenv("BENCH_WRK_REQUESTS")
  local headers, raw = {}, {}
  for line in io.lines(file) do
    local f = split(line)
    if f[1] == "H" then
      headers[f[2]] = f[3]
    elseif f[1] == "R" then
      raw[#raw + 1] = { f[2], f[3], f[4] }
    elseif f[1] == "M" then
      max_requests = tonumber(f[2])
    end
  end
  for _, r in ipairs(raw) do
    local body = r[3]
    if body == nil or body == "" then
      body = nil
    end
    prepared[#prepared + 1] = wrk.format(r[1], r[2], headers, body)
  end
  if #prepared == 0 then
    error("no requests in " .. tostring(file))
  end
end

function request()
  counter = counter + 1
  if max_requests > 0 and counter > max_requests then
    wrk.thread:stop()
  end
  return prepared[(counter - 1) % #prepared + 1]
end

local function quantile_points()
  local points = {}
  for i = 1, 199 do
    points[#points + 1] = i * 0.5
  end
  for _, p in ipairs({ 99.6, 99.7, 99.8, 99.9, 99.95, 99.99 }) do
    points[#points + 1] = p
  end
  return points
end

function done(summary, latency, requests)
  local parts = {}
  for _, p in ipairs(quantile_points()) do
    parts[#parts + 1] = string.format("[%g,%d]", p, latency:percentile(p))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_min_us":%d,"latency_max_us":%d,"latency_mean_us":%.1f,"quantiles":[%s]}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.max, latency.mean, table.concat(parts, ",")))
end
