-- wrk script for scripts/bench: one machine-readable summary line; latencies in microseconds.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d rps=%.1f p50=%.0f p99=%.0f max=%.0f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
