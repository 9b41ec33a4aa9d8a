#include "people/people_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <unordered_map>

#include "core/encoding.h"
#include "proto/frames.h"
#include "proto/people_frames.h"

namespace parley::people {

namespace {

std::string trimmed(std::string_view s) {
  auto first = s.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(' ') - first + 1));
}

Status too_long(std::string_view what, std::size_t max) {
  return Status(Code::kInvalid, std::string(what) + " is longer than " + std::to_string(max) + " characters");
}


}  // namespace

Status PeopleService::take_change(UserId user) {
  const TimeMs now = clock_.now_ms();
  std::lock_guard lk(changes_mu_);
  if (changes_.size() > 100'000)
    std::erase_if(changes_, [&](const auto& e) { return now - e.second.first >= 60'000; });
  auto& [start, count] = changes_[user.value];
  if (now - start >= 60'000) {
    start = now;
    count = 0;
  }
  if (count >= opt_.profile_changes_per_minute)
    return Status(Code::kRateLimited,
                  "too many profile changes; retry in " + std::to_string((start + 60'000 - now) / 1000 + 1) + " s");
  ++count;
  return Status::Ok();
}

Result<Profile> PeopleService::own(UserId user) {
  auto p = store_.profiles({user});
  if (!p) return p.status();
  if (p->empty()) return Status(Code::kNoSuchUser, "no such user");
  return p->front();
}

Result<std::vector<ProfileView>> PeopleService::profiles(UserId viewer, const std::vector<UserId>& users) {
  auto found = store_.profiles(users);
  if (!found) return found.status();
  auto rel = store_.relations(viewer, users);
  if (!rel) return rel.status();
  std::unordered_map<std::int64_t, const Profile*> by_id;
  for (const auto& p : *found) by_id[p.user.value] = &p;
  std::vector<ProfileView> out;
  for (std::size_t i = 0; i < users.size() && i < rel->size(); ++i) {
    auto it = by_id.find(users[i].value);
    if (it == by_id.end()) continue;
    if (auto v = see(viewer, *it->second, (*rel)[i])) out.push_back(std::move(*v));
  }
  return out;
}

Result<ProfileView> PeopleService::profile(UserId viewer, UserId user) {
  auto v = profiles(viewer, {user});
  if (!v) return v.status();
  if (v->empty()) return Status(Code::kNoSuchUser, "no such user");
  return v->front();
}

Result<Profile> PeopleService::set_profile(UserId user, ProfileChange change) {
  if (change.name) {
    *change.name = trimmed(*change.name);
    if (utf8_length(*change.name) > kMaxNameChars) return too_long("the name", kMaxNameChars);
  }
  if (change.about && utf8_length(*change.about) > kMaxAboutChars) return too_long("the about text", kMaxAboutChars);
  const bool visible = change.name || change.about;
  Status st = wait_for_status([&](DoneStatus d) { store_.set_profile(user, std::move(change), std::move(d)); });
  if (!st.ok()) return st;
  if (visible) announce(user);
  return own(user);
}

Status PeopleService::set_visibility(UserId user, PrivacyField field, Visibility who) {
  Status st = wait_for_status([&](DoneStatus d) { store_.set_visibility(user, field, who, std::move(d)); });
  if (!st.ok()) return st;
  auto ev = std::make_shared<BusEvent>();
  ev->kind = BusEvent::Kind::kPrivacy;  // the user's devices get their settings again
  bus_.publish(user, std::move(ev));
  announce(user);
  return st;
}

void PeopleService::announce(UserId user) {
  auto audience = store_.profile_audience(user);
  auto me = store_.profiles({user});
  if (!audience || !me || me->empty()) {
    spdlog::warn("people: cannot tell user {}'s contacts of their profile change: the store failed", user.value);
    return;
  }
  if (audience->size() > opt_.max_audience) audience->resize(opt_.max_audience);
  const Profile& p = me->front();
  tell(user, proto::profile_frame(*see(user, p, Relation{user, true, true, true})));
  for (UserId viewer : *audience) {
    auto rel = store_.relations(viewer, {user});
    if (!rel || rel->empty()) continue;
    const Relation& r = rel->front();
    if (r.blocked || r.blocks_viewer) continue;  // neither hears of the other's changes
    if (auto v = see(viewer, p, r)) tell(viewer, proto::profile_frame(*v));
  }
}

Status PeopleService::decorate(UserId viewer, std::vector<ChatSummary>& chats) {
  std::vector<UserId> peers;
  for (const auto& c : chats)
    if (c.kind == ChatKind::kDirect && c.peer.valid()) peers.push_back(c.peer);
  if (peers.empty()) return Status::Ok();
  auto views = profiles(viewer, peers);
  if (!views) return views.status();
  std::unordered_map<std::int64_t, const ProfileView*> by_id;
  for (const auto& v : *views) by_id[v.user.value] = &v;
  for (auto& c : chats) {
    if (c.kind != ChatKind::kDirect) continue;
    auto it = by_id.find(c.peer.value);
    const ProfileView* v = it == by_id.end() ? nullptr : it->second;
    c.peer_name = v && v->name ? *v->name : "";
    c.peer_contact_name = v && v->contact_name ? *v->contact_name : "";
    c.peer_avatar = v && v->avatar ? *v->avatar : "";
  }
  return Status::Ok();
}

Result<std::vector<ProfileView>> PeopleService::contacts(UserId owner) {
  auto saved = store_.saved_contacts(owner);
  if (!saved) return saved.status();
  std::vector<UserId> ids;
  for (const auto& c : *saved) ids.push_back(c.user);
  return profiles(owner, ids);  // saved: known, with their number
}

Result<ProfileView> PeopleService::save_contact(UserId owner, UserId contact, std::string name) {
  name = trimmed(name);
  if (contact == owner) return Status(Code::kInvalid, "that is your own number");
  if (name.empty()) return Status(Code::kInvalid, "a contact needs a name");
  if (utf8_length(name) > kMaxNameChars) return too_long("the name", kMaxNameChars);
  Status st = wait_for_status([&](DoneStatus d) { store_.save_contact(owner, contact, name, std::move(d)); });
  if (!st.ok()) return st;
  tell(owner, proto::contact_frame(contact, name, false));
  tell_relation(contact);  // they may now see the owner where the owner's setting says contacts
  return profile(owner, contact);
}

Status PeopleService::remove_contact(UserId owner, UserId contact) {
  auto r = wait_for_result<bool>([&](Done<bool> d) { store_.remove_contact(owner, contact, std::move(d)); });
  if (!r) return r.status();
  if (!*r) return Status(Code::kNotFound, "not a saved contact");
  tell(owner, proto::contact_frame(contact, {}, true));
  tell_relation(contact);
  return Status::Ok();
}

Status PeopleService::take_lookups(UserId user, std::int64_t numbers) {
  std::vector<RateLimit> limits{
      {"lookup:user:" + std::to_string(user.value), 86'400'000, opt_.lookup_numbers_per_day, numbers},
      {"lookup:all", 3'600'000, opt_.lookup_numbers_per_hour, numbers}};
  auto r = wait_for_result<RateVerdict>(
      [&](Done<RateVerdict> d) { store_.take_rates(std::move(limits), clock_.now_ms(), true, std::move(d)); });
  if (!r) return r.status();
  if (r->wait_ms == 0) return Status::Ok();
  std::string which = r->refused == 0 ? "you have looked up too many numbers today" : "too many lookups on this server";
  return Status(Code::kRateLimited, which + "; retry in " + std::to_string(r->wait_ms / 1000 + 1) + " s");
}

Result<std::vector<UserId>> PeopleService::set_block(UserId blocker, UserId blocked, bool on) {
  if (blocker == blocked) return Status(Code::kInvalid, "you cannot block yourself");
  Status st = wait_for_status([&](DoneStatus d) { store_.set_block(blocker, blocked, on, std::move(d)); });
  if (!st.ok()) return st;
  auto list = store_.blocked_by(blocker);
  if (list) tell(blocker, proto::blocks_frame(*list));
  // What each sees of the other (presence) is read again by both users' sessions.
  tell_relation(blocker);
  tell_relation(blocked);
  return list;
}

Result<ChatPrefs> PeopleService::set_chat_prefs(ChatPrefsChange change) {
  change.max_pinned = opt_.max_pinned;
  UserId user = change.user;
  auto r = wait_for_result<ChatPrefs>([&](Done<ChatPrefs> d) { store_.set_chat_prefs(std::move(change), std::move(d)); });
  if (r) tell(user, proto::chat_state_frame(*r));
  return r;
}

void PeopleService::tell(UserId user, std::string frame) {
  auto ev = std::make_shared<BusEvent>();
  ev->kind = BusEvent::Kind::kEphemeral;
  ev->frame = std::move(frame);
  bus_.publish(user, std::move(ev));
}

void PeopleService::tell_relation(UserId user) {
  auto ev = std::make_shared<BusEvent>();
  ev->kind = BusEvent::Kind::kRelation;
  bus_.publish(user, std::move(ev));
}

}  // namespace parley::people
