#include "net/io_thread.h"

#include <boost/asio/post.hpp>
#include <iterator>

namespace parley::net {

namespace {
// Mail a producer thread holds for each io thread while its HandoffBatch is open.
thread_local std::vector<std::pair<IoThread*, std::vector<Mail>>> t_held;

std::vector<Mail>& held_for(IoThread* io) {
  for (auto& [t, v] : t_held)
    if (t == io) return v;
  return t_held.emplace_back(io, std::vector<Mail>()).second;
}
}  // namespace

void IoThread::hand(Mail mail) {
  if (HandoffBatch::defer(*this)) {  // delivered by flush(): one lock and one wake-up per batch
    held_for(this).push_back(std::move(mail));
    return;
  }
  std::lock_guard lk(mu_);
  mail_.push_back(std::move(mail));
  waiting_.store(mail_.size(), std::memory_order_relaxed);
  if (!scheduled_) schedule_locked();
}

void IoThread::flush() {
  auto& held = held_for(this);
  {
    std::lock_guard lk(mu_);
    if (mail_.empty()) mail_.swap(held);
    else std::move(held.begin(), held.end(), std::back_inserter(mail_));
    waiting_.store(mail_.size(), std::memory_order_relaxed);
    if (!scheduled_ && !mail_.empty()) schedule_locked();
  }
  held.clear();
  if (held.capacity() > 4096) std::vector<Mail>().swap(held);
}

void IoThread::schedule_locked() {
  scheduled_ = true;
  wakeups_.fetch_add(1, std::memory_order_relaxed);
  boost::asio::post(ctx_, [this] { drain(); });
}

void IoThread::drain() {
  {
    std::lock_guard lk(mu_);
    running_.swap(mail_);
    scheduled_ = false;
    waiting_.store(0, std::memory_order_relaxed);
  }
  for (auto& m : running_) {
    if (m.fn) m.fn();
    else m.to->on_mail(m.event, m.frame);
  }
  running_.clear();
  if (running_.capacity() > 4096) running_.shrink_to_fit();
}

void IoThread::cork(std::shared_ptr<Corked> c) {
  corked_.push_back(std::move(c));
  if (corked_.size() == 1) boost::asio::post(ctx_, [this] { uncork_all(); });
}

void IoThread::uncork_all() {
  uncorking_.swap(corked_);
  for (auto& c : uncorking_) c->uncork();
  uncorking_.clear();
}

char* IoThread::read_buffer(std::size_t n) {
  if (read_buf_.size() < n) read_buf_.resize(n);
  return read_buf_.data();
}

}  // namespace parley::net
