// parley: the command-line client. `parley --help` lists the commands. This file builds
// the command line (CLI11) and runs the one command given; the commands live in
// commands.h's files, what they print in render.h.
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"

using namespace parley::cli;

namespace {

// A subcommand and what runs when it is the one given.
struct Command {
  CLI::App* sub;
  std::function<int()> run;
};
using Commands = std::vector<Command>;

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

void add_privacy(CLI::App& app, Context& c, Commands& out) {
  auto visibility = std::make_shared<std::string>();
  auto* privacy = app.add_subcommand("privacy", "show or change who sees your last seen and online state");
  auto* last_seen = privacy->add_subcommand("last-seen", "set who sees your last seen and online state");
  last_seen->add_option("who", *visibility, "everyone | contacts (one-to-one chats) | nobody")
      ->required()
      ->check(CLI::IsMember({"everyone", "contacts", "nobody"}));
  out.push_back({privacy, [&c, visibility] { return cmd_privacy(c, *visibility); }});
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
  for (auto add : {add_login, add_send, add_send_file, add_download, add_group, add_room, add_listen, add_presence,
                   add_typing, add_privacy, add_chats, add_devices})
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
