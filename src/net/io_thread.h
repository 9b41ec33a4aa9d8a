// One io thread's shared machinery. Its io_context; a mailbox other threads hand work to
// (one wake-up per batch: see core/handoff.h); the cork, the connections with output to
// write once this round's handlers have run (one write per connection per round); and
// the read buffer every connection of the thread reads into, so an idle connection owns
// none. Everything but hand() and the stats is for this thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "core/handoff.h"

namespace parley::net {

// Something that lives on an io thread and takes mail there.
class MailReceiver {
 public:
  virtual ~MailReceiver() = default;
  // On the receiver's io thread: an event (bus), or a frame to send as is (`frame`).
  virtual void on_mail(const std::shared_ptr<const BusEvent>& event, std::string& frame) = 0;
};

struct Mail {
  std::shared_ptr<MailReceiver> to;
  std::shared_ptr<const BusEvent> event;
  std::string frame;
  std::function<void()> fn;  // rare work (answers to chat changes): run as is, in order
};

// A connection with output to write at the end of the round.
class Corked {
 public:
  virtual ~Corked() = default;
  virtual void uncork() = 0;
};

class IoThread final : public Deferrable {
 public:
  explicit IoThread(int index) : index_(index), ctx_(1) {}

  boost::asio::io_context& context() { return ctx_; }
  int index() const { return index_; }

  // Any thread: deliver `mail` on this thread, after mail handed before it from the same
  // producer. Under an open HandoffBatch the producer holds the mail and hands it all over
  // at the batch's end: one lock and one wake-up per io thread per batch.
  void hand(Mail mail);
  void flush() override;  // HandoffBatch: wake the thread if mail is waiting

  // This thread: `c` writes its output after the handlers ready now have run.
  void cork(std::shared_ptr<Corked> c);

  // This thread: the shared read buffer (grown to at least `n` bytes).
  char* read_buffer(std::size_t n);
  std::size_t read_buffer_size() const { return read_buf_.size(); }

  std::size_t mail_waiting() const { return waiting_.load(std::memory_order_relaxed); }
  std::uint64_t wakeups() const { return wakeups_.load(std::memory_order_relaxed); }

 private:
  void schedule_locked();
  void drain();
  void uncork_all();

  const int index_;
  boost::asio::io_context ctx_;
  std::mutex mu_;  // guards mail_, scheduled_
  std::vector<Mail> mail_;
  bool scheduled_ = false;
  std::vector<Mail> running_;  // this thread: the batch being delivered
  std::atomic<std::size_t> waiting_{0};
  std::atomic<std::uint64_t> wakeups_{0};
  std::vector<std::shared_ptr<Corked>> corked_;  // this thread
  std::vector<std::shared_ptr<Corked>> uncorking_;
  std::vector<char> read_buf_;
};

}  // namespace parley::net
