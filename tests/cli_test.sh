#!/usr/bin/env bash
# The parley CLI end to end against a real parleyd: login with the code from the log,
# send, listen --once, chats, devices, presence, privacy, typing, groups, rooms, media, errors.
# Usage: cli_test.sh PARLEYD PARLEY [SERVICES-STATE] (cli_setup.sh). Message actions,
# history and search: cli_messages_test.sh.
set -euo pipefail
PARLEYD_EXTRA=(--set presence.typing_timeout_ms=300 --set presence.online_threshold_ms=1000
  --set presence.heartbeat_ms=300)
source "$(dirname "$0")/cli_setup.sh"
"$parley" --server "$url" --profile "$dir/a.json" login +14155550101 --code 999999 2>"$dir/err" && exit 1
grep -q "code_invalid" "$dir/err"
login +14155550101 "$dir/a.json" | grep -q "Signed in as +14155550101"
login +14155550102 "$dir/b.json" | grep -q "Signed in as +14155550102"

"$parley" --profile "$dir/a.json" send +14155550102 "hello from the CLI" | grep -q "sent (chat 1, #1"
"$parley" --profile "$dir/b.json" listen --once >"$dir/b.out"  # to a file: grep -q on a pipe may SIGPIPE parley
grep -q "hello from the CLI" "$dir/b.out"
# Every message waiting is printed, also when the first frames come before the main thread
# runs again (the printing callbacks were once set after the connection started: lost under load).
for i in 1 2 3 4 5 6 7 8; do
  "$parley" --profile "$dir/a.json" send +14155550102 "waiting $i" >/dev/null
  "$parley" --profile "$dir/b.json" listen --once >"$dir/b.out"
  grep -q "waiting $i" "$dir/b.out"
done
"$parley" --profile "$dir/b.json" chats | grep -q "+14155550101"
"$parley" --profile "$dir/a.json" devices | grep -q "(this device)"
# Presence, privacy and typing. Polls are bounded (at most 10 s each).
"$parley" --profile "$dir/a.json" privacy | grep -q "last seen and online: everyone"
"$parley" --profile "$dir/a.json" presence +14155550102 | grep -q "offline, never seen"
"$parley" --profile "$dir/a.json" presence --follow +14155550102 >"$dir/follow" 2>&1 &
echo $! >"$dir/follow.pid"
"$parley" --profile "$dir/b.json" listen --active >"$dir/listen" 2>&1 &
echo $! >"$dir/listen.pid"
online() { "$parley" --profile "$dir/a.json" presence +14155550102 | grep -q ": online"; }
eventually online
"$parley" --profile "$dir/a.json" typing 1 | grep -q "typing in chat 1"
typing_shown() { grep -q "\[typing\] chat 1: user 1 is typing" "$dir/listen" && grep -q "user 1 stopped typing" "$dir/listen"; }
eventually typing_shown
kill "$(cat "$dir/listen.pid")"; wait "$(cat "$dir/listen.pid")" 2>/dev/null || true
# --follow printed bob online, then (his listen gone) his last seen.
followed() { grep -q ": online" "$dir/follow" && grep -q ": last seen" "$dir/follow"; }
eventually followed
kill "$(cat "$dir/follow.pid")"; wait "$(cat "$dir/follow.pid")" 2>/dev/null || true
"$parley" --profile "$dir/b.json" privacy last-seen nobody | grep -q "last seen and online: nobody"
"$parley" --profile "$dir/a.json" presence 2 | grep -q "hidden"
"$parley" --profile "$dir/b.json" privacy last-seen contacts | grep -q "contacts"
# Contacts are two-way: a wrote to b, but until b answers, a is not b's contact.
"$parley" --profile "$dir/a.json" presence +14155550102 | grep -q "hidden"
"$parley" --profile "$dir/b.json" send +14155550101 "hi back" | grep -q "sent (chat 1, #10"
"$parley" --profile "$dir/a.json" presence +14155550102 | grep -Eq "online|last seen"
! "$parley" --profile "$dir/a.json" presence 999999 2>"$dir/err"
grep -q "does not exist" "$dir/err"
! "$parley" --profile "$dir/a.json" privacy last-seen friends 2>"$dir/err"
grep -q "friends" "$dir/err"
! "$parley" --profile "$dir/b.json" typing 99 2>"$dir/err"
grep -q "no_such_chat" "$dir/err"
# Groups and rooms: create, add, send by chat id, system messages, admin rights, info.
login +14155550103 "$dir/c.json" | grep -q "Signed in as +14155550103"
"$parley" --profile "$dir/a.json" group create team +14155550102 | grep -q "group 2 created: team"
"$parley" --profile "$dir/a.json" group add 2 +14155550103 | grep -q "done (chat 2, #2)"
"$parley" --profile "$dir/a.json" send --chat 2 "hello team" | grep -q "sent (chat 2, #3"
"$parley" --profile "$dir/c.json" listen --once >"$dir/c.out"
grep -q "hello team" "$dir/c.out"
grep -q '\* added \[' "$dir/c.out"
! "$parley" --profile "$dir/b.json" group add 2 +14155550101 2>"$dir/err"
grep -q "forbidden" "$dir/err"
"$parley" --profile "$dir/a.json" group info 2 >"$dir/info"
grep -q "members: 3, you are admin" "$dir/info"
"$parley" --profile "$dir/a.json" group promote 2 +14155550102 | grep -q "done"
"$parley" --profile "$dir/b.json" group remove 2 +14155550103 | grep -q "done"
! "$parley" --profile "$dir/c.json" send --chat 2 "still here?" 2>"$dir/err"
grep -q "not_member" "$dir/err"
"$parley" --profile "$dir/b.json" group leave 2 | grep -q "done"
"$parley" --profile "$dir/a.json" chats >"$dir/chats"
grep -q "group 2  team (1 members)" "$dir/chats"
"$parley" --profile "$dir/a.json" room create --public news | grep -q "room 3 created: news"
invite=$("$parley" --profile "$dir/a.json" room info 3 | awk '/invite code/ {print $3}')
[[ -n $invite ]]
"$parley" --profile "$dir/b.json" room join "$invite" | grep -q "joined room 3"
"$parley" --profile "$dir/c.json" room join 3 | grep -q "joined room 3"
"$parley" --profile "$dir/a.json" send --chat 3 "breaking news" | grep -q "sent (chat 3"
"$parley" --profile "$dir/b.json" listen --once >"$dir/b.out"
grep -q "breaking news" "$dir/b.out"
! "$parley" --profile "$dir/b.json" send --chat 3 "me too" 2>"$dir/err"
grep -q "forbidden" "$dir/err"
"$parley" --profile "$dir/b.json" room leave 3 | grep -q "done"
"$parley" --profile "$dir/a.json" room info 3 >"$dir/info"
grep -q "members: 2" "$dir/info"
! "$parley" --profile "$dir/a.json" room join no-such-invite 2>"$dir/err"
grep -q "not_found" "$dir/err"
grep -q "public: anyone may join by id" "$dir/info"
# Rooms are private unless created --public: not joinable (nor visible) by id.
"$parley" --profile "$dir/a.json" room create secret | grep -q "room 4 created: secret"
! "$parley" --profile "$dir/c.json" room join 4 2>"$dir/err"
grep -q "no_such_chat" "$dir/err"
! "$parley" --profile "$dir/a.json" send --chat 3 2>"$dir/err"
# Media: a sends b a photo (a 2x2 PNG, which the server turns into a JPEG) and a file big
# enough to go up in several chunks; b downloads both by id (the file byte for byte, also
# resuming a partial download), listen shows them, and c, in no chat with them, may not.
printf '%s' 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJRU5ErkJggg==' |
  base64 -d >"$dir/dot.png"
