// Protocol requests over a RawWs and HTTP calls with a user's token, for the black-box tests
// that read frames and bodies as JSON (media, message actions, search, chat modes).
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/http_raw.h"
#include "support/raw_ws.h"
#include "support/server_process.h"

namespace parley::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

Headers auth(const TestUser& u, Headers more = {});
// A string field of `o`, "" when absent.
std::string str(const boost::json::object& o, const char* key);
// GET with the user's token.
RawHttp get(const ServerProcess& s, const TestUser& u, const std::string& path, Headers more = {});
// Any method with the user's token and a JSON body ("" for none).
RawHttp call(const ServerProcess& s, const TestUser& u, const std::string& method, const std::string& path,
             const std::string& body = {});
// The body of an answer as a JSON object (empty when it is not one).
boost::json::object body_of(const RawHttp& r);
// Connected, authenticated and caught up (sync answered): live updates follow.
std::unique_ptr<RawWs> connect(const ServerProcess& s, const TestUser& u);
// Sends `frame` and answers the ack, done or error that names its id.
boost::json::object request(RawWs& ws, boost::json::object frame);
// The next frame of `type` about message (chat, seq); nullopt if none comes in 5 s.
std::optional<boost::json::object> next_about(RawWs& ws, const std::string& type, std::int64_t chat, std::int64_t seq);
// Moves the server's clock (started with testing.clock_control=true).
void advance_clock(const ServerProcess& s, std::int64_t ms);

}  // namespace parley::testing
