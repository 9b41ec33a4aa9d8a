// The media routes (docs/protocol.md §7 Media): uploads (POST /v1/media, PATCH, HEAD and
// DELETE /v1/media/uploads/{id}) read their bodies a piece at a time and stage each piece
// as it arrives; downloads (GET and HEAD /v1/media/{id}[/preview]) are written a piece at
// a time, with ranges and ETags. Sockets stay on the connection's io thread; everything
// that touches a disk, a database or an image runs on the media threads.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <optional>
#include <string>

#include "media/uploads.h"
#include "net/http_reply.h"
#include "net/services.h"

namespace parley::net {

using HeaderParser = boost::beast::http::request_parser<boost::beast::http::empty_body>;

class MediaHttp {
 public:
  MediaHttp(Services& services, boost::asio::any_io_executor media);

  static bool handles(std::string_view path) { return path == "/v1/media" || path.starts_with("/v1/media/"); }

  // Serves the request whose header `parser` has read, its body included. False: the
  // connection must close (lost, or a body left unread).
  boost::asio::awaitable<bool> serve(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buf,
                                     HeaderParser& parser);

 private:
  struct Request;
  boost::asio::awaitable<bool> upload(Request& r, const std::string& id);
  boost::asio::awaitable<bool> download(Request& r, const std::string& id, bool preview);
  boost::asio::awaitable<std::optional<Status>> read_body(Request& r, std::shared_ptr<media::Uploads::Held> held);
  boost::asio::awaitable<bool> finish_or_stand(Request& r, std::shared_ptr<media::Uploads::Held> held);
  boost::asio::awaitable<bool> send(Request& r, HttpResponse res);

  Services& svc_;
  boost::asio::any_io_executor media_;
};

}  // namespace parley::net
