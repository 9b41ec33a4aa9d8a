// The parley CLI's commands, one function each, in groups: account.cc (login, devices),
// messaging.cc (send, listen, chats), history.cc (history, search, starred), actions.cc
// (reply, forward, edit, delete, react, star), media.cc (send-file, download), groups.cc
// (groups and rooms), modes.cc (chat-mode, disappear), presence.cc (presence, privacy,
// typing), people.cc (profile, contacts, blocks), chat_settings.cc (mute, archive, pin),
// push.cc (push targets). Each returns the process's exit code; what it prints is in
// render.h. A `chat` given as a string is a chat id or the phone number of a one-to-one chat
// (resolve_chat).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/context.h"
#include "parley/chat_settings.h"
#include "parley/connection.h"
#include "parley/people.h"

namespace parley::client {
class Session;
}

namespace parley::cli {

// account.cc
int cmd_login(Context& c, const std::string& phone, std::string code, const std::string& device_name);
// Lists the devices, or signs out device `revoke` (> 0).
int cmd_devices(Context& c, std::int64_t revoke);

// messaging.cc: to a user (`who`: phone or user id) or to `chat` (not 0), never both.
int cmd_send(Context& c, const std::string& who, std::int64_t chat, const std::string& text);
int cmd_listen(Context& c, bool once, bool active);
int cmd_chats(Context& c);
// Waits for the ack of the send with client id `id` and prints it; the exit code.
int await_sent(Context& c, client::Session& s, const std::string& id);

// history.cc. `before`: only messages before this seq (0: the newest).
int cmd_history(Context& c, const std::string& chat, std::int64_t before, int limit);
// `chat` empty: every chat of the user.
int cmd_search(Context& c, const std::string& query, const std::string& chat, int limit, int offset);
int cmd_starred(Context& c, int offset);

// actions.cc: message `seq` of `chat`. `to`: a phone number or a chat id.
int cmd_reply(Context& c, const std::string& chat, std::int64_t seq, const std::string& text);
int cmd_forward(Context& c, const std::string& chat, std::int64_t seq, const std::string& to);
int cmd_edit(Context& c, const std::string& chat, std::int64_t seq, const std::string& text);
int cmd_delete(Context& c, const std::string& chat, std::int64_t seq, bool for_everyone);
// `emoji` empty: removes your reaction.
int cmd_react(Context& c, const std::string& chat, std::int64_t seq, const std::string& emoji);
int cmd_star(Context& c, const std::string& chat, std::int64_t seq, bool starred);

// modes.cc. `period`: 24h | 7d | 90d | off.
int cmd_chat_mode(Context& c, const std::string& chat, bool temporary);
int cmd_disappear(Context& c, const std::string& chat, const std::string& period);

// media.cc. `as`: image | video | voice | file, or empty (from the file's extension).
int cmd_send_file(Context& c, const std::string& who, std::int64_t chat, const std::string& path,
                  const std::string& caption, const std::string& as);
// `output` empty: the media id, with the extension of its type. Resumes a PATH.part left by
// an interrupted download.
int cmd_download(Context& c, const std::string& id, std::string output, bool preview, bool force);

// groups.cc
int cmd_create(Context& c, const std::string& kind, const std::string& name, const std::vector<std::string>& who,
               bool everyone_posts, bool is_public = false);
// `op`: add, remove, promote, demote (of `who`), leave, or rename (to `value`).
int cmd_change(Context& c, std::int64_t chat, const std::string& op, const std::vector<std::string>& who,
               const std::string& value);
// `room`: a room id or an invite code.
int cmd_join(Context& c, const std::string& room);
int cmd_info(Context& c, std::int64_t chat);

// presence.cc
int cmd_presence(Context& c, const std::string& who, bool follow);
// Sets the settings of `change` that are not empty, then shows them all.
int cmd_privacy(Context& c, const client::PrivacySettings& change);
int cmd_typing(Context& c, std::int64_t chat, bool stop);

// people.cc. A user (`who`) is a user id or a phone number (resolve_user).
// `who` empty: your own profile; else theirs as you may see it.
int cmd_profile(Context& c, const std::string& who);
int cmd_set_profile(Context& c, const client::ProfileChange& change);
int cmd_contacts(Context& c);
int cmd_add_contact(Context& c, const std::string& phone, const std::string& name);
int cmd_remove_contact(Context& c, const std::string& who);
int cmd_lookup(Context& c, const std::vector<std::string>& phones);
// Blocks `who` (block) or unblocks them.
int cmd_block(Context& c, const std::string& who, bool block);
int cmd_blocks(Context& c);

// chat_settings.cc: mute, archive, pin; prints the chat's settings after the change.
int cmd_chat_settings(Context& c, const std::string& chat, const client::ChatSettingsChange& change);

// push.cc. For webpush, `push_token` is the browser's subscription as JSON.
int cmd_push_register(Context& c, const std::string& provider, const std::string& push_token);
int cmd_push_list(Context& c);
int cmd_push_remove(Context& c, std::int64_t target);
int cmd_push_config(Context& c);

}  // namespace parley::cli
