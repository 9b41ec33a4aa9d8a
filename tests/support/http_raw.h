// One HTTP request with any headers and body, and the whole answer (status, headers,
// body), for tests of the media routes that send what a well-behaved client never would.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace parley::testing {

struct RawHttp {
  int status = 0;  // 0: no answer (the connection failed or closed first)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

RawHttp http_raw(unsigned short port, const std::string& method, const std::string& target,
                 const std::vector<std::pair<std::string, std::string>>& headers = {}, const std::string& body = {});

}  // namespace parley::testing
