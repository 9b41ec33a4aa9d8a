// The command line of the commands about people and your settings: privacy, profile,
// contacts, blocks, chat settings (mute, archive, pin) and push targets.
#include <memory>
#include <string>

#include "cli/command_line.h"
#include "cli/commands.h"

namespace parley::cli {

namespace {

constexpr const char* kUserHelp = "user id or phone number";
constexpr const char* kVisibility = "everyone | contacts (saved, or a two-way one-to-one chat) | nobody";

}  // namespace

void add_privacy(CLI::App& app, Context& c, Commands& out) {
  auto change = std::make_shared<client::PrivacySettings>();
  auto* privacy = app.add_subcommand("privacy", "show or change who sees your last seen, online state and profile");
  auto visibility = CLI::IsMember({"everyone", "contacts", "nobody"});
  privacy->add_option("--name", change->name, std::string("who sees your name: ") + kVisibility)->check(visibility);
  privacy->add_option("--about", change->about, std::string("who sees your about line: ") + kVisibility)
      ->check(visibility);
  privacy->add_option("--photo", change->photo, std::string("who sees your profile photo: ") + kVisibility)
      ->check(visibility);
  auto* last_seen = privacy->add_subcommand("last-seen", "set who sees your last seen and online state");
  last_seen->fallthrough();  // `privacy last-seen nobody --name contacts` sets both
  last_seen->add_option("who", change->last_seen, kVisibility)->required()->check(visibility);
  out.push_back({privacy, [&c, change] { return cmd_privacy(c, *change); }});
}

void add_profile(CLI::App& app, Context& c, Commands& out) {
  struct Args {
    std::string who, name, about, previews;
  };
  auto a = std::make_shared<Args>();
  auto* profile = app.add_subcommand("profile", "show your profile, or another user's as you may see it");
  profile->add_option("user", a->who, std::string("their ") + kUserHelp + " (default: you)");
  auto* set = profile->add_subcommand("set", "change your name, about line or notification previews");
  auto* name = set->add_option("--name", a->name, "your display name, up to 64 characters (\"\" removes it)");
  auto* about = set->add_option("--about", a->about, "a line about you, up to 140 characters");
  auto* previews = set->add_option("--previews", a->previews, "on: notifications show the sender and the text; "
                                                              "off: \"New message\" only")
                       ->check(CLI::IsMember({"on", "off"}));
  out.push_back({set, [&c, a, name, about, previews] {
                   client::ProfileChange change;
                   if (name->count()) change.name = a->name;
                   if (about->count()) change.about = a->about;
                   if (previews->count()) change.previews = a->previews == "on";
                   return cmd_set_profile(c, change);
                 }});
  out.push_back({profile, [&c, a] { return cmd_profile(c, a->who); }});
}

void add_contacts(CLI::App& app, Context& c, Commands& out) {
  struct Args {
    std::string phone, name, who;
    std::vector<std::string> phones;
  };
  auto a = std::make_shared<Args>();
  auto* contacts = app.add_subcommand("contacts", "your saved contacts, on all your devices");
  contacts->require_subcommand(1);
  out.push_back({contacts->add_subcommand("list", "list your saved contacts"), [&c] { return cmd_contacts(c); }});
  auto* add = contacts->add_subcommand("add", "save someone as a contact, or rename a contact");
  add->add_option("phone", a->phone, "their phone number")->required();
  add->add_option("name", a->name, "the name you know them by")->required();
  out.push_back({add, [&c, a] { return cmd_add_contact(c, a->phone, a->name); }});
  auto* remove = contacts->add_subcommand("remove", "remove a saved contact");
  remove->add_option("user", a->who, kUserHelp)->required();
  out.push_back({remove, [&c, a] { return cmd_remove_contact(c, a->who); }});
  auto* lookup = contacts->add_subcommand("lookup", "which of these phone numbers are on parley");
  lookup->add_option("phones", a->phones, "phone numbers (at most 256)")->required();
  out.push_back({lookup, [&c, a] { return cmd_lookup(c, a->phones); }});
}

void add_blocks(CLI::App& app, Context& c, Commands& out) {
  auto who = std::make_shared<std::string>();
  auto* block = app.add_subcommand("block", "block a user: their messages to you are no longer delivered");
  block->add_option("user", *who, kUserHelp)->required();
  out.push_back({block, [&c, who] { return cmd_block(c, *who, true); }});
  auto* unblock = app.add_subcommand("unblock", "unblock a user (what they sent meanwhile stays undelivered)");
  unblock->add_option("user", *who, kUserHelp)->required();
  out.push_back({unblock, [&c, who] { return cmd_block(c, *who, false); }});
  out.push_back({app.add_subcommand("blocks", "list the users you block"), [&c] { return cmd_blocks(c); }});
}

void add_chat_settings(CLI::App& app, Context& c, Commands& out) {
  auto chat = std::make_shared<std::string>(), period = std::make_shared<std::string>("8h");
  auto* mute = app.add_subcommand("mute", "mute a chat: no push notifications from it (messages still arrive)");
  mute->add_option("chat", *chat, kChatHelp)->required();
  mute->add_option("--for", *period, "8h (default) | 1w | always")->check(CLI::IsMember({"8h", "1w", "always"}));
  out.push_back({mute, [&c, chat, period] { return cmd_chat_settings(c, *chat, {.mute = *period}); }});
  auto* unmute = app.add_subcommand("unmute", "unmute a chat");
  unmute->add_option("chat", *chat, kChatHelp)->required();
  out.push_back({unmute, [&c, chat] { return cmd_chat_settings(c, *chat, {.mute = "off"}); }});
  // archive, unarchive, pin, unpin: one flag each way.
  struct Toggle {
    const char* name;
    const char* help;
    bool archive, on;
  };
  for (auto t : {Toggle{"archive", "archive a chat (it stays archived when messages come)", true, true},
                 Toggle{"unarchive", "bring an archived chat back to the list", true, false},
                 Toggle{"pin", "pin a chat to the top of the list (at most 3)", false, true},
                 Toggle{"unpin", "unpin a chat", false, false}}) {
    auto* sub = app.add_subcommand(t.name, t.help);
    sub->add_option("chat", *chat, kChatHelp)->required();
    client::ChatSettingsChange change;
    (t.archive ? change.archived : change.pinned) = t.on;
    out.push_back({sub, [&c, chat, change] { return cmd_chat_settings(c, *chat, change); }});
  }
}

void add_push(CLI::App& app, Context& c, Commands& out) {
  struct Args {
    std::string provider, token;
    std::int64_t target = 0;
  };
  auto a = std::make_shared<Args>();
  auto* push = app.add_subcommand("push", "where this device's push notifications go");
  push->require_subcommand(1);
  auto* reg = push->add_subcommand("register", "send this device's notifications through a provider "
                                               "(replaces its earlier target of that provider)");
  reg->add_option("provider", a->provider, "webpush | fcm | apns | webhook | log (see `parley push config`)")
      ->required()
      ->check(CLI::IsMember({"webpush", "fcm", "apns", "webhook", "log"}));
  reg->add_option("token", a->token, "the provider's token for this device; for webpush the subscription as JSON")
      ->required();
  out.push_back({reg, [&c, a] { return cmd_push_register(c, a->provider, a->token); }});
  out.push_back({push->add_subcommand("list", "list the push targets of all your devices"),
                 [&c] { return cmd_push_list(c); }});
  auto* remove = push->add_subcommand("remove", "remove a push target");
  remove->add_option("target", a->target, "target id (see `parley push list`)")->required()->check(CLI::PositiveNumber);
  out.push_back({remove, [&c, a] { return cmd_push_remove(c, a->target); }});
  out.push_back({push->add_subcommand("config", "the providers this server sends through"),
                 [&c] { return cmd_push_config(c); }});
}

}  // namespace parley::cli
