#include "push/push_service.h"

#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <future>

#include "core/encoding.h"
#include "core/thread_name.h"
#include "model/people.h"

namespace parley::push {

namespace {

constexpr std::size_t kPreviewChars = 100;

// The first `n` code points of valid UTF-8.
std::string cut(std::string_view s, std::size_t n) {
  std::size_t i = 0, points = 0;
  while (i < s.size() && points < n) {
    auto c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++points;
  }
  if (i >= s.size()) return std::string(s);
  return std::string(s.substr(0, i)) + "…";
}

// What a message shows in a notification: its text, or what it carries.
std::string preview_of(const Message& m) {
  if (!m.text.empty()) return cut(m.text, kPreviewChars);
  if (m.media.empty()) return {};
  auto is = [&](std::string_view kind) { return m.media.find("\"kind\":\"" + std::string(kind) + "\"") != std::string::npos; };
  if (is("image")) return "📷 Photo";
  if (is("video")) return "🎥 Video";
  if (is("voice")) return "🎤 Voice message";
  return "📄 File";
}

std::string messages(std::int64_t n) { return std::to_string(n) + " new messages"; }

}  // namespace

PushService::PushService(Store& store, const Clock& clock, Random& random, Options options,
                         std::vector<std::unique_ptr<Provider>> providers, std::function<bool(UserId, bool)> foreground)
    : store_(store), clock_(clock), random_(random), opt_(options), foreground_(std::move(foreground)) {
  for (auto& p : providers) {
    std::string name(p->name());
    providers_[name] = std::move(p);
  }
}

PushService::~PushService() { stop(); }

void PushService::start() {
  flusher_.start("push-queue", std::chrono::milliseconds(opt_.flush_ms), [this] { flush(); });
  for (int i = 0; i < opt_.workers; ++i) workers_.emplace_back([this, i] { work(i); });
}

void PushService::stop() {
  {
    std::lock_guard lk(wmu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wcv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  flusher_.stop();
  flush();
}

// ---------------------------------------------------------------- events in

void PushService::on_message(const AppendResult& r) {
  if (r.duplicate || r.kind == ChatKind::kRoom || !r.message.system.empty()) return;
  Pending p, mentioned;
  // Here and looking (a foreground device on this node, as the message arrives): no job at all.
  for (const auto& d : r.deliveries) {
    if (d.user == r.message.sender || foreground_(d.user, false)) continue;
    const bool named = std::find(r.mentions.begin(), r.mentions.end(), d.user) != r.mentions.end();
    (named ? mentioned : p).recipients.push_back(d.user);
  }
  if (p.recipients.empty() && mentioned.recipients.empty()) return;  // no preview built for nobody
  p.event = PushEvent{UserId(), r.message.chat, "message", r.message.seq, r.message.sender, 1, preview_of(r.message),
                      r.message.ts};
  mentioned.event = p.event;
  mentioned.event.event = "mention";  // its own job: it gets through a mute
  std::lock_guard lk(mu_);
  for (auto* pending : {&p, &mentioned}) {
    if (pending->recipients.empty()) continue;
    if (queued_events_ + pending->recipients.size() > opt_.max_queued) {
      stats_.overflow += pending->recipients.size();
      continue;
    }
    queued_events_ += pending->recipients.size();
    queue_.push_back(std::move(*pending));
  }
}

void PushService::on_invite(const GroupInvite& invite) {
  Pending p;
  p.event = PushEvent{UserId(), invite.chat, "invite", 0, invite.inviter, 1, invite.chat_name, clock_.now_ms()};
  p.recipients.push_back(invite.user);
  std::lock_guard lk(mu_);
  if (queued_events_ + 1 > opt_.max_queued) {
    stats_.overflow++;
    return;
  }
  queued_events_ += 1;
  queue_.push_back(std::move(p));
}

void PushService::flush() {
  std::vector<Pending> batch;
  {
    std::lock_guard lk(mu_);
    batch.swap(queue_);
    queued_events_ = 0;
  }
  if (batch.empty()) return;
  std::vector<PushEvent> events;
  for (auto& p : batch)
    for (UserId u : p.recipients) {
      PushEvent e = p.event;
      e.user = u;
      events.push_back(std::move(e));
    }
  if (events.empty()) return;
  const auto n = events.size();
  if (Status st = wait_for_status([&](DoneStatus d) { store_.queue_pushes(std::move(events), opt_.collapse_ms, std::move(d)); });
      !st.ok()) {
    spdlog::warn("push: {} events not stored: {}", n, st.message());
    return;
  }
  stats_.queued += n;
  if (opt_.collapse_ms == 0) {  // due now: idle workers need not wait for their poll
    {
      std::lock_guard lk(wmu_);
      ++stored_;
    }
    wcv_.notify_all();
  }
}

// ---------------------------------------------------------------- targets

std::vector<std::string> PushService::providers() const {
  std::vector<std::string> out;
  for (const auto& [name, p] : providers_) out.push_back(name);
  return out;
}

Status PushService::validate(const std::string& provider, const std::string& token) const {
  auto it = providers_.find(provider);
  if (it == providers_.end()) return Status(Code::kForbidden, "push provider '" + provider + "' is not on in this server");
  return it->second->validate(token);
}

Result<std::int64_t> PushService::register_target(UserId user, DeviceId device, const std::string& provider,
                                                  std::string token) {
  if (Status st = validate(provider, token); !st.ok()) return st;
  return wait_for_result<std::int64_t>([&](Done<std::int64_t> d) {
    store_.put_push_target(PushTarget{0, user, device, provider, std::move(token), 0}, std::move(d));
  });
}

Status PushService::remove_target(UserId user, std::int64_t id) {
  auto r = wait_for_result<bool>([&](Done<bool> d) { store_.delete_push_target(user, id, std::move(d)); });
  if (!r) return r.status();
  if (!*r) return Status(Code::kNotFound, "no such push target");
  return Status::Ok();
}

// ---------------------------------------------------------------- sending

std::optional<Notification> PushService::compose(const PushJob& job, const PushContext& ctx, const std::string& sender,
                                                 TimeMs now, const Options& opt) {
  if (now - job.first_at > opt.ttl_ms) return std::nullopt;
  const bool invite = job.event == "invite", mention = job.event == "mention";
  if (!invite && ctx.my_read >= job.seq) return std::nullopt;  // read on another device meanwhile
  if (!invite && !mention && muted(ChatPrefs{job.chat, ctx.muted_until}, now)) return std::nullopt;
  Notification n;
  n.event = job.event;
  n.chat = job.chat;
  n.kind = ctx.kind;
  n.seq = job.seq;
  n.sender = job.sender;
  n.count = job.count;
  n.badge = ctx.badge;
  n.collapse_key = "chat-" + std::to_string(job.chat.value);
  n.ttl_s = std::max<TimeMs>(1, (opt.ttl_ms - (now - job.first_at)) / 1000);
  if (!ctx.previews) {
    n.title = "parley";
    n.body = invite ? "New group invite" : mention ? "You were mentioned" : job.count > 1 ? messages(job.count) : "New message";
    return n;
  }
  if (mention && ctx.kind != ChatKind::kDirect) {
    n.title = ctx.chat_name.empty() ? "parley" : ctx.chat_name;
    n.body = sender + " mentioned you: " + job.preview;
  } else if (invite) {
    n.title = job.preview.empty() ? "parley" : job.preview;
    n.body = sender + " invited you to a group";
  } else if (ctx.kind == ChatKind::kDirect) {
    n.title = sender;
    n.body = job.count > 1 ? messages(job.count) : job.preview;
  } else {
    n.title = ctx.chat_name.empty() ? "parley" : ctx.chat_name;
    n.body = job.count > 1 ? messages(job.count) : sender + ": " + job.preview;
  }
  return n;
}

std::string PushService::sender_name(UserId viewer, UserId sender) {
  auto p = store_.profiles({sender});
  auto r = store_.relations(viewer, {sender});
  if (p && r && !p->empty() && !r->empty())
    if (auto v = see(viewer, p->front(), r->front())) {
      if (v->contact_name) return *v->contact_name;
      if (v->name) return *v->name;
      if (v->phone) return *v->phone;
    }
  return "Someone";
}

TimeMs PushService::backoff(int attempts) {
  TimeMs cap = opt_.backoff_base_ms << std::min(attempts, 20);
  cap = std::min(cap, opt_.backoff_max_ms);
  return 1 + static_cast<TimeMs>(random_.next_u64() % static_cast<std::uint64_t>(std::max<TimeMs>(cap, 1)));
}

void PushService::finish(PushJob job, PushFinish f) {
  store_.finish_push(std::move(job), f, [](Status st) {
    if (!st.ok()) spdlog::warn("push: a job's outcome was not stored ({}); it is sent again after its lease", st.message());
  });
}

void PushService::handle(PushJob job, TimeMs lease_end) {
  const TimeMs now = clock_.now_ms();
  // A send that could outlast the lease might meet another node's send of the same job.
  if (now + opt_.send_timeout_ms + 1000 > lease_end)
    return finish(std::move(job), PushFinish{PushFinish::What::kRelease, 0, now, 0});
  const UserId user = job.target.user;
  PushFinish done{PushFinish::What::kDone, 0, now, opt_.collapse_ms};
  auto provider = providers_.find(job.target.provider);
  auto ctx = store_.push_context(user, job.chat);
  if (provider == providers_.end() || !ctx) {  // a provider turned off since, or the chat is gone
    stats_.dropped++;
    return finish(std::move(job), done);
  }
  auto n = compose(job, *ctx, sender_name(user, job.sender), now, opt_);
  if (!n || (job.event != "invite" && foreground_(user, true))) {
    stats_.dropped++;
    return finish(std::move(job), done);
  }
  SendResult r = provider->second->send(job.target, *n);
  switch (r.outcome) {
    case SendResult::Outcome::kSent:
      stats_.sent++;
      return finish(std::move(job), done);
    case SendResult::Outcome::kInvalidTarget:
      spdlog::info("push: {} target {} of user {} is no longer valid ({}): removed", job.target.provider, job.target.id,
                   user.value, r.detail);
      stats_.targets_removed++;
      return finish(std::move(job), PushFinish{PushFinish::What::kDropTarget, 0, now, 0});
    case SendResult::Outcome::kDropped:
      spdlog::warn("push: {} refused a notification for user {} ({} {}): dropped", job.target.provider, user.value,
                   r.http_status, r.detail);
      stats_.dropped++;
      return finish(std::move(job), done);
    case SendResult::Outcome::kRetry: {
      TimeMs wait = std::max(r.retry_after_ms, backoff(job.attempts));
      const TimeMs later = clock_.now_ms();
      if (later + wait - job.first_at > opt_.ttl_ms) {
        stats_.dropped++;
        return finish(std::move(job), done);
      }
      spdlog::debug("push: {} failed for user {} ({} {}); retry in {} ms", job.target.provider, user.value, r.http_status,
                    r.detail, wait);
      stats_.retried++;
      return finish(std::move(job), PushFinish{PushFinish::What::kRetry, later + wait, later, 0});
    }
  }
}

void PushService::work(int index) {
  set_thread_name("push-" + std::to_string(index));
  // Below the io threads and the writer: a backlog of notifications never slows messages
  // (nice 10, not SCHED_IDLE: on a saturated node they still get some CPU).
  setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
  for (;;) {
    std::uint64_t seen;
    {
      std::lock_guard lk(wmu_);
      if (stopping_) return;
      seen = stored_;  // a flush after this wakes the wait below, even one before it starts
    }
    const TimeMs claimed_at = clock_.now_ms();
    auto jobs = wait_for_result<std::vector<PushJob>>([&](Done<std::vector<PushJob>> d) {
      store_.claim_pushes(claimed_at, opt_.lease_ms, opt_.claim_batch, std::move(d));
    });
    if (jobs && !jobs->empty()) {
      // Oldest first: a job released for want of lease time is the first of the next batch,
      // never starved behind newer ones.
      std::sort(jobs->begin(), jobs->end(), [](const PushJob& a, const PushJob& b) { return a.first_at < b.first_at; });
      for (auto& j : *jobs) {
        bool stopping;
        {
          std::lock_guard lk(wmu_);
          stopping = stopping_;
        }
        if (stopping)  // shutting down: the rest go back unsent, for this node's next start or another node
          finish(std::move(j), PushFinish{PushFinish::What::kRelease, 0, clock_.now_ms(), 0});
        else
          handle(std::move(j), claimed_at + opt_.lease_ms);
      }
      continue;
    }
    std::unique_lock lk(wmu_);
    wcv_.wait_for(lk, std::chrono::milliseconds(opt_.poll_ms), [&] { return stopping_ || stored_ != seen; });
  }
}

}  // namespace parley::push
