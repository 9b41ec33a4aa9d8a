#include "presence/presence_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "model/people.h"
#include "proto/frames.h"

namespace parley::presence {

namespace json = boost::json;

namespace {

constexpr TimeMs kRequeryWindowMs = 10'000;  // see PresenceService::requery_until_

// Notes between nodes. State: {"n":node,"v":version,"o":online,"a":last_active}.
// Privacy: {"n":node,"p":visibility}. Query: {"u":[ids]}. Answer: {"n":node,"s":[[id,online,last_active,version,here]]} (here: an active device connected now).
std::string state_note(const std::string& node, std::uint64_t version, bool online, TimeMs last_active) {
  json::object o;
  o["n"] = node;
  o["v"] = version;
  o["o"] = online;
  o["a"] = last_active;
  return json::serialize(o);
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::int64_t int_of(const json::value* v) {
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

}  // namespace

Watcher::~Watcher() { svc_.close(*this); }

std::size_t Watcher::size() const {
  std::lock_guard lk(svc_.mu_);
  return watching_.size();
}

PresenceService::PresenceService(Store& store, Bus& bus, const Clock& clock, Metrics& metrics, Options options)
    : store_(store),
      bus_(bus),
      clock_(clock),
      metrics_(metrics),
      opt_(options),
      node_(bus.incarnation().empty() ? bus.node_id() : bus.node_id() + "/" + bus.incarnation()) {
  bus_.set_presence_peer(this);
}

PresenceService::~PresenceService() { stop(); }

void PresenceService::start() {
  sweeper_.start("presence", std::chrono::milliseconds(std::clamp<TimeMs>(opt_.online_threshold_ms / 4, 50, 1000)),
                 [this] { sweep(); });
}

void PresenceService::stop() {
  if (stopped_.exchange(true)) return;
  sweeper_.stop();
  bus_.set_presence_peer(nullptr);
  persist(true);  // queued before the store closes
}

std::uint64_t PresenceService::next_version() {
  // Grows across restarts of a node too (notes of an older run are never newer).
  version_ = std::max<std::uint64_t>(version_ + 1, static_cast<std::uint64_t>(clock_.now_ms()) * 1000);
  return version_;
}

// ---------------------------------------------------------------- devices

void PresenceService::connected(DeviceId device, UserId user) {
  std::lock_guard lk(mu_);
  auto [it, fresh] = devices_.try_emplace(device.value);
  if (fresh) {
    it->second.id = device.value;
    it->second.user = user;
    local_[user.value].devices++;
  }
  // A lingering device (dropped, reconnecting) keeps its activity.
  if (it->second.connections++ == 0 && it->second.active) local_[user.value].here++;
}

void PresenceService::disconnected(DeviceId device) {
  std::lock_guard lk(mu_);
  auto it = devices_.find(device.value);
  if (it == devices_.end()) return;
  if (--it->second.connections > 0) return;
  auto user = it->second.user.value;
  if (it->second.active) {  // counted online until its activity is older than the threshold; not here
    local_[user].here--;
    return;
  }
  local_[user].devices--;
  offline_unsaved_.insert(user);  // its last seen is written and the user forgotten at the next sweep
  devices_.erase(it);
}

void PresenceService::activity(DeviceId device, bool active) {
  std::vector<Announce> announces;
  Deliveries deliveries;
  {
    std::lock_guard lk(mu_);
    auto it = devices_.find(device.value);
    if (it == devices_.end()) return;
    set_active(it->second, active, clock_.now_ms(), announces, deliveries);
  }
  publish(announces);
  deliver(deliveries);
}

void PresenceService::set_active(Device& d, bool active, TimeMs at, std::vector<Announce>& out,
                                 Deliveries& deliveries) {
  auto& l = local_[d.user.value];
  if (active) {
    d.last_active = std::max(d.last_active, at);
    l.last_active = std::max(l.last_active, at);
    if (d.active) return;
    d.active = true;
    if (d.connections > 0) l.here++;
    if (!d.scheduled) {
      d.scheduled = true;
      expiries_.emplace(d.last_active + opt_.online_threshold_ms, d.id);
    }
    if (l.active++ == 0) local_changed(d.user, l, out, deliveries);
    return;
  }
  if (!d.active) return;
  d.active = false;
  if (d.connections > 0) l.here--;
  // Leaving the app is the last moment the user was seen; an expiry passes the last activity.
  d.last_active = std::max(d.last_active, at);
  l.last_active = std::max(l.last_active, at);
  if (--l.active == 0) local_changed(d.user, l, out, deliveries);
}

void PresenceService::local_changed(UserId user, Local& l, std::vector<Announce>& out, Deliveries& deliveries) {
  l.version = next_version();
  bool online = l.active > 0;
  if (!online) offline_unsaved_.insert(user.value);
  out.push_back({user, state_note(node_, l.version, online, l.last_active)});
  auto it = watched_.find(user.value);
  if (it != watched_.end() && it->second.ready) changed(user, it->second, false, deliveries);
}

// ---------------------------------------------------------------- views

std::pair<bool, TimeMs> PresenceService::aggregate(UserId user, const Watched& w) const {
  bool online = false;
  TimeMs seen = w.stored_last_seen;
  if (auto it = local_.find(user.value); it != local_.end()) {
    online = it->second.active > 0;
    seen = std::max(seen, it->second.last_active);
  }
  for (const auto& [node, r] : w.nodes) {
    online = online || r.online;
    seen = std::max(seen, r.last_active);
  }
  return {online, seen};
}

View PresenceService::view(const Watcher& watcher, UserId user, const Watched& w, bool contact) const {
  // Reciprocal, as on WhatsApp: hiding your own last seen hides others' from you.
  bool visible = watcher.viewer_ == user || (allows(w.visibility, contact) && allows(watcher.own_, contact) &&
                                              !watcher.blocked_.count(user.value));
  if (!visible) return View{user, false, false, 0};
  auto [online, seen] = aggregate(user, w);
  return View{user, true, online, seen};
}

void PresenceService::changed(UserId user, Watched& w, bool force, Deliveries& deliveries) {
  auto [online, seen] = aggregate(user, w);
  // While online, last seen moves with every heartbeat: not news.
  if (!force && online == w.sent_online && (online || seen == w.sent_last_seen)) return;
  w.sent_online = online;
  w.sent_last_seen = seen;
  for (Watcher* watcher : w.watchers) {
    View v = view(*watcher, user, w, watcher->watching_[user.value]);
    // A watcher who may not see this user learns nothing from the timing of frames: they get
    // one when a setting changes (force), never when the user comes or goes.
    if (!v.visible && !force) continue;
    deliveries.push_back({watcher->listener_, {v}});
  }
}

void PresenceService::deliver(Deliveries& deliveries) {
  for (auto& [weak, views] : deliveries) {
    if (auto listener = weak.lock()) {
      metrics_.presence_notifications += views.size();
      listener->on_presence(views);
    }
  }
}

void PresenceService::publish(std::vector<Announce>& announces) {
  for (auto& a : announces) bus_.announce_presence(a.user, a.note);
}

// ---------------------------------------------------------------- watching

std::shared_ptr<Watcher> PresenceService::open_watcher(UserId viewer, std::weak_ptr<Listener> listener) {
  return std::shared_ptr<Watcher>(new Watcher(*this, viewer, std::move(listener)));
}

Result<std::unordered_set<std::int64_t>> PresenceService::contacts_among(UserId viewer,
                                                                        const std::vector<UserId>& users) {
  auto peers = store_.contacts_among(viewer, users);
  if (!peers) return peers.status();
  std::unordered_set<std::int64_t> contacts;
  for (UserId p : *peers) contacts.insert(p.value);
  return contacts;
}

Result<std::vector<View>> PresenceService::watch(Watcher& watcher, const std::vector<UserId>& requested,
                                                const std::function<void(const std::vector<View>&)>& first) {
  std::vector<UserId> users;
  std::unordered_set<std::int64_t> listed;
  for (UserId u : requested)
    if (u.valid() && listed.insert(u.value).second) users.push_back(u);
  if (users.empty()) return std::vector<View>{};

  auto contacts = contacts_among(watcher.viewer_, users);
  if (!contacts) return contacts.status();
  auto blocked = store_.blocked_among(watcher.viewer_, users);
  if (!blocked) return blocked.status();
  std::optional<Visibility> own;
  {
    std::lock_guard lk(mu_);
    if (!watcher.loaded_) own = Visibility::kEveryone;
  }
  if (own) {
    auto r = store_.read_presence({watcher.viewer_});
    if (!r) return r.status();
    if (!r->empty()) own = r->front().last_seen_visibility;
  }

  std::vector<UserId> fresh;  // no node-wide entry yet: this call loads them
  {
    std::lock_guard lk(mu_);
    if (own) {
      watcher.own_ = *own;
      watcher.loaded_ = true;
    }
    for (UserId u : users) watcher.blocked_.erase(u.value);
    for (UserId u : *blocked) watcher.blocked_.insert(u.value);
    std::size_t added = 0;
    for (UserId u : users) added += watcher.watching_.count(u.value) ? 0 : 1;
    if (watcher.watching_.size() + added > opt_.max_watched)
      return Status(Code::kInvalid, "a device may watch at most " + std::to_string(opt_.max_watched) + " users");
    for (UserId u : users)
      if (watched_.try_emplace(u.value).second) fresh.push_back(u);
  }

  Result<std::vector<PresenceRecord>> records = std::vector<PresenceRecord>{};
  std::vector<std::string> answers;
  if (!fresh.empty()) {
    // Watch before reading, so no change falls between the read and the watch.
    for (UserId u : fresh) bus_.watch_presence(u);
    records = store_.read_presence(fresh);
    if (records) {
      json::array ids;
      for (UserId u : fresh) ids.push_back(u.value);
      answers = bus_.query_nodes(json::serialize(json::object{{"u", ids}}), opt_.query_timeout_ms);
      spdlog::debug("presence: now watching {} more users; {} other nodes answered", fresh.size(), answers.size());
      for (const auto& a : answers) spdlog::debug("presence: answer {}", a);
    }
  }

  std::vector<View> views;
  std::vector<UserId> unwatched;
  Deliveries none;
  {
    std::unique_lock lk(mu_);
    TimeMs now = clock_.now_ms();
    if (!fresh.empty()) {
      std::unordered_set<std::int64_t> exists;
      if (records) {
        for (const auto& rec : *records) {
          auto& w = watched_[rec.user.value];
          w.visibility = rec.last_seen_visibility;
          w.stored_last_seen = rec.last_seen;
          exists.insert(rec.user.value);
        }
        apply_answers(answers, now, none);
      }
      for (UserId u : fresh) {
        auto& w = watched_[u.value];
        if (!exists.count(u.value)) {  // no such user, or the store failed
          if (w.watchers.empty()) {
            watched_.erase(u.value);
            unwatched.push_back(u);
          }
          continue;
        }
        w.ready = true;
        std::tie(w.sent_online, w.sent_last_seen) = aggregate(u, w);
      }
      ready_cv_.notify_all();
    }
    if (records) {
      // Entries another watch is loading: wait for them (bounded by the store and query timeouts).
      ready_cv_.wait_for(lk, std::chrono::seconds(10), [&] {
        for (UserId u : users)
          if (auto it = watched_.find(u.value); it != watched_.end() && !it->second.ready) return false;
        return true;
      });
      for (UserId u : users) {
        auto it = watched_.find(u.value);
        if (it == watched_.end() || !it->second.ready) continue;  // no such user
        bool contact = contacts->count(u.value) > 0;
        auto [wit, added] = watcher.watching_.insert_or_assign(u.value, contact);
        if (added) it->second.watchers.push_back(&watcher);
        views.push_back(view(watcher, u, it->second, contact));
      }
      if (first) first(views);
    }
  }
  for (UserId u : unwatched) bus_.unwatch_presence(u);
  if (!records) return records.status();
  return views;
}

void PresenceService::detach(Watcher& watcher, UserId user, std::vector<UserId>& unwatched) {
  if (!watcher.watching_.erase(user.value)) return;
  auto it = watched_.find(user.value);
  if (it == watched_.end()) return;
  auto& ws = it->second.watchers;
  ws.erase(std::remove(ws.begin(), ws.end(), &watcher), ws.end());
  if (ws.empty() && it->second.ready) {
    watched_.erase(it);
    unwatched.push_back(user);
  }
}

void PresenceService::unwatch(Watcher& watcher, const std::vector<UserId>& users) {
  std::vector<UserId> unwatched;
  {
    std::lock_guard lk(mu_);
    for (UserId u : users) detach(watcher, u, unwatched);
  }
  for (UserId u : unwatched) bus_.unwatch_presence(u);
}

void PresenceService::close(Watcher& watcher) {
  std::vector<UserId> unwatched;
  {
    std::lock_guard lk(mu_);
    std::vector<UserId> all;
    for (const auto& [u, contact] : watcher.watching_) all.push_back(UserId(u));
    for (UserId u : all) detach(watcher, u, unwatched);
  }
  for (UserId u : unwatched) bus_.unwatch_presence(u);
}

Result<std::vector<View>> PresenceService::refresh(Watcher& watcher) {
  std::vector<UserId> users;
  {
    std::lock_guard lk(mu_);
    for (const auto& [u, contact] : watcher.watching_) users.push_back(UserId(u));
  }
  auto own = store_.read_presence({watcher.viewer_});
  if (!own) return own.status();
  auto contacts = contacts_among(watcher.viewer_, users);
  if (!contacts) return contacts.status();
  auto blocked = store_.blocked_among(watcher.viewer_, users);
  if (!blocked) return blocked.status();
  std::vector<View> views;
  std::lock_guard lk(mu_);
  if (!own->empty()) watcher.own_ = own->front().last_seen_visibility;
  watcher.blocked_.clear();
  for (UserId u : *blocked) watcher.blocked_.insert(u.value);
  watcher.loaded_ = true;
  for (auto& [u, contact] : watcher.watching_) {
    contact = contacts->count(u) > 0;
    auto it = watched_.find(u);
    if (it != watched_.end() && it->second.ready) views.push_back(view(watcher, UserId(u), it->second, contact));
  }
  return views;
}

// ---------------------------------------------------------------- privacy and typing

Result<PresenceRecord> PresenceService::privacy(UserId user) {
  auto r = store_.read_presence({user});
  if (!r) return r.status();
  if (r->empty()) return Status(Code::kNoSuchUser, "no such user");
  return r->front();
}

void PresenceService::set_group_add(UserId user, Visibility who, DoneStatus done) {
  store_.set_group_add(user, who, [this, user, done = std::move(done)](Status st) {
    if (st.ok()) {
      auto ev = std::make_shared<BusEvent>();
      ev->kind = BusEvent::Kind::kPrivacy;
      bus_.publish(user, std::move(ev));
    }
    done(st);
  });
}

void PresenceService::set_privacy(UserId user, Visibility last_seen, DoneStatus done) {
  store_.set_privacy(user, last_seen, [this, user, last_seen, done = std::move(done)](Status st) {
    if (st.ok()) {
      Deliveries deliveries;
      {
        std::lock_guard lk(mu_);
        if (auto it = watched_.find(user.value); it != watched_.end() && it->second.ready) {
          it->second.visibility = last_seen;
          changed(user, it->second, true, deliveries);
        }
      }
      deliver(deliveries);
      json::object note;
      note["n"] = node_;
      note["p"] = static_cast<int>(last_seen);
      bus_.announce_presence(user, json::serialize(note));
      auto ev = std::make_shared<BusEvent>();
      ev->kind = BusEvent::Kind::kPrivacy;
      bus_.publish(user, std::move(ev));
    }
    done(st);
  });
}

Status PresenceService::typing(UserId user, ChatId chat, bool typing) {
  auto info = store_.chat_info(chat, user);
  if (!info) return info.status();
  if (info->kind == ChatKind::kRoom) return Status(Code::kInvalid, "rooms do not show typing");
  std::vector<UserId> members;
  for (const auto& m : info->members) members.push_back(m.user);
  if (std::find(members.begin(), members.end(), user) == members.end())
    return Status(Code::kNotMember, "not a member of this chat");
  auto blocked = store_.blocked_among(user, members);
  if (!blocked) return blocked.status();
  auto ev = std::make_shared<BusEvent>();
  ev->kind = BusEvent::Kind::kEphemeral;
  ev->frame = proto::typing_frame(chat, user, typing);
  std::shared_ptr<const BusEvent> shared = std::move(ev);
  for (UserId m : members)
    if (m != user && std::find(blocked->begin(), blocked->end(), m) == blocked->end()) bus_.publish(m, shared);
  metrics_.typing_events++;
  return Status::Ok();
}

bool PresenceService::here_anywhere(UserId user, bool ask_nodes) {
  {
    std::lock_guard lk(mu_);
    if (auto it = local_.find(user.value); it != local_.end() && it->second.here > 0) return true;
  }
  if (!ask_nodes) return false;
  auto answers = bus_.query_nodes(json::serialize(json::object{{"u", json::array{user.value}}}), opt_.query_timeout_ms);
  for (const auto& a : answers) {
    auto o = parse_object(a);
    if (!o || !o->if_contains("s") || !o->at("s").is_array()) continue;
    for (const auto& st : o->at("s").get_array())
      if (st.is_array() && st.get_array().size() >= 5 && st.get_array()[4].is_bool() && st.get_array()[4].get_bool())
        return true;
  }
  return false;
}

Stats PresenceService::stats() const {
  std::lock_guard lk(mu_);
  Stats s;
  for (const auto& [u, l] : local_) s.online_users += l.active > 0 ? 1 : 0;
  s.devices = devices_.size();
  s.watched_users = watched_.size();
  return s;
}

// ---------------------------------------------------------------- other nodes

void PresenceService::apply_answers(const std::vector<std::string>& answers, TimeMs now,
                                    Deliveries& deliveries) {
  for (const auto& a : answers) {
    auto o = parse_object(a);
    if (!o) continue;
    auto* n = o->if_contains("n");
    auto* s = o->if_contains("s");
    if (!n || !n->is_string() || !s || !s->is_array()) continue;
    std::string node(n->get_string());
    for (const auto& row : s->get_array()) {
      if (!row.is_array() || row.get_array().size() < 4) continue;
      const auto& r = row.get_array();
      auto it = watched_.find(int_of(&r[0]));
      if (it == watched_.end()) continue;
      auto& remote = it->second.nodes[node];
      auto version = static_cast<std::uint64_t>(int_of(&r[3]));
      if (version <= remote.version) continue;
      remote = Remote{r[1].is_bool() && r[1].get_bool(), int_of(&r[2]), version, now};
      if (it->second.ready) changed(UserId(it->first), it->second, false, deliveries);
    }
  }
}

void PresenceService::on_note(UserId user, std::string_view note) {
  auto o = parse_object(note);
  if (!o) return;
  auto* n = o->if_contains("n");
  if (!n || !n->is_string()) return;
  Deliveries deliveries;
  {
    std::lock_guard lk(mu_);
    auto it = watched_.find(user.value);
    if (it == watched_.end()) return;
    auto& w = it->second;
    if (auto* p = o->if_contains("p")) {
      auto v = int_of(p);
      if (v < 0 || v > 2) return;
      w.visibility = static_cast<Visibility>(v);
      if (w.ready) changed(user, w, true, deliveries);
    } else {
      auto version = static_cast<std::uint64_t>(int_of(o->if_contains("v")));
      auto& remote = w.nodes[std::string(n->get_string())];
      if (version <= remote.version) return;
      auto* on = o->if_contains("o");
      remote = Remote{on && on->is_bool() && on->get_bool(), int_of(o->if_contains("a")), version, clock_.now_ms()};
      if (w.ready) changed(user, w, false, deliveries);
    }
  }
  deliver(deliveries);
}

std::string PresenceService::on_query(std::string_view request) {
  json::array states;
  if (auto o = parse_object(request); o && o->if_contains("u") && o->at("u").is_array()) {
    std::lock_guard lk(mu_);
    for (const auto& u : o->at("u").get_array()) {
      auto it = local_.find(int_of(&u));
      if (it == local_.end() || it->second.version == 0) continue;
      states.push_back(
          json::array{it->first, it->second.active > 0, it->second.last_active, it->second.version, it->second.here > 0});
    }
  }
  return json::serialize(json::object{{"n", node_}, {"s", std::move(states)}});
}

void PresenceService::on_notes_lost() {
  std::lock_guard lk(mu_);
  requery_ = true;
  requery_until_ = clock_.now_ms() + kRequeryWindowMs;
}

void PresenceService::requery() {
  std::vector<std::int64_t> users;
  {
    std::lock_guard lk(mu_);
    requery_ = false;
    for (const auto& [u, w] : watched_)
      if (w.ready) users.push_back(u);
  }
  for (std::size_t i = 0; i < users.size(); i += 1000) {
    json::array ids;
    for (std::size_t k = i; k < std::min(users.size(), i + 1000); ++k) ids.push_back(users[k]);
    auto answers = bus_.query_nodes(json::serialize(json::object{{"u", ids}}), opt_.query_timeout_ms);
    Deliveries deliveries;
    {
      std::lock_guard lk(mu_);
      apply_answers(answers, clock_.now_ms(), deliveries);
    }
    deliver(deliveries);
  }
}

// ---------------------------------------------------------------- sweeping

void PresenceService::sweep() {
  TimeMs now = clock_.now_ms();
  std::vector<NodeInfo> alive = bus_.nodes();
  std::vector<Announce> announces;
  Deliveries deliveries;
  std::vector<UserId> orphaned;  // watched users whose node died
  bool again = false;
  {
    std::lock_guard lk(mu_);
    while (!expiries_.empty() && expiries_.top().first <= now) {
      auto id = expiries_.top().second;
      expiries_.pop();
      auto it = devices_.find(id);
      if (it == devices_.end()) continue;
      auto& d = it->second;
      d.scheduled = false;
      if (!d.active) continue;
      if (TimeMs due = d.last_active + opt_.online_threshold_ms; due > now) {  // active since: look again then
        d.scheduled = true;
        expiries_.emplace(due, id);
        continue;
      }
      set_active(d, false, d.last_active, announces, deliveries);
      if (d.connections <= 0) {  // dropped earlier; counted until now
        local_[d.user.value].devices--;
        devices_.erase(it);
      }
    }
    // A node heard from that was not at the last sweep (it came back, restarted, or its
    // announcements reach us again after an outage): what it says now may differ from
    // what we kept, and its notes meanwhile were lost. Ask every node again.
    std::set<std::string> alive_now;
    for (const auto& n : alive) alive_now.insert(n.id + "/" + n.incarnation);
    bool appeared = std::any_of(alive_now.begin(), alive_now.end(),
                                [&](const std::string& n) { return !alive_before_.count(n); }) &&
                    !alive_before_.empty();
    alive_before_ = std::move(alive_now);
    // Without the bus this node hears no one: the others are not dead, it is deaf. Keep
    // what they said until the bus is back and they can be asked.
    if (!alive.empty() && bus_.available()) {  // cluster: forget what nodes that died had said
      for (auto& [u, w] : watched_) {
        bool lost = false;
        for (auto nit = w.nodes.begin(); nit != w.nodes.end();) {
          // Keyed by incarnation: what a node said before it restarted dies with that run.
          bool live = std::any_of(alive.begin(), alive.end(),
                                  [&](const NodeInfo& n) { return n.id + "/" + n.incarnation == nit->first; });
          if (!live && now - nit->second.heard_at > 5000) {
            w.stored_last_seen = std::max(w.stored_last_seen, nit->second.last_active);
            nit = w.nodes.erase(nit);
            lost = true;
          } else {
            ++nit;
          }
        }
        if (lost && w.ready) {
          changed(UserId(u), w, false, deliveries);
          orphaned.push_back(UserId(u));
        }
      }
    }
    again = requery_ || appeared || (bus_.available() && now < requery_until_);
  }
  publish(announces);
  deliver(deliveries);
  if (!orphaned.empty()) {
    // The dead node wrote their last seen more recently than it last announced it.
    if (auto records = store_.read_presence(orphaned)) {
      Deliveries more;
      {
        std::lock_guard lk(mu_);
        for (const auto& rec : *records) {
          auto it = watched_.find(rec.user.value);
          if (it == watched_.end() || rec.last_seen <= it->second.stored_last_seen) continue;
          it->second.stored_last_seen = rec.last_seen;
          if (it->second.ready) changed(rec.user, it->second, false, more);
        }
      }
      deliver(more);
    }
  }
  persist(now - persisted_at_ >= opt_.persist_interval_ms);
  if (again) requery();
}

void PresenceService::persist(bool all) {
  std::vector<std::pair<UserId, TimeMs>> batch;
  {
    std::lock_guard lk(mu_);
    TimeMs now = clock_.now_ms();
    auto save = [&](std::int64_t user, Local& l) {
      if (l.last_active > l.persisted) {
        batch.emplace_back(UserId(user), l.last_active);
        l.persisted = l.last_active;
      }
      if (l.devices > 0 || l.active) return false;
      if (auto w = watched_.find(user); w != watched_.end())  // its views keep the last seen
        w->second.stored_last_seen = std::max(w->second.stored_last_seen, l.last_active);
      return true;  // no device here any more: forget the user
    };
    if (all) {
      persisted_at_ = now;
      for (auto it = local_.begin(); it != local_.end();) it = save(it->first, it->second) ? local_.erase(it) : ++it;
    } else {
      for (auto u : offline_unsaved_)
        if (auto it = local_.find(u); it != local_.end() && save(u, it->second)) local_.erase(it);
    }
    offline_unsaved_.clear();
  }
  if (batch.empty()) return;
  std::sort(batch.begin(), batch.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  store_.save_last_seen(batch, [this, batch](Status st) {
    if (st.ok()) return;
    spdlog::warn("presence: writing last seen of {} users failed ({}); retrying", batch.size(), st.message());
    std::lock_guard lk(mu_);
    for (const auto& [u, t] : batch) {
      auto& l = local_[u.value];
      l.last_active = std::max(l.last_active, t);
      l.persisted = 0;
      offline_unsaved_.insert(u.value);
    }
  });
}

}  // namespace parley::presence
