// The CLI's saved sign-in: server URL, token, user and sync position, in a JSON file
// (default ~/.config/parley/profile.json, or $PARLEY_PROFILE, or --profile).
#pragma once

#include <cstdint>
#include <string>

namespace parley::cli {

struct Profile {
  std::string server;
  std::string token;
  std::string phone;
  std::int64_t user = 0;
  std::int64_t device = 0;
  std::int64_t position = 0;
};

std::string default_profile_path();
// False with `error` set when the file is missing or unreadable.
bool load_profile(const std::string& path, Profile& out, std::string& error);
bool save_profile(const std::string& path, const Profile& p, std::string& error);

}  // namespace parley::cli
