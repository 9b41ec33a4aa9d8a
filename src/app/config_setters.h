// How a config key is read from TOML into Config (config.cc, config_push.cc): one setter
// per key. Internal to app/.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "app/config.h"

namespace parley::app {

// One entry per key: how to read it from a TOML node into the struct.
using Setter = std::function<std::string(Config&, const toml::node&)>;

// An integer key into a member of a section, times `unit` (a key in seconds into an
// option in milliseconds: 1000), refusing values the multiplication would overflow.
template <class T, class M>
Setter integer(T Config::*section, M T::*member, std::int64_t unit = 1) {
  return [=](Config& c, const toml::node& n) -> std::string {
    auto v = n.value<std::int64_t>();
    if (!v || n.is_floating_point()) return "must be an integer";
    if (*v > INT64_MAX / unit || *v < INT64_MIN / unit) return "is out of range";
    (c.*section).*member = static_cast<M>(*v * unit);
    return {};
  };
}

template <class T>
Setter number(T Config::*section, double T::*member) {
  return [=](Config& c, const toml::node& n) -> std::string {
    auto v = n.value<double>();
    if (!v) return "must be a number";
    (c.*section).*member = *v;
    return {};
  };
}

template <class T>
Setter string(T Config::*section, std::string T::*member) {
  return [=](Config& c, const toml::node& n) -> std::string {
    auto v = n.value<std::string>();
    if (!v || !n.is_string()) return "must be a string";
    (c.*section).*member = *v;
    return {};
  };
}

template <class T>
Setter boolean(T Config::*section, bool T::*member) {
  return [=](Config& c, const toml::node& n) -> std::string {
    if (!n.is_boolean()) return "must be true or false";
    (c.*section).*member = *n.value<bool>();
    return {};
  };
}

// A key of a struct inside a section (push providers: [push] webpush_key_file into
// push_providers.webpush.key_file).
template <class T, class U, class M>
Setter nested(T Config::*section, U T::*sub, M U::*member) {
  return [=](Config& c, const toml::node& n) -> std::string {
    if constexpr (std::is_same_v<M, bool>) {
      if (!n.is_boolean()) return "must be true or false";
      ((c.*section).*sub).*member = *n.value<bool>();
    } else if constexpr (std::is_same_v<M, std::string>) {
      if (!n.is_string()) return "must be a string";
      ((c.*section).*sub).*member = *n.value<std::string>();
    } else {
      auto v = n.value<std::int64_t>();
      if (!v || n.is_floating_point()) return "must be an integer";
      ((c.*section).*sub).*member = static_cast<M>(*v);
    }
    return {};
  };
}

// The keys of [push] and of people's limits (config_push.cc).
void add_people_and_push_keys(std::map<std::string, Setter>& keys);

}  // namespace parley::app
