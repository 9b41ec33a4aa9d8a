// A small blocking HTTP client on libcurl for the push providers. Each call borrows an easy
// handle from the client's pool and returns it, so a thread's connections (TLS sessions,
// HTTP/2 streams) are kept alive between calls. Redirects are never followed; only http and
// https are spoken. Thread-safe: any number of threads may call perform() at once.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"

namespace parley::push {

struct HttpClientOptions {
  std::int64_t connect_timeout_ms = 5'000;
  std::int64_t timeout_ms = 10'000;  // the whole request, connecting included
  std::string ca_file;               // PEM bundle to trust instead of the system's; empty: the system's
  bool require_http2 = false;        // an answer over anything but HTTP/2 is a failure (APNs)
};

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;                              // 0: no answer (see error)
  std::map<std::string, std::string> headers;  // names in lower case; the last value of each
  std::string body;                            // at most 64 KiB are kept
  std::string error;                           // why there is no answer
  bool timed_out = false;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse perform(const HttpRequest& request);

 private:
  void* take_handle();
  void give_back(void* handle);

  const HttpClientOptions options_;
  std::mutex mu_;               // guards idle_
  std::vector<void*> idle_;     // CURL* easy handles no call is using
};

// A Retry-After value (RFC 9110 §10.2.3: delta-seconds or an HTTP-date) in milliseconds
// from `now`; -1 when it is neither. A date in the past is 0.
std::int64_t retry_after_ms(std::string_view value, TimeMs now);

}  // namespace parley::push
