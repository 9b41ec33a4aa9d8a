#include "cli/profile.h"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace parley::cli {

namespace json = boost::json;

std::string default_profile_path() {
  if (const char* p = std::getenv("PARLEY_PROFILE"); p && *p) return p;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.config/parley/profile.json";
}

bool load_profile(const std::string& path, Profile& out, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "not signed in (no profile at " + path + "); run: parley login PHONE";
    return false;
  }
  std::stringstream s;
  s << in.rdbuf();
  json::error_code ec;
  auto v = json::parse(s.str(), ec);
  if (ec || !v.is_object()) {
    error = "profile " + path + " is damaged; run: parley login PHONE";
    return false;
  }
  auto& o = v.as_object();
  auto str = [&](const char* k) { return o.contains(k) && o.at(k).is_string() ? std::string(o.at(k).as_string()) : ""; };
  auto num = [&](const char* k) { return o.contains(k) && o.at(k).is_int64() ? o.at(k).as_int64() : 0; };
  out = Profile{str("server"), str("token"), str("phone"), num("user"), num("device"), num("position")};
  if (out.token.empty()) {
    error = "profile " + path + " has no token; run: parley login PHONE";
    return false;
  }
  return true;
}

bool save_profile(const std::string& path, const Profile& p, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) {
      error = "cannot write " + tmp;
      return false;
    }
    out << json::serialize(json::object{{"server", p.server}, {"token", p.token}, {"phone", p.phone},
                                        {"user", p.user}, {"device", p.device}, {"position", p.position}})
        << "\n";
  }
  chmod(tmp.c_str(), 0600);  // the token is a credential
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

}  // namespace parley::cli
