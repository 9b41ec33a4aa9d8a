// Writes one JSON object straight into a string. The hot server frames (msg, ack,
// receipt, typing, presence, synced) are built with it: one buffer, reserved once,
// instead of a json::object and its allocations per frame. Keys come in the order they are
// written ("type" first, which proto::with_pts relies on). Strings are escaped as
// boost::json does: `"` and `\`, and control characters (\b \f \n \r \t, else \u00XX);
// other bytes pass through (text was checked to be UTF-8 at parse time).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace parley::proto {

class JsonOut {
 public:
  JsonOut(std::string& out, std::string_view type, std::size_t reserve = 128) : out_(out) {
    out_.reserve(out_.size() + reserve);
    out_ += R"({"type":")";
    out_ += type;
    out_ += '"';
  }
  JsonOut& num(std::string_view key, std::int64_t v) {
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    return raw(key, std::string_view(buf, static_cast<std::size_t>(end - buf)));
  }
  JsonOut& boolean(std::string_view key, bool v) { return raw(key, v ? "true" : "false"); }
  JsonOut& str(std::string_view key, std::string_view v) {
    name(key);
    out_ += '"';
    escape(v);
    out_ += '"';
    return *this;
  }
  // `json` must be valid JSON (a value this server wrote).
  JsonOut& raw(std::string_view key, std::string_view json) {
    name(key);
    out_ += json;
    return *this;
  }
  std::string& close() {
    out_ += '}';
    return out_;
  }

 private:
  void name(std::string_view key) {
    out_ += ",\"";
    out_ += key;
    out_ += "\":";
  }
  void escape(std::string_view v) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::size_t clean = 0;  // start of the run of bytes that need no escape
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto c = static_cast<unsigned char>(v[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(v, clean, i - clean);
      clean = i + 1;
      out_ += '\\';
      switch (c) {
        case '"': out_ += '"'; break;
        case '\\': out_ += '\\'; break;
        case '\b': out_ += 'b'; break;
        case '\f': out_ += 'f'; break;
        case '\n': out_ += 'n'; break;
        case '\r': out_ += 'r'; break;
        case '\t': out_ += 't'; break;
        default:
          out_ += "u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 15];
      }
    }
    out_.append(v, clean, v.size() - clean);
  }

  std::string& out_;
};

}  // namespace parley::proto
