// WsSession: from the upgrade to `hello` (see ws_session.h). The token check and the reads
// that follow it wait on the store, so they run on the query pool; meanwhile the
// connection stops reading, and what the client sent behind its token is read, in order,
// once `hello` has been sent.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/beast/http/field.hpp>
#include <spdlog/spdlog.h>

#include "auth/phone.h"
#include "net/await.h"
#include "net/session_registry.h"
#include "net/ws_session.h"
#include "proto/errors.h"

namespace parley::net {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::awaitable;

void WsSession::start(const Request& request, std::string_view early) {
  registry_.add(this, self());
  std::string net = auth::network_of(remote());
  std::string header_token;
  if (auto auth = request[http::field::authorization]; auth.starts_with("Bearer "))
    header_token = std::string(auth.substr(7));
  if (!header_token.empty()) {  // frames that came with the request wait for it
    authenticating_ = true;
    pause_reading();
  }
  if (!accept(request, early)) return;
  if (!registry_.admit_ip(net)) {
    svc_.metrics.rate_limited++;
    send(proto::error_frame(proto::err::kTooManyConnections, "too many connections from your address"));
    close(proto::kClosePolicy, "too many connections");
    return;
  }
  admitted_net_ = net;
  arm_idle_timer();
  if (!header_token.empty()) {
    if (!closing()) authenticate(std::move(header_token));
    return;
  }
  if (authenticating_ || closing()) return;  // the auth frame came with the request
  auth_timer_.expires_after(std::chrono::milliseconds(opt_.auth_timeout_ms));
  auth_timer_.async_wait([weak = weak_self()](boost::system::error_code ec) {
    auto s = weak.lock();
    if (ec || !s || s->authenticating_ || s->device_ || s->closing()) return;
    s->send(proto::error_frame(proto::err::kNotAuthenticated, "no auth frame in time"));
    s->close(proto::kCloseUnauthorized, "auth timeout");
  });
}

void WsSession::on_message(std::string_view payload, bool text) {
  if (!text && !device_) {
    send(proto::error_frame(proto::err::kNotAuthenticated, "the first frame must be auth"));
    close(proto::kCloseUnauthorized, "not authenticated");
  } else if (!text) {
    protocol_error(proto::err::kBadFrame, "binary frames are not supported; send JSON text");
  } else {
    handle(payload);
  }
}

void WsSession::authenticate(std::string token) {
  authenticating_ = true;
  pause_reading();  // until hello: frames behind the token are read after it
  auth_timer_.cancel();
  asio::co_spawn(io().context(), sign_in(std::move(token)), asio::detached);
}

awaitable<void> WsSession::sign_in(std::string token) {
  auto keep = self();
  auto check_token = [&auth = svc_.auth, token] { return auth.authenticate(token); };
  auto dev = co_await await_on(query_strand_, check_token);
  if (closing()) co_return;
  if (!dev) {
    svc_.metrics.auth_failures++;
    send(proto::error_frame(dev.status().code() == Code::kUnauthorized ? proto::err::kUnauthorized
                                                                       : proto::wire_code(dev.status().code()),
                            dev.status().message()));
    close(proto::kCloseUnauthorized, "unauthorized");
    co_return;
  }
  if (!registry_.admit_user(dev->user.value)) {
    svc_.metrics.rate_limited++;
    send(proto::error_frame(proto::err::kTooManyConnections, "too many connections for this account"));
    close(proto::kClosePolicy, "too many connections");
    co_return;
  }
  admitted_user_ = true;
  device_ = *dev;
  persisted_position_ = device_->position;
  bus_token_ = svc_.bus.subscribe(device_->user, weak_self());
  // A revoke committed between the token check and the subscription sent its event to
  // nobody: ask the store once more, now that later events will reach this session.
  struct Checked {
    Status device;
    Result<Pts> head;
  };
  auto check = [&svc = svc_, d = *device_] { return Checked{svc.auth.check_device(d), svc.chat.log_head(d.user)}; };
  auto checked = co_await await_on(query_strand_, check);
  if (closing()) co_return;
  if (checked.device.code() == Code::kUnauthorized) {
    send(proto::error_frame(proto::err::kUnauthorized, checked.device.message()));
    close(proto::kCloseUnauthorized, "unauthorized");
    co_return;
  }
  // Keep an idle expiry (auth.device_idle_days) from signing out a device that connects
  // but has nothing new to read: its use is recorded at most once a day.
  if (svc_.clock.now_ms() - device_->last_active_at > 86'400'000) svc_.chat.received(device_->id, device_->position);
  svc_.presence.connected(device_->id, device_->user);
  present_ = true;
  const auto& po = svc_.presence.options();
  proto::Hello h{device_->user,       device_->id,     checked.head ? *checked.head : 0, device_->position,
                 svc_.clock.now_ms(), po.heartbeat_ms, po.online_threshold_ms,         po.typing_timeout_ms};
  send(proto::hello_frame(h, opt_.limits));
  co_await open_rooms();
  if (closing()) co_return;
  spdlog::debug("net: device {} of user {} connected from {}", device_->id.value, device_->user.value, remote());
  authenticating_ = false;
  resume_reading();
}

}  // namespace parley::net
