// The media object that travels inside a message (docs/protocol.md, §7 Media): written once
// here, from what the server stored, so no client can claim a size, a kind or a thumbnail.
#pragma once

#include <string>
#include <string_view>

#include "model/types.h"

namespace parley::media_object {

// The JSON object of `media`, with `name` ("" = media.name, and none when both are empty).
std::string json(const MediaRecord& media, std::string_view name);

// A media id: 64 lowercase hex digits (a SHA-256). Anything else is refused before it
// reaches a path, a URL or a query.
bool valid_id(std::string_view id);

// A file name a user may give: 1 to 255 bytes of UTF-8 (not checked here), no '/', '\',
// control characters, and not "." or "..".
bool valid_name(std::string_view name);

}  // namespace parley::media_object
