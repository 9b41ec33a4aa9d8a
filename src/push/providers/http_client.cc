#include "push/providers/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "core/encoding.h"

namespace parley::push {

namespace {

constexpr std::size_t kMaxBody = 64 * 1024;

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<HttpResponse*>(user);
  const size_t len = size * n;
  if (r->body.size() < kMaxBody) r->body.append(data, std::min(len, kMaxBody - r->body.size()));
  return len;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<HttpResponse*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  if (line.starts_with("HTTP/")) {
    r->headers.clear();  // a new answer (after a 100 Continue, say)
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string name(trim(line.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    r->headers[name] = std::string(trim(line.substr(colon + 1)));
  }
  return len;
}

struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);  // counted, and thread-safe in libcurl >= 7.84
}

HttpClient::~HttpClient() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
  curl_global_cleanup();
}

void* HttpClient::take_handle() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HttpClient::give_back(void* handle) {
  std::lock_guard lock(mu_);
  idle_.push_back(handle);
}

HttpResponse HttpClient::perform(const HttpRequest& request) {
  HttpResponse out;
  auto* h = static_cast<CURL*>(take_handle());
  if (!h) {
    out.error = "curl_easy_init failed";
    return out;
  }
  curl_easy_reset(h);  // options only: the handle's connections and TLS sessions stay
  std::unique_ptr<curl_slist, SlistFree> headers;
  auto add_header = [&](const std::string& line) {  // append gives the list's head (new if it was empty)
    if (curl_slist* head = curl_slist_append(headers.get(), line.c_str())) {
      (void)headers.release();
      headers.reset(head);
    }
  };
  for (const auto& [name, value] : request.headers) add_header(name + ": " + value);
  add_header("Expect:");  // no 100-continue round trip
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &out);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

  const CURLcode rc = curl_easy_perform(h);
  long status = 0;
  long version = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &version);
  // The pointers set above die with this call; the next caller resets the options.
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  give_back(h);

  if (rc != CURLE_OK) {
    out = HttpResponse{};
    out.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    out.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
  } else if (options_.require_http2 && version != CURL_HTTP_VERSION_2_0) {
    out = HttpResponse{};
    out.error = "the server did not answer over HTTP/2";
  } else {
    out.status = static_cast<int>(status);
  }
  return out;
}

std::int64_t retry_after_ms(std::string_view value, TimeMs now) {
  value = trim(value);
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (value.size() > 9) return 999'999'999'000;  // longer than 30 years: the caller caps it
    return *parse_decimal<std::int64_t>(value) * 1000;
  }
  const std::string date(value);
  const time_t t = curl_getdate(date.c_str(), nullptr);
  if (t == -1) return -1;
  return std::max<std::int64_t>(0, static_cast<std::int64_t>(t) * 1000 - now);
}

}  // namespace parley::push
