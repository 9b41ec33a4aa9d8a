#include "core/metrics.h"

#include <fmt/format.h>

namespace parley {

PromText& PromText::add(std::string_view name, std::string_view type, std::string_view help, std::string_view label,
                        const std::vector<std::pair<std::string, std::string>>& samples) {
  out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  for (const auto& [value_of_label, sample] : samples) {
    if (label.empty()) out_ += fmt::format("{} {}\n", name, sample);
    else out_ += fmt::format("{}{{{}=\"{}\"}} {}\n", name, label, value_of_label, sample);
  }
  return *this;
}

std::string Metrics::render() const {
  PromText t;
  t.gauge("parley_connections_open", "WebSocket connections open now", connections_open.load());
  t.counter("parley_connections_total", "WebSocket connections accepted", connections_total.load());
  t.counter("parley_messages_sent_total", "Messages committed and acked", messages_sent.load());
  t.counter("parley_messages_duplicate_total", "Resends answered with the original ack", messages_duplicate.load());
  t.counter("parley_updates_pushed_total", "Update frames written to devices", updates_pushed.load());
  t.counter("parley_protocol_errors_total", "Error frames sent for bad client frames", protocol_errors.load());
  t.counter("parley_rate_limited_total", "Requests refused by a rate limit", rate_limited.load());
  t.counter("parley_slow_consumers_total", "Connections cut off for not reading", slow_consumers.load());
  t.counter("parley_auth_failures_total", "Rejected tokens", auth_failures.load());
  t.counter("parley_http_requests_total", "HTTP requests served", http_requests.load());
  t.counter("parley_store_errors_total", "Store operations that failed", store_errors.load());
  t.counter("parley_presence_heartbeats_total", "Heartbeat and active frames received", presence_heartbeats.load());
  t.counter("parley_presence_notifications_total", "Presence views sent to watching devices",
            presence_notifications.load());
  t.counter("parley_typing_events_total", "Typing starts and stops announced", typing_events.load());
  std::string out = t.take();
  if (extra) out += extra();
  return out;
}

}  // namespace parley
