// What the parley CLI's commands share: the global options and the signed-in profile
// (Context), and the steps most commands take: report a failure, turn a phone number into
// a user id, open a connection, remember the sync position. One thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cli/profile.h"
#include "parley/connection.h"
#include "parley/http.h"

namespace parley::cli {

struct Context {
  std::string server_flag;
  std::string profile_path = default_profile_path();
  Profile profile;
  client::Endpoint endpoint;

  // Loads the profile and resolves the server (flag beats profile); 0, or fail()'s code.
  int signed_in();
  // Parses `url` into `endpoint`; 0, or fail()'s code.
  int resolve(const std::string& url);
};

// Prints "parley: <message>" to stderr; returns the exit code 1.
int fail(const std::string& message);
// An HTTP call's failure in words (with a hint when the server is not reachable).
std::string explain(const client::HttpResult& r);
// "cannot connect to HOST:PORT" for the context's server.
std::string cannot_connect(const Context& c);

// A phone number or a numeric user id to a user id (asks the server for a phone); 0, or
// fail()'s code.
int resolve_user(Context& c, const std::string& who, std::int64_t& user);
// Signs in, then resolves every entry of `who` in order into `users`.
int resolve_users(Context& c, const std::vector<std::string>& who, std::vector<std::int64_t>& users);

// A chat named by its id, or by a phone number: the one-to-one chat with that user (asks the
// server); 0, or fail()'s code.
int resolve_chat(Context& c, const std::string& ref, std::int64_t& chat);

// Signs in, runs one request (a create, change or message action: `make` returns its client
// id) on a short connection and waits for its answer; 0 with `done` filled, or fail()'s code.
int request(Context& c, const std::function<std::string(client::Connection&)>& make, client::Done* done = nullptr);

// A connection as this device, from the saved sync position.
client::Options connection_options(const Context& c);
// The same for one request: no sync on connect, no reconnect.
client::Options one_shot_options(const Context& c);
// Saves `position` in the profile if it is past the saved one.
void save_position(Context& c, std::int64_t position);

// From now on, Ctrl-C and SIGTERM make stop_requested() true instead of ending the process.
void stop_on_signals();
bool stop_requested();

}  // namespace parley::cli
