#!/usr/bin/env bash
# The CLI's people and settings commands end to end against a real parleyd: profile set and
# show, another user's profile as their privacy settings let you see it, contacts (add, list,
# lookup, remove), blocks (a blocked user's message never arrives, one sent after the unblock
# does), mute, archive and pin as `parley chats` shows them, push targets, and what `listen`
# on another device prints of these changes.
# Usage: cli_people_test.sh PARLEYD PARLEY [SERVICES-STATE] (cli_setup.sh).
set -euo pipefail
source "$(dirname "$0")/cli_setup.sh"
# Users 1, 2 and 3 (Ana's second sign-in last: on PostgreSQL it may use up a user id).
login +14155550101 "$dir/a.json" | grep -q "Signed in as +14155550101"
login +14155550102 "$dir/b.json" | grep -q "Signed in as +14155550102"
login +14155550103 "$dir/c.json" | grep -q "Signed in as +14155550103"
login +14155550101 "$dir/a2.json" | grep -q "Signed in as +14155550101 (user 1, device 4)"  # her second device
a=(--profile "$dir/a.json") a2=(--profile "$dir/a2.json") b=(--profile "$dir/b.json") c=(--profile "$dir/c.json")
# shown PATTERN: Ana's second device's listen printed a line matching it (at most 10 s).
shown() { eventually grep -q -- "$1" "$dir/a2.listen" || { echo "listen never printed: $1" && cat "$dir/a2.listen" && return 1; }; }

# Your own profile: nothing set yet, then a name and an about line, then previews off.
run "${a[@]}" profile
has "^user 1  +14155550101$"
has "^name: (none)$"
has "^notification previews: on"
run "${a[@]}" profile set --name "Ana Lima" --about "at work"
has "^name: Ana Lima$"
has "^about: at work$"
run "${a[@]}" profile set --previews off
has "^notification previews: off"
has "^name: Ana Lima$"  # a field not given stays
run "${a[@]}" profile
has "^about: at work$"
fails "give --name" "${a[@]}" profile set
fails "bad_frame" "${a[@]}" profile set --about "$(printf 'x%.0s' {1..141})"
run "${b[@]}" profile set --name "Bo"
has "^name: Bo$"
# Nobody knows Ana yet: her profile is as hidden as an id nobody has.
fails "unknown to you" "${b[@]}" profile 1
fails "unknown to you" "${b[@]}" profile 999

# From here Ana's second device listens; Bo's first message shows it is connected.
"$parley" "${a2[@]}" listen >"$dir/a2.listen" 2>&1 &
echo $! >"$dir/a2.pid"
run "${b[@]}" send +14155550101 "hello Ana"
has "sent (chat 1, #1"
shown "chat 1 #1 from 2: hello Ana$"
run "${b[@]}" profile 1  # Bo found her number, and they share a chat now
has "^user 1  name: Ana Lima  phone: +14155550101  about: at work$"

# Contacts: saved with a name of your choosing, on all your devices; the number normalised.
run "${a[@]}" contacts list
has "^no saved contacts$"
run "${a[@]}" contacts add "+1 415-555-0102" "Bobby"
has "^saved +14155550102 as Bobby (user 2)$"
shown "^\[contact\] user 2 saved as Bobby$"
run "${a[@]}" contacts list
has "^user 2  contact: Bobby  name: Bo  phone: +14155550102$"
fails "not on parley" "${a[@]}" contacts add +14155550199 "Nobody"
fails "invalid" "${a[@]}" contacts add +14155550101 "Me"
run "${a[@]}" contacts lookup +14155550102 +14155550103 +14155550199
has "^user 2  .*name: Bo  phone: +14155550102"
has "^user 3  phone: +14155550103$"
[[ $(count "^user ") == 2 ]]
run "${a[@]}" contacts lookup +14155550199
has "^not on parley$"
run "${a[@]}" profile +14155550102
has "^user 2  contact: Bobby  name: Bo  phone: +14155550102$"
# Ana's profile changes reach her other device.
run "${a[@]}" profile set --about "in a meeting"
shown "^\[profile\] user 1  name: Ana Lima  about: in a meeting$"

# The chat list names the other by the name you saved, else theirs, else their phone.
run "${a[@]}" chats
has "^chat 1  Bobby (+14155550102, user 2)  1 messages"
run "${b[@]}" chats
has "^chat 1  Ana Lima (+14155550101, user 1)  1 messages"
# Privacy of the profile: name hidden from everyone; then from all but Ana's contacts, which
# Bo is (she saved him) and Carol is not.
run "${a[@]}" privacy --name nobody
has "^name: nobody$"
has "^last seen and online: everyone$"
run "${b[@]}" chats
has "^chat 1  +14155550101 (user 1)  1 messages"
run "${b[@]}" profile 1
lacks "name:"
has "about: in a meeting"
run "${a[@]}" privacy --name contacts --about contacts
has "^name: contacts"
has "^about: contacts"
run "${b[@]}" profile 1
has "^user 1  name: Ana Lima  phone: +14155550101  about: in a meeting$"
run "${c[@]}" contacts lookup +14155550101
has "^user 1  phone: +14155550101$"
run "${a[@]}" privacy last-seen contacts --name everyone  # an option after the subcommand too
has "^name: everyone$"
has "^last seen and online: contacts"
run "${c[@]}" profile +14155550101
has "^user 1  name: Ana Lima  phone: +14155550101$"
fails "nobody" "${a[@]}" privacy --photo friends  # CLI11 lists the choices

