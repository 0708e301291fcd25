-- wrk script: optional POST body and its type from the environment (BENCH_BODY,
-- BENCH_CONTENT_TYPE), status counts, one JSON summary line. Other headers (a CSRF cookie
-- and token, an Origin) come from wrk's -H.
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.method = "POST"
  wrk.body = body
  local content_type = os.getenv("BENCH_CONTENT_TYPE")
  if not content_type or content_type == "" then content_type = "text/plain;charset=UTF-8" end
  wrk.headers["Content-Type"] = content_type
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

counts = {}

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local statuses = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, n in pairs(c) do
      statuses[tostring(status)] = (statuses[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(statuses) do
    table.insert(parts, string.format('"%s":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"socket_errors":%d,"status":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect + e.read + e.write + e.timeout, table.concat(parts, ",")))
end
