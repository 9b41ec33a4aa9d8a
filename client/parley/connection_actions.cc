// Connection's requests about messages already sent: reply and forward (sends, acked), edit,
// delete, react and star (answered by `done`), and the chat modes (a `change`).
#include <boost/json.hpp>

#include "parley/connection.h"

namespace parley::client {

namespace json = boost::json;

std::string Connection::reply(std::int64_t chat, std::int64_t seq, std::string text, std::string client_id) {
  return queue_send("chat", chat, std::move(text), nullptr, std::move(client_id), seq);
}

std::string Connection::forward_to_user(std::int64_t user, std::int64_t chat, std::int64_t seq, std::string client_id) {
  return queue_request(json::object{{"type", "send"}, {"to", user}, {"forward", {{"chat", chat}, {"seq", seq}}}},
                       std::move(client_id));
}

std::string Connection::forward_to_chat(std::int64_t to_chat, std::int64_t chat, std::int64_t seq,
                                        std::string client_id) {
  return queue_request(json::object{{"type", "send"}, {"chat", to_chat}, {"forward", {{"chat", chat}, {"seq", seq}}}},
                       std::move(client_id));
}

std::string Connection::queue_action(const char* type, std::int64_t chat, std::int64_t seq, json::object fields) {
  fields["type"] = type;
  fields["chat"] = chat;
  fields["seq"] = seq;
  return queue_request(std::move(fields));
}

std::string Connection::edit(std::int64_t chat, std::int64_t seq, std::string text) {
  return queue_action("edit", chat, seq, {{"text", text}});
}

std::string Connection::delete_message(std::int64_t chat, std::int64_t seq, bool for_everyone) {
  return queue_action("delete", chat, seq, {{"for", for_everyone ? "everyone" : "me"}});
}

std::string Connection::react(std::int64_t chat, std::int64_t seq, std::string emoji) {
  return queue_action("react", chat, seq, {{"emoji", emoji}});
}

std::string Connection::star(std::int64_t chat, std::int64_t seq, bool starred) {
  return queue_action("star", chat, seq, {{"starred", starred}});
}

std::string Connection::set_temporary(std::int64_t chat, bool temporary) {
  return change_chat(chat, "mode", {}, {{"temporary", temporary}});
}

std::string Connection::set_disappearing(std::int64_t chat, std::int64_t seconds) {
  return change_chat(chat, "mode", {}, {{"disappear", seconds}});
}

}  // namespace parley::client
