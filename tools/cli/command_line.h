// How main.cc builds the command line (CLI11): each add_* declares one group of subcommands
// and what runs when one of them is given. main.cc holds the groups about messages, chats and
// the account; command_line_people.cc those about people and your settings.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

#include "cli/context.h"

namespace parley::cli {

// A subcommand and what runs when it is the one given. The first in a Commands whose
// subcommand was given runs, so a nested subcommand goes before its parent.
struct Command {
  CLI::App* sub;
  std::function<int()> run;
};
using Commands = std::vector<Command>;

// How commands name a chat (cli/context.h resolve_chat).
inline constexpr const char* kChatHelp = "chat id (see `parley chats`), or the phone number of a one-to-one chat";

// command_line_people.cc
void add_privacy(CLI::App& app, Context& c, Commands& out);        // privacy [--name ...] [last-seen W]
void add_profile(CLI::App& app, Context& c, Commands& out);        // profile [USER], profile set
void add_contacts(CLI::App& app, Context& c, Commands& out);       // contacts list | add | remove | lookup
void add_blocks(CLI::App& app, Context& c, Commands& out);         // block, unblock, blocks
void add_chat_settings(CLI::App& app, Context& c, Commands& out);  // mute, unmute, (un)archive, (un)pin
void add_push(CLI::App& app, Context& c, Commands& out);           // push register | list | remove | config

}  // namespace parley::cli
