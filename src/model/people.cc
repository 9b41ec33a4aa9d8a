// Who sees which profile field (docs/protocol.md §4.8).
#include "model/people.h"

namespace parley {

std::optional<ProfileView> see(UserId viewer, const Profile& p, const Relation& r) {
  ProfileView v;
  v.user = p.user;
  const bool self = viewer == p.user;
  if (!self && !r.knows) return std::nullopt;
  auto field = [&](const std::string& value, Visibility setting, bool blockable) -> std::optional<std::string> {
    if (value.empty()) return std::nullopt;
    if (self) return value;
    if (blockable && (r.blocked || r.blocks_viewer)) return std::nullopt;
    if (!allows(setting, r.contact)) return std::nullopt;
    return value;
  };
  v.name = field(p.name, p.name_visibility, false);
  v.about = field(p.about, p.about_visibility, true);
  v.avatar = field(p.avatar, p.photo_visibility, true);
  if (self || r.phone_visible) v.phone = p.phone;
  if (!r.contact_name.empty()) v.contact_name = r.contact_name;
  v.blocked = r.blocked;
  return v;
}

}  // namespace parley
