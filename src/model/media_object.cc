#include "model/media_object.h"

#include <boost/json.hpp>

namespace parley::media_object {

std::string json(const MediaRecord& m, std::string_view name) {
  boost::json::object o;
  o["id"] = m.id;
  o["kind"] = m.kind;
  o["mime"] = m.mime;
  o["size"] = m.size;
  if (m.width > 0 && m.height > 0) {
    o["width"] = m.width;
    o["height"] = m.height;
  }
  if (m.duration_ms > 0) o["duration_ms"] = m.duration_ms;
  if (!m.thumbnail.empty()) o["thumbnail"] = m.thumbnail;
  if (!m.preview.empty()) o["preview"] = true;
  if (!m.waveform.empty()) o["waveform"] = m.waveform;
  if (name.empty()) name = m.name;
  if (!name.empty()) o["name"] = name;
  return boost::json::serialize(o);
}

bool valid_id(std::string_view id) {
  if (id.size() != 64) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') return false;
  return true;
}

}  // namespace parley::media_object
