// What every MediaStore shares (see media_store.h).
#include "media/media_store.h"

#include "model/media_object.h"

namespace parley::media {

bool valid_id(std::string_view id) { return media_object::valid_id(id); }

}  // namespace parley::media
