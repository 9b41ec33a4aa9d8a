#!/usr/bin/env bash
# The CLI's message actions end to end against a real parleyd: reply (with its quote), edit,
# react, star and starred, history pages, search (also a non-Latin word), forward, delete
# for me and for everyone, the chat modes (temporary, disappearing), and what listen prints
# of them. Usage: cli_messages_test.sh PARLEYD PARLEY [SERVICES-STATE] (cli_setup.sh).
set -euo pipefail
source "$(dirname "$0")/cli_setup.sh"
login +14155550101 "$dir/a.json" | grep -q "Signed in as +14155550101"
login +14155550102 "$dir/b.json" | grep -q "Signed in as +14155550102"
login +14155550103 "$dir/c.json" | grep -q "Signed in as +14155550103"
a=(--profile "$dir/a.json") b=(--profile "$dir/b.json") c=(--profile "$dir/c.json")

run "${a[@]}" send +14155550102 "coffee at noon?"
has "sent (chat 1, #1"
run "${b[@]}" reply +14155550101 1 "yes, coffee sounds good"
has "sent (chat 1, #2"
run "${b[@]}" send +14155550101 "Привет, как дела"
has "sent (chat 1, #3"
fails "no_such_message" "${b[@]}" reply 1 99 "to nothing"
# Edit: the sender's own message only. A chat is named by its id or by the other's phone.
run "${a[@]}" edit 1 1 "coffee at one?"
has "edited (chat 1, #1)"
fails "forbidden" "${b[@]}" edit 1 1 "mine now"
# Reactions: one per user; the same again changes nothing; --remove takes it back.
run "${b[@]}" react 1 1 "👍"
has "reacted 👍 (chat 1, #1)"
run "${b[@]}" react 1 1 "👍"
has "nothing to change (chat 1, #1)"
run "${a[@]}" react +14155550102 1 "👍"
has "reacted 👍 (chat 1, #1)"
run "${a[@]}" react 1 2 "❤️"
has "reacted ❤️ (chat 1, #2)"
run "${a[@]}" react 1 2 --remove
has "reaction removed (chat 1, #2)"
fails "emoji" "${a[@]}" react 1 2 "not an emoji"
run "${a[@]}" star 1 2
has "starred (chat 1, #2)"
# History, oldest first: edits, reactions, the quote of a reply as the quoted message is now.
run "${a[@]}" history 1
has "chat 1 #1 from 1 (you): coffee at one? (edited) (reactions: 👍 2)$"
has "chat 1 #2 from 2: (reply to #1: coffee at one?) yes, coffee sounds good (starred)$"
[[ $(count "chat 1 #") == 3 ]]
run "${a[@]}" history +14155550102 --limit 2
[[ $(count "chat 1 #") == 2 ]]
has "chat 1 #2 from 2: (reply to #1: coffee at one?)"  # #1 asked for: not on the page
has "(more: parley history +14155550102 --before 2)"
run "${a[@]}" history 1 --before 2
has "chat 1 #1 "
[[ $(count "chat 1 #") == 1 ]]
# What listen prints: the messages as they are now, then each change, and a's star.
run "${b[@]}" listen --once
has "chat 1 #2 from 2 (you): (reply to #1: coffee at one?) yes, coffee sounds good$"
has "\[changed\] .* chat 1 #1 from 1: coffee at one? (edited) (reactions: 👍 2)$"
run "${a[@]}" listen --once
has "^\[starred\] chat 1 #2$"
# Starred: the list, and unstarring.
run "${a[@]}" starred
has "chat 1 #2 from 2: (reply to #1) yes, coffee sounds good (starred)$"
run "${a[@]}" star 1 2 --remove
has "unstarred (chat 1, #2)"
run "${a[@]}" starred
has "no starred messages"
# Search: matches in brackets; a Cyrillic word; the last word as a prefix; within one chat.
run "${a[@]}" search coffee
has "chat 1 #2 from 2: yes, \[coffee\] sounds good$"
has "chat 1 #1 from 1 (you): \[coffee\] at one"  # PostgreSQL's snippet drops the "?"
run "${a[@]}" search привет --chat +14155550102
has "chat 1 #3 from 2: \[Привет\], как дела$"
run "${b[@]}" search "как дел"
has "chat 1 #3 from 2 (you): Привет, \[как\] \[дела\]$"
run "${a[@]}" search noon
has "^no matches$"  # the edit replaced it
run "${c[@]}" search coffee
has "^no matches$"  # in no chat with them
# Forward: to a chat by id, and to a user by phone (a new chat); the copy says so.
run "${a[@]}" group create team +14155550102
has "group 2 created: team"
run "${b[@]}" forward 1 2 2
has "sent (chat 2, #2"
run "${a[@]}" history 2
has "chat 2 #2 from 2: \[Forwarded\] yes, coffee sounds good$"
run "${a[@]}" forward 2 2 +14155550103
has "sent (chat 3, #1"
: >"$dir/fwd"
forwarded() { "$parley" "${c[@]}" listen --once >>"$dir/fwd" && grep -q "chat 3 #1 from 1: \[Forwarded\] yes, coffee sounds good$" "$dir/fwd"; }
eventually forwarded
# Delete for me: gone from b's history and devices only. For everyone: a tombstone for all,
# the quote of the reply too; not someone else's message in a one-to-one chat.
run "${b[@]}" delete 1 3
has "deleted for you (chat 1, #3)"
run "${b[@]}" history 1
lacks "Привет"
run "${a[@]}" history 1
has "chat 1 #3 from 2: Привет, как дела$"
fails "forbidden" "${b[@]}" delete 1 1 --for-everyone
run "${a[@]}" delete 1 1 --for-everyone
has "deleted for everyone (chat 1, #1)"
run "${b[@]}" history 1
has "chat 1 #1 from 1: This message was deleted$"
has "chat 1 #2 from 2 (you): (reply to #1: This message was deleted) yes, coffee sounds good$"
run "${b[@]}" listen --once
has "^\[hidden\] chat 1 #3 (deleted for you)$"
has "\[changed\] .* chat 1 #1 from 1: This message was deleted$"
run "${b[@]}" search coffee
lacks "chat 1 #1 "
# Chat modes. Temporary: a message leaves the server once every device has it.
run "${a[@]}" chat-mode +14155550102 temporary
has "^chat 1: temporary"
run "${a[@]}" chat-mode 1 temporary
has "^chat 1: already temporary"
run "${a[@]}" send --chat 1 "burn after reading"
has "sent (chat 1, #5"
run "${b[@]}" listen --once
has "\* chat mode: temporary, messages do not disappear$"
has "chat 1 #5 from 1: burn after reading"  # (disappears ...): the retention limit at the latest
: >"$dir/gone"
disappeared() { "$parley" "${a[@]}" listen --once >>"$dir/gone" && grep -q "^\[disappeared\] chat 1 #5$" "$dir/gone"; }
eventually disappeared
run "${a[@]}" history 1
lacks "burn after reading"
run "${a[@]}" chat-mode 1 permanent
has "^chat 1: permanent$"
# Disappearing: new messages carry the time they go.
run "${b[@]}" disappear +14155550101 7d
has "^chat 1: new messages disappear after 7d$"
run "${a[@]}" send --chat 1 "see you next week"
has "sent (chat 1, #8"
run "${a[@]}" history 1
has "chat 1 #7 from 2: \* chat mode: permanent, new messages disappear after 7d$"
has "chat 1 #8 from 1 (you): see you next week (disappears 20[0-9-]* [0-9:]*)$"
run "${a[@]}" disappear 1 off
has "^chat 1: new messages do not disappear$"
fails "3d" "${a[@]}" disappear 1 3d
fails "not on parley" "${a[@]}" history +14155550109
echo "cli messages test passed"
