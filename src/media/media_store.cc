// What every MediaStore shares (see media_store.h).
#include "media/media_store.h"

namespace parley::media {

bool valid_id(std::string_view id) {
  if (id.size() != 64) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace parley::media
