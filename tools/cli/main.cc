// parley: the command-line client. `parley --help` lists the commands. This file builds
// the command line (CLI11; the groups about people and settings in command_line_people.cc)
// and runs the one command given; the commands live in commands.h's files, what they print
// in render.h and render_people.h.
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/commands.h"

using namespace parley::cli;

namespace {

void add_login(CLI::App& app, Context& c, Commands& out) {
  struct Args {
    std::string phone, code, device_name = "parley CLI";
  };
  auto a = std::make_shared<Args>();
  auto* login = app.add_subcommand("login", "sign in with a phone number and a one-time code");
  login->add_option("phone", a->phone, "phone number, e.g. +14155550123")->required();
  login->add_option("--code", a->code, "the code (otherwise asked for on the terminal)");
  login->add_option("--device-name", a->device_name, "name shown in the device list");
  out.push_back({login, [&c, a] { return cmd_login(c, a->phone, a->code, a->device_name); }});
}

void add_send(CLI::App& app, Context& c, Commands& out) {
  struct Args {
    std::int64_t chat = 0;
    std::string who;
    std::vector<std::string> rest;
  };
  auto a = std::make_shared<Args>();
  auto* send = app.add_subcommand("send", "send a text message to a user, or to a chat (group, room) with --chat");
  send->add_option("--chat", a->chat, "chat id (see `parley chats`)")->check(CLI::PositiveNumber);
  send->add_option("to_and_text", a->who, "recipient (phone number or user id), then the text; with --chat: the text")
      ->required()
      ->expected(1);
  send->add_option("text", a->rest, "message text")->expected(0, 1);
  out.push_back({send, [&c, a] {
                   if (a->chat) {
                     if (!a->rest.empty()) return fail("with --chat, give only the text");
                     return cmd_send(c, {}, a->chat, a->who);
                   }
                   if (a->rest.empty()) return fail("give the recipient and the text");
                   return cmd_send(c, a->who, 0, a->rest.front());
                 }});
}

void add_send_file(CLI::App& app, Context& c, Commands& out) {
  struct Args {
    std::int64_t chat = 0;
    std::string who, caption, as;
    std::vector<std::string> rest;
  };
  auto a = std::make_shared<Args>();
  auto* send =
      app.add_subcommand("send-file", "send a photo, video, voice note or file to a user, or to a chat with --chat");
  send->add_option("--chat", a->chat, "chat id (see `parley chats`)")->check(CLI::PositiveNumber);
  send->add_option("to_and_path", a->who, "recipient (phone number or user id), then the file; with --chat: the file")
      ->required()
      ->expected(1);
  send->add_option("path", a->rest, "the file")->expected(0, 1);
  send->add_option("--caption", a->caption, "text shown with it");
  send->add_option("--as", a->as, "image | video | voice | file (default: by the file's extension; "
                                   "`file` sends a photo as it is, not resized)")
      ->check(CLI::IsMember({"image", "video", "voice", "file"}));
  out.push_back({send, [&c, a] {
                   if (a->chat) {
                     if (!a->rest.empty()) return fail("with --chat, give only the file");
                     return cmd_send_file(c, {}, a->chat, a->who, a->caption, a->as);
                   }
                   if (a->rest.empty()) return fail("give the recipient and the file");
                   return cmd_send_file(c, a->who, 0, a->rest.front(), a->caption, a->as);
                 }});
}

void add_download(CLI::App& app, Context& c, Commands& out) {
  struct Args {
    std::string id, output;
    bool preview = false, force = false;
  };
  auto a = std::make_shared<Args>();
  auto* download = app.add_subcommand("download", "download a photo, video, voice note or file by its media id");
  download->add_option("media", a->id, "media id (shown by `listen` and `send-file`)")->required();
  download->add_option("-o,--output", a->output, "where to save it (default: the media id, with its type's extension)");
  download->add_flag("--preview", a->preview, "the small preview (320 px JPEG) of a photo or video instead");
  download->add_flag("--force", a->force, "overwrite the output file if it exists");
  out.push_back({download, [&c, a] { return cmd_download(c, a->id, a->output, a->preview, a->force); }});
}

// The group's or room's id, a positional option of `sub`.
std::shared_ptr<std::int64_t> add_chat_id(CLI::App* sub, const char* description) {
  auto chat = std::make_shared<std::int64_t>(0);
  sub->add_option("chat", *chat, description)->required()->check(CLI::PositiveNumber);
  return chat;
}

void add_group(CLI::App& app, Context& c, Commands& out) {
  auto* group = app.add_subcommand("group", "create and manage groups (up to 256 members)");
  group->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto members = std::make_shared<std::vector<std::string>>();
  auto* create = group->add_subcommand("create", "create a group; you are its admin");
  create->add_option("name", *name, "the group's name")->required();
  create->add_option("members", *members, "members: phone numbers or user ids");
  out.push_back({create, [&c, name, members] { return cmd_create(c, "group", *name, *members, false); }});
  for (const char* op : {"add", "remove", "promote", "demote"}) {
    auto* sub = group->add_subcommand(op, std::string(op) + " members (admins only, unless the group lets members add)");
    auto chat = add_chat_id(sub, "group id");
    auto who = std::make_shared<std::vector<std::string>>();
    sub->add_option("members", *who, "phone numbers or user ids")->required();
    out.push_back({sub, [&c, name = std::string(op), chat, who] { return cmd_change(c, *chat, name, *who, {}); }});
  }
  auto* leave = group->add_subcommand("leave", "leave a group");
  auto leave_chat = add_chat_id(leave, "group id");
  out.push_back({leave, [&c, leave_chat] { return cmd_change(c, *leave_chat, "leave", {}, {}); }});
  auto* rename = group->add_subcommand("rename", "rename a group (admins)");
  auto rename_chat = add_chat_id(rename, "group id");
  auto new_name = std::make_shared<std::string>();
  rename->add_option("name", *new_name, "new name")->required();
  out.push_back({rename, [&c, rename_chat, new_name] { return cmd_change(c, *rename_chat, "rename", {}, *new_name); }});
  auto* info = group->add_subcommand("info", "show a group or room: settings, members, receipts");
  auto info_chat = add_chat_id(info, "chat id");
  out.push_back({info, [&c, info_chat] { return cmd_info(c, *info_chat); }});
}

void add_room(CLI::App& app, Context& c, Commands& out) {
  auto* room = app.add_subcommand("room", "create, join and leave large rooms (channels)");
  room->require_subcommand(1);
  struct Args {
    std::string name;
    bool everyone_posts = false, is_public = false;
    std::string ref;
  };
  auto a = std::make_shared<Args>();
  auto* create = room->add_subcommand("create", "create a room; only admins post unless --everyone-posts");
  create->add_option("name", a->name, "the room's name")->required();
  create->add_flag("--everyone-posts", a->everyone_posts, "let every member post");
  create->add_flag("--public", a->is_public, "anyone may find and join it by its id (default: invite code only)");
  out.push_back({create, [&c, a] { return cmd_create(c, "room", a->name, {}, a->everyone_posts, a->is_public); }});
  auto* join = room->add_subcommand("join", "join a room by id or invite code");
  join->add_option("room", a->ref, "room id or invite code (see `parley room info`)")->required();
  out.push_back({join, [&c, a] { return cmd_join(c, a->ref); }});
  auto* leave = room->add_subcommand("leave", "leave a room");
  auto leave_chat = add_chat_id(leave, "room id");
  out.push_back({leave, [&c, leave_chat] { return cmd_change(c, *leave_chat, "leave", {}, {}); }});
  auto* info = room->add_subcommand("info", "show a room: settings, member count, invite code for admins");
  auto info_chat = add_chat_id(info, "room id");
  out.push_back({info, [&c, info_chat] { return cmd_info(c, *info_chat); }});
}

// The message a command is about: its chat and seq, positional options of `sub`.
struct MessageRef {
  std::string chat;
  std::int64_t seq = 0;
};
std::shared_ptr<MessageRef> add_message_ref(CLI::App* sub) {
  auto r = std::make_shared<MessageRef>();
  sub->add_option("chat", r->chat, kChatHelp)->required();
  sub->add_option("seq", r->seq, "the message's number in the chat (#N in `history` and `listen`)")
      ->required()
      ->check(CLI::PositiveNumber);
  return r;
}

void add_history(CLI::App& app, Context& c, Commands& out) {
  struct Args {
    std::string chat, query;
    std::int64_t before = 0;
    int limit = 50, search_limit = 20, offset = 0;
  };
  auto a = std::make_shared<Args>();
  auto* history = app.add_subcommand("history", "show a chat's messages, the latest page (oldest first)");
  history->add_option("chat", a->chat, kChatHelp)->required();
  history->add_option("--before", a->before, "only messages before this #")->check(CLI::PositiveNumber);
  history->add_option("--limit", a->limit, "messages on the page (default 50, at most 200)")->check(CLI::Range(1, 200));
  out.push_back({history, [&c, a] { return cmd_history(c, a->chat, a->before, a->limit); }});
  auto* search = app.add_subcommand("search", "search the messages of all your chats (matches in [brackets])");
  search->add_option("query", a->query, "words; the last one also matches as a prefix")->required();
  search->add_option("--chat", a->chat, std::string("only this chat: ") + kChatHelp);
  search->add_option("--limit", a->search_limit, "results (default 20, at most 50)")->check(CLI::Range(1, 50));
  search->add_option("--offset", a->offset, "skip this many results (the next page)")->check(CLI::Range(0, 1000));
  out.push_back({search, [&c, a] { return cmd_search(c, a->query, a->chat, a->search_limit, a->offset); }});
  auto* starred = app.add_subcommand("starred", "list the messages you starred, the latest first");
  starred->add_option("--offset", a->offset, "skip this many (the next page)")->check(CLI::NonNegativeNumber);
  out.push_back({starred, [&c, a] { return cmd_starred(c, a->offset); }});
}

void add_message_actions(CLI::App& app, Context& c, Commands& out) {
  auto text = std::make_shared<std::string>();
  auto* reply = app.add_subcommand("reply", "answer a message, quoting it");
  auto reply_ref = add_message_ref(reply);
  reply->add_option("text", *text, "message text")->required();
  out.push_back({reply, [&c, reply_ref, text] { return cmd_reply(c, reply_ref->chat, reply_ref->seq, *text); }});
  auto to = std::make_shared<std::string>();
  auto* forward = app.add_subcommand("forward", "forward a message (its text and media) to a user or a chat");
  auto forward_ref = add_message_ref(forward);
  forward->add_option("to", *to, "a phone number, or a chat id")->required();
  out.push_back({forward, [&c, forward_ref, to] { return cmd_forward(c, forward_ref->chat, forward_ref->seq, *to); }});
  auto* edit = app.add_subcommand("edit", "change the text of a message you sent (within 15 minutes)");
  auto edit_ref = add_message_ref(edit);
  edit->add_option("text", *text, "the new text")->required();
  out.push_back({edit, [&c, edit_ref, text] { return cmd_edit(c, edit_ref->chat, edit_ref->seq, *text); }});
  auto flag = std::make_shared<bool>(false);
  auto* del = app.add_subcommand("delete", "delete a message for you (on all your devices), or for everyone");
  auto del_ref = add_message_ref(del);
  del->add_flag("--for-everyone", *flag, "for everyone: your message within 48 hours, or any message as an admin");
  out.push_back({del, [&c, del_ref, flag] { return cmd_delete(c, del_ref->chat, del_ref->seq, *flag); }});
  auto emoji = std::make_shared<std::string>();
  auto* react = app.add_subcommand("react", "react to a message with an emoji (one per message: another replaces it)");
  auto react_ref = add_message_ref(react);
  react->add_option("emoji", *emoji, "one emoji, e.g. 👍");
  react->add_flag("--remove", *flag, "remove your reaction");
  out.push_back({react, [&c, react_ref, emoji, flag] {
                   if (*flag == !emoji->empty()) return fail("give an emoji, or --remove");
                   return cmd_react(c, react_ref->chat, react_ref->seq, *emoji);
                 }});
  auto* star = app.add_subcommand("star", "star a message (see `parley starred`)");
  auto star_ref = add_message_ref(star);
  star->add_flag("--remove", *flag, "unstar it");
  out.push_back({star, [&c, star_ref, flag] { return cmd_star(c, star_ref->chat, star_ref->seq, !*flag); }});
}

void add_modes(CLI::App& app, Context& c, Commands& out) {
  auto chat = std::make_shared<std::string>(), value = std::make_shared<std::string>();
  auto* mode = app.add_subcommand("chat-mode", "make a chat temporary (messages leave the server once delivered), "
                                               "or permanent again");
  mode->add_option("chat", *chat, kChatHelp)->required();
  mode->add_option("mode", *value, "temporary | permanent")->required()->check(CLI::IsMember({"temporary", "permanent"}));
  out.push_back({mode, [&c, chat, value] { return cmd_chat_mode(c, *chat, *value == "temporary"); }});
  auto* disappear = app.add_subcommand("disappear", "make the messages sent to a chat from now on disappear after a time");
  disappear->add_option("chat", *chat, kChatHelp)->required();
  disappear->add_option("after", *value, "24h | 7d | 90d | off")->required()->check(CLI::IsMember({"24h", "7d", "90d", "off"}));
  out.push_back({disappear, [&c, chat, value] { return cmd_disappear(c, *chat, *value); }});
}

void add_listen(CLI::App& app, Context& c, Commands& out) {
  auto once = std::make_shared<bool>(false), active = std::make_shared<bool>(false);
  auto* listen = app.add_subcommand("listen", "print incoming messages and receipts until Ctrl-C");
  listen->add_flag("--once", *once, "print what is waiting, then exit");
  listen->add_flag("--active", *active, "show as online to others while listening (heartbeats as an open app)");
  out.push_back({listen, [&c, once, active] { return cmd_listen(c, *once, *active); }});
}

void add_presence(CLI::App& app, Context& c, Commands& out) {
  auto who = std::make_shared<std::string>();
  auto follow = std::make_shared<bool>(false);
  auto* presence = app.add_subcommand("presence", "show whether a user is online, or when they were last seen");
  presence->add_option("user", *who, "phone number or user id")->required();
  presence->add_flag("--follow", *follow, "keep printing changes until Ctrl-C");
  out.push_back({presence, [&c, who, follow] { return cmd_presence(c, *who, *follow); }});
}

void add_typing(CLI::App& app, Context& c, Commands& out) {
  auto chat = std::make_shared<std::int64_t>(0);
  auto stop = std::make_shared<bool>(false);
  auto* typing = app.add_subcommand("typing", "show the chat's other members that you are typing");
  typing->add_option("chat", *chat, "chat id (see `parley chats`)")->required()->check(CLI::PositiveNumber);
  typing->add_flag("--stop", *stop, "stop showing it at once");
  out.push_back({typing, [&c, chat, stop] { return cmd_typing(c, *chat, *stop); }});
}

void add_chats(CLI::App& app, Context& c, Commands& out) {
  out.push_back({app.add_subcommand("chats", "list your chats"), [&c] { return cmd_chats(c); }});
}

void add_devices(CLI::App& app, Context& c, Commands& out) {
  auto revoke = std::make_shared<std::int64_t>(0);
  auto* devices = app.add_subcommand("devices", "list your signed-in devices");
  devices->add_option("--revoke", *revoke, "sign out the device with this id");
  out.push_back({devices, [&c, revoke] { return cmd_devices(c, *revoke); }});
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"parley - command-line client for a parley server"};
  app.require_subcommand(1);
  Context c;
  app.add_option("--server", c.server_flag, "server URL, e.g. http://127.0.0.1:8080 (default: the profile's, or that)");
  app.add_option("--profile", c.profile_path, "profile file holding the sign-in (default ~/.config/parley/profile.json)");
  Commands commands;  // in the order `parley --help` lists them
  for (auto add : {add_login, add_send, add_message_actions, add_send_file, add_download, add_history, add_group,
                   add_room, add_modes, add_listen, add_presence, add_typing, add_privacy, add_profile, add_contacts,
                   add_blocks, add_chats, add_chat_settings, add_devices, add_push})
    add(app, c, commands);

  CLI11_PARSE(app, argc, argv);
  try {
    for (const auto& command : commands)
      if (*command.sub) return command.run();
  } catch (const std::exception& e) {
    return fail(std::string("unexpected reply from the server: ") + e.what());
  }
  return 0;
}