# Blocks: Carol writes; once blocked, her message never reaches Ana (not even after the
# unblock), Ana may not write to her, and what Carol sends after the unblock arrives.
run "${c[@]}" send +14155550101 "hello from Carol"
has "sent (chat 2, #1"
run "${a[@]}" listen --once
has "chat 2 #1 from 3: hello from Carol$"
run "${a[@]}" block +14155550103
has "^blocked user 3 "
shown "^\[blocks\] blocked: user 3$"
run "${a[@]}" blocks
has "^user 3  .*blocked$"
run "${c[@]}" send +14155550101 "are you there?"
has "sent (chat 2, #"  # Carol gets her ack as usual
fails "forbidden" "${a[@]}" send +14155550103 "hi Carol"
run "${a[@]}" listen --once
lacks "are you there"
run "${a[@]}" unblock 3
has "^unblocked user 3$"
shown "^\[blocks\] no one is blocked$"
run "${a[@]}" blocks
has "^no one is blocked$"
run "${c[@]}" send +14155550101 "back again"
has "sent (chat 2, #"
run "${a[@]}" listen --once
has "chat 2 #[0-9]* from 3: back again$"
lacks "are you there"
run "${a[@]}" history 2
has "from 3: hello from Carol$"
has "from 3: back again$"
lacks "are you there"
fails "does not exist" "${a[@]}" block 999

# Chat settings: mute, archive and pin, on all Ana's devices and in `parley chats`: pinned
# chats first, archived ones last, archived staying archived when a message comes.
run "${a[@]}" mute +14155550102
has "^chat 1: muted until 20[0-9-]* [0-9:]*, not archived, not pinned$"
shown "^\[chat settings\] chat 1: muted until "
run "${a[@]}" mute 2 --for always
has "^chat 2: muted for ever, not archived, not pinned$"
run "${a[@]}" archive 2
has "^chat 2: muted for ever, archived, not pinned$"
run "${a[@]}" pin 1
has "^chat 1: muted until .*, pinned$"
run "${c[@]}" send +14155550101 "still there?"
has "sent (chat 2, #"
run "${a[@]}" group create hikers +14155550102
has "group 3 created: hikers"
run "${a[@]}" chats
has "^chat 1  Bobby (+14155550102, user 2)  1 messages.*  (pinned)  (muted until 20[0-9-]* [0-9:]*)$"
has "^chat 2  +14155550103 (user 3)  [0-9]* messages, [0-9]* unread  (muted)  (archived)$"
[[ $(grep -E "^(chat|group) " "$dir/out" | head -n1) == "chat 1 "* ]]  # pinned, though group 3 is newer
[[ $(grep -E "^(chat|group) " "$dir/out" | tail -n1) == "chat 2 "* ]]  # archived, though it has news
run "${a[@]}" unarchive 2
has "^chat 2: muted for ever, not archived, not pinned$"
run "${a[@]}" group create climbers +14155550102
has "group 4 created: climbers"
run "${a[@]}" pin 3
run "${a[@]}" pin 4
has "^chat 4: not muted, not archived, pinned$"
fails "at most 3" "${a[@]}" pin 2
fails "not in chat 2" "${b[@]}" mute 2
run "${a[@]}" unmute 1
has "^chat 1: not muted, not archived, pinned$"
for chat in 1 3 4; do run "${a[@]}" unpin "$chat"; done
run "${a[@]}" chats
lacks "(pinned)"
lacks "(archived)"
lacks "^chat 1 .*(muted"
has "^chat 2 .*  (muted)$"

# Removing a contact: the chat list falls back to Bo's own name.
run "${a[@]}" contacts remove +14155550102
has "^removed user 2 from your contacts$"
shown "^\[contact\] user 2 removed$"
fails "not one of your contacts" "${a[@]}" contacts remove 2
run "${a[@]}" contacts list
has "^no saved contacts$"
run "${a[@]}" chats
has "^chat 1  Bo (+14155550102, user 2)"

# Push targets: the development provider `log`, registered, listed for all devices, removed.
run "${a[@]}" push config
has "^providers: .*log"
run "${a[@]}" push register log dev-token
has "^push target [0-9]* (log) registered for this device$"
run "${a[@]}" push register log dev-token-2  # the same provider again replaces it
has "^push target [0-9]* (log) registered"
run "${a2[@]}" push list
[[ $(count "^target ") == 1 ]]
has "^target [0-9]*  log  device 1  since "
lacks "(this device)"  # Ana's first device registered it
run "${a[@]}" push list
has "^target [0-9]*  log  device 1 (this device)"
target=$(awk '/^target / {print $2}' "$dir/out")
fails "no push target" "${b[@]}" push remove "$target"
run "${a[@]}" push remove "$target"
has "^push target $target removed$"
run "${a[@]}" push list
has "^no push targets$"
fails "webpush" "${a[@]}" push register webpush not-json

kill "$(cat "$dir/a2.pid")"; wait "$(cat "$dir/a2.pid")" 2>/dev/null || true
echo "cli people test passed"
