#include "core/metrics.h"

#include <fmt/format.h>

namespace parley {

std::string Metrics::render() const {
  std::string out;
  auto line = [&](const char* name, const char* type, const char* help, const auto& value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value.load());
  };
  line("parley_connections_open", "gauge", "WebSocket connections open now", connections_open);
  line("parley_connections_total", "counter", "WebSocket connections accepted", connections_total);
  line("parley_messages_sent_total", "counter", "Messages committed and acked", messages_sent);
  line("parley_messages_duplicate_total", "counter", "Resends answered with the original ack", messages_duplicate);
  line("parley_updates_pushed_total", "counter", "Update frames written to devices", updates_pushed);
  line("parley_protocol_errors_total", "counter", "Error frames sent for bad client frames", protocol_errors);
  line("parley_rate_limited_total", "counter", "Requests refused by a rate limit", rate_limited);
  line("parley_slow_consumers_total", "counter", "Connections cut off for not reading", slow_consumers);
  line("parley_auth_failures_total", "counter", "Rejected tokens", auth_failures);
  line("parley_http_requests_total", "counter", "HTTP requests served", http_requests);
  line("parley_store_errors_total", "counter", "Store operations that failed", store_errors);
  line("parley_presence_heartbeats_total", "counter", "Heartbeat and active frames received", presence_heartbeats);
  line("parley_presence_notifications_total", "counter", "Presence views sent to watching devices",
       presence_notifications);
  line("parley_typing_events_total", "counter", "Typing starts and stops announced", typing_events);
  if (extra) out += extra();
  return out;
}

}  // namespace parley