"$parley" --profile "$dir/a.json" send-file +14155550102 "$dir/dot.png" --caption "a red dot" >"$dir/sent"
grep -q "sent (chat 1, #" "$dir/sent"
grep -q "\[photo 2x2 " "$dir/sent"
photo=$(awk '/^media / {print $2}' "$dir/sent")
[[ $photo =~ ^[0-9a-f]{64}$ ]]
seq 1 260000 >"$dir/numbers.txt"  # 1.7 MB: a POST and two PATCHes
"$parley" --profile "$dir/a.json" send-file --chat 1 "$dir/numbers.txt" >"$dir/sent"
grep -q "\[file numbers.txt 1.7 MB\]" "$dir/sent"
file=$(awk '/^media / {print $2}' "$dir/sent")
"$parley" --profile "$dir/b.json" listen --once >"$dir/b.out"
grep -q "\[photo 2x2 [0-9]* B\] a red dot (media $photo)" "$dir/b.out"
grep -q "\[file numbers.txt 1.7 MB\] (media $file)" "$dir/b.out"
"$parley" --profile "$dir/b.json" download "$file" -o "$dir/got.txt" | grep -q "saved $dir/got.txt"
cmp "$dir/numbers.txt" "$dir/got.txt"
head -c 1000000 "$dir/numbers.txt" >"$dir/again.txt.part"  # what an interrupted download left
"$parley" --profile "$dir/b.json" download "$file" -o "$dir/again.txt" >/dev/null
cmp "$dir/numbers.txt" "$dir/again.txt"
! "$parley" --profile "$dir/b.json" download "$file" -o "$dir/got.txt" 2>"$dir/err"
grep -q "exists" "$dir/err"
(exe=$(realpath "$parley") && cd "$dir" && "$exe" --profile "$dir/b.json" download "$photo" >/dev/null)  # to ./ID.jpg
[[ $(head -c 2 "$dir/$photo.jpg" | od -An -tx1 | tr -d ' \n') == ffd8 ]]  # a JPEG
! "$parley" --profile "$dir/c.json" download "$photo" -o "$dir/stolen" 2>"$dir/err"
grep -q "not_found" "$dir/err"
[[ ! -e "$dir/stolen" && ! -e "$dir/stolen.part" ]]
# Errors are clear messages with a non-zero exit.
! "$parley" --profile "$dir/a.json" send +14155550199 "nobody" 2>"$dir/err"
grep -q "not on parley" "$dir/err"
! "$parley" --profile "$dir/none.json" chats 2>"$dir/err"
grep -q "not signed in" "$dir/err"
! "$parley" --server "http://127.0.0.1:1" --profile "$dir/a.json" chats 2>"$dir/err"
grep -q "cannot reach" "$dir/err"
echo "cli test passed"
