#include <gtest/gtest.h>

#include "proto/errors.h"
#include "core/encoding.h"
#include "proto/frames.h"
#include "proto/json_out.h"
#include "bus/bus.h"

#include <boost/json.hpp>

namespace parley::proto {
namespace {

std::string error_code(std::string_view text, Limits limits = {}) {
  auto r = parse_client_frame(text, limits);
  auto* e = std::get_if<FrameError>(&r);
  return e ? std::string(e->code) : "ok";
}

TEST(Frames, send_frame_parses_all_fields) {
  auto r = parse_client_frame(R"({"type":"send","id":"abc","to":7,"text":"hi"})", {});
  auto& f = std::get<SendFrame>(std::get<ClientFrame>(r));
  EXPECT_EQ(f.id, "abc");
  EXPECT_EQ(f.to->value, 7);
  EXPECT_FALSE(f.chat);
  EXPECT_EQ(f.text, "hi");
}

TEST(Frames, send_needs_exactly_one_target_and_nonempty_text) {
  EXPECT_EQ(error_code(R"({"type":"send","id":"a","text":"x"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"send","id":"a","to":1,"chat":2,"text":"x"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"send","id":"a","to":1,"text":""})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"send","id":"a","to":0,"text":"x"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"send","id":"a","to":-5,"text":"x"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"send","id":")" + std::string(65, 'i') + R"(","to":1,"text":"x"})"), "bad_frame");
}

TEST(Frames, text_limit_counts_characters_not_bytes) {
  Limits l;
  l.max_text_chars = 3;
  EXPECT_EQ(error_code(R"({"type":"send","id":"a","to":1,"text":"ééé"})", l), "ok");
  EXPECT_EQ(error_code(R"({"type":"send","id":"a","to":1,"text":"éééé"})", l), "text_too_long");
}

TEST(Frames, malformed_input_is_classified) {
  EXPECT_EQ(error_code("{"), "bad_json");
  EXPECT_EQ(error_code("\xff"), "bad_json");
  EXPECT_EQ(error_code(std::string(50, '[') + std::string(50, ']')), "bad_json");
  EXPECT_EQ(error_code("42"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":5})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"nope"})"), "unknown_type");
  EXPECT_EQ(error_code(R"({"type":"sync","after":"x"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"sync","after":1.5})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"received","pts":18446744073709551615})"), "bad_frame");
}

TEST(Frames, receipts_sync_ping_parse) {
  auto r = parse_client_frame(R"({"type":"read","chat":3,"seq":9})", {});
  auto& f = std::get<ReceiptFrame>(std::get<ClientFrame>(r));
  EXPECT_TRUE(f.read);
  EXPECT_EQ(f.chat.value, 3);
  EXPECT_EQ(f.seq, 9);
  auto s = parse_client_frame(R"({"type":"sync","after":12,"limit":100000})", {});
  auto& sf = std::get<SyncFrame>(std::get<ClientFrame>(s));
  EXPECT_EQ(*sf.after, 12);
  EXPECT_EQ(sf.limit, 1000);  // clamped to the page limit
  EXPECT_TRUE(std::holds_alternative<PingFrame>(std::get<ClientFrame>(parse_client_frame(R"({"type":"ping"})", {}))));
}

TEST(Frames, presence_frames_parse_and_reject_bad_fields) {
  auto hb = [](std::string_view t) { return std::get<HeartbeatFrame>(std::get<ClientFrame>(parse_client_frame(t, {}))); };
  EXPECT_TRUE(hb(R"({"type":"heartbeat"})").active);
  EXPECT_FALSE(hb(R"({"type":"heartbeat","active":false})").active);
  EXPECT_TRUE(hb(R"({"type":"active"})").active);
  EXPECT_EQ(error_code(R"({"type":"heartbeat","active":"yes"})"), "bad_frame");

  auto t = std::get<TypingFrame>(std::get<ClientFrame>(parse_client_frame(R"({"type":"typing","chat":5})", {})));
  EXPECT_EQ(t.chat.value, 5);
  EXPECT_TRUE(t.typing);
  EXPECT_EQ(error_code(R"({"type":"typing"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"typing","chat":0})"), "bad_frame");

  auto p = std::get<PresenceFrame>(
      std::get<ClientFrame>(parse_client_frame(R"({"type":"presence_subscribe","users":[7,9]})", {})));
  EXPECT_FALSE(p.unsubscribe);
  ASSERT_EQ(p.users.size(), 2u);
  EXPECT_EQ(p.users[1].value, 9);
  EXPECT_TRUE(std::get<PresenceFrame>(std::get<ClientFrame>(
                  parse_client_frame(R"({"type":"presence_unsubscribe","users":[]})", {})))
                  .unsubscribe);
  EXPECT_EQ(error_code(R"({"type":"presence_subscribe"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"presence_subscribe","users":7})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"presence_subscribe","users":[0]})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"presence_subscribe","users":[1.5]})"), "bad_frame");
  Limits few;
  few.max_presence_users = 2;
  EXPECT_EQ(error_code(R"({"type":"presence_subscribe","users":[1,2,3]})", few), "bad_frame");

  auto pr = std::get<PrivacyFrame>(std::get<ClientFrame>(parse_client_frame(R"({"type":"privacy","last_seen":"nobody"})", {})));
  EXPECT_EQ(pr.last_seen, Visibility::kNobody);
  EXPECT_FALSE(std::get<PrivacyFrame>(std::get<ClientFrame>(parse_client_frame(R"({"type":"privacy"})", {}))).last_seen);
  EXPECT_EQ(error_code(R"({"type":"privacy","last_seen":"friends"})"), "bad_frame");

  auto bg = std::get<SendFrame>(
      std::get<ClientFrame>(parse_client_frame(R"({"type":"send","id":"a","to":2,"text":"x","background":true})", {})));
  EXPECT_TRUE(bg.background);
  EXPECT_EQ(error_code(R"({"type":"read","chat":1,"seq":1,"background":1})"), "bad_frame");
}

// Found by fuzz_client_frames: the quoted type was cut at byte 64, inside a character, and
// the error frame was not UTF-8 (a browser drops the connection on it).
TEST(Frames, an_unknown_type_is_quoted_in_whole_characters) {
  auto r = parse_client_frame(R"({"type":")" + std::string(63, 'x') + "\u00e9\u00e9" + R"("})", Limits{});
  auto* e = std::get_if<FrameError>(&r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "unknown_type");
  EXPECT_TRUE(valid_utf8(e->message)) << e->message;
  EXPECT_NE(e->message.find(std::string(63, 'x') + "'"), std::string::npos);
}

TEST(Frames, presence_server_frames) {
  EXPECT_EQ(presence_frame(UserId(7), true, false, 1000), R"({"type":"presence","user":7,"online":false,"last_seen":1000})");
  EXPECT_EQ(presence_frame(UserId(7), true, true, 0), R"({"type":"presence","user":7,"online":true})");
  EXPECT_EQ(presence_frame(UserId(7), false, true, 1000), R"({"type":"presence","user":7})");
  EXPECT_EQ(typing_frame(ChatId(3), UserId(7), false), R"({"type":"typing","chat":3,"user":7,"typing":false})");
  EXPECT_EQ(privacy_frame(PresenceRecord{UserId(7), 0, Visibility::kContacts, Visibility::kNobody}),
            R"({"type":"privacy","last_seen":"contacts","group_add":"nobody","name":"everyone","about":"everyone","photo":"everyone"})");
  GroupInvite invite{ChatId(5), UserId(7), UserId(2), "abc", 9000, "Hikers"};
  EXPECT_EQ(invite_frame(invite, "pending"),
            R"({"type":"invite","state":"pending","chat":5,"code":"abc","name":"Hikers","from":2,"expires_at":9000})");
  EXPECT_EQ(invite_frame(invite, "declined"), R"({"type":"invite","state":"declined","chat":5,"code":"abc"})");
}

TEST(Frames, server_frames_are_json_with_their_type) {
  Message m{ChatId(4), 2, UserId(1), DeviceId(3), "cid", 1000, "héllo \"q\"", {}};
  EXPECT_EQ(message_frame(9, m),
            R"({"type":"msg","pts":9,"chat":4,"seq":2,"from":1,"device":3,"id":"cid","ts":1000,"text":"héllo \"q\""})");
  EXPECT_EQ(ack_frame(m, true), R"({"type":"ack","id":"cid","chat":4,"seq":2,"ts":1000,"duplicate":true})");
  EXPECT_EQ(error_frame("rate_limited", "slow down", "x", 250),
            R"({"type":"error","code":"rate_limited","message":"slow down","id":"x","retry_after_ms":250})");
}

TEST(Frames, every_status_code_maps_to_a_wire_code) {
  for (Code c : {Code::kInvalid, Code::kTooLarge, Code::kUnauthorized, Code::kNotFound, Code::kNoSuchUser,
                 Code::kNoSuchChat, Code::kNotMember, Code::kRateLimited, Code::kCodeExpired, Code::kCodeInvalid,
                 Code::kTooManyAttempts, Code::kUnavailable, Code::kInternal}) {
    EXPECT_FALSE(wire_code(c).empty());
    EXPECT_GE(http_status(c), 400);
  }
}

}  // namespace
}  // namespace parley::proto

namespace parley::proto {
namespace {

// A bounded, deterministic fuzz pass: random bytes and mutations of valid frames must
// always give a frame or a FrameError, never a crash (run under ASan+UBSan in CI too).
TEST(Frames, random_and_mutated_input_never_crashes) {
  const std::string seeds[] = {
      R"({"type":"send","id":"a","to":1,"text":"hi"})", R"({"type":"sync","after":3,"limit":10})",
      R"({"type":"read","chat":1,"seq":2})",           R"({"type":"auth","token":"x"})",
      R"({"type":"received","pts":9})",                R"([[[[{"a":[1,2,{"b":null}]}]]]])"};
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  Limits limits;
  int frames = 0, errors = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    if (i % 4 == 0) {
      s.resize(next() % 64);
      for (auto& c : s) c = static_cast<char>(next());
    } else {
      s = seeds[next() % std::size(seeds)];
      for (int m = 0, n = 1 + static_cast<int>(next() % 4); m < n && !s.empty(); ++m) {
        std::size_t at = next() % s.size();
        switch (next() % 3) {
          case 0: s[at] = static_cast<char>(next()); break;
          case 1: s.erase(at, 1); break;
          default: {
            static constexpr char kJsonChars[] = "{}[]\":,0-9e\\";
            s.insert(at, 1, kJsonChars[next() % (sizeof kJsonChars - 1)]);
            break;
          }
        }
      }
    }
    auto r = parse_client_frame(s, limits);
    (std::holds_alternative<ClientFrame>(r) ? frames : errors)++;
  }
  EXPECT_GT(frames, 0);
  EXPECT_GT(errors, 0);
}

TEST(Frames, group_and_room_frames_parse_and_bad_ones_get_clear_errors) {
  auto r = parse_client_frame(R"({"type":"create","id":"c1","kind":"group","name":"team","members":[2,3]})", {});
  auto& c = std::get<CreateFrame>(std::get<ClientFrame>(r));
  EXPECT_EQ(c.kind, ChatKind::kGroup);
  EXPECT_EQ(c.settings.name, "team");
  EXPECT_TRUE(c.settings.everyone_posts);
  EXPECT_EQ(c.members.size(), 2u);
  auto room = parse_client_frame(R"({"type":"create","id":"c2","kind":"room","name":"news"})", {});
  EXPECT_FALSE(std::get<CreateFrame>(std::get<ClientFrame>(room)).settings.everyone_posts);
  auto ch = parse_client_frame(R"({"type":"change","id":"c3","chat":5,"op":"promote","users":[2]})", {});
  EXPECT_EQ(std::get<ChangeFrame>(std::get<ClientFrame>(ch)).op, ChangeOp::kPromote);
  auto join = parse_client_frame(R"({"type":"join","id":"j","invite":"abc"})", {});
  EXPECT_EQ(std::get<ChangeFrame>(std::get<ClientFrame>(join)).value, "abc");
  auto rec = parse_client_frame(R"({"type":"received","chat":5,"seq":9})", {});
  EXPECT_EQ(std::get<ReceivedFrame>(std::get<ClientFrame>(rec)).seq, 9);

  EXPECT_EQ(error_code(R"({"type":"create","kind":"group","name":"x"})"), "bad_frame");  // no id
  EXPECT_EQ(error_code(R"({"type":"create","id":"a","kind":"club","name":"x"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"change","id":"a","chat":5,"op":"explode"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"change","id":"a","chat":5,"op":"add"})"), "bad_frame");  // no users
  EXPECT_EQ(error_code(R"({"type":"change","id":"a","chat":5,"op":"add","users":[0]})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"change","id":"a","chat":5,"op":"rename"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"join","id":"a","chat":5,"invite":"x"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"received","chat":5})"), "bad_frame");
  std::string many = R"({"type":"views","chat":5,"seqs":[)";
  for (int i = 1; i <= 101; ++i) many += std::to_string(i) + (i < 101 ? "," : "]}");
  EXPECT_EQ(error_code(many), "bad_frame");
}

TEST(Frames, system_messages_room_messages_and_group_receipts_serialise) {
  Message m{ChatId(4), 1, UserId(1), DeviceId(3), "c", 1000, "", R"({"event":"added","users":[7]})"};
  EXPECT_EQ(message_frame(0, m),
            R"({"type":"msg","chat":4,"seq":1,"from":1,"device":3,"id":"c","ts":1000,"text":"","system":{"event":"added","users":[7]}})");
  EXPECT_EQ(with_pts(message_frame(0, m), 77), message_frame(77, m));
  EXPECT_EQ(receipt_all_frame(8, ChatId(4), 5, 3), R"({"type":"receipt","pts":8,"chat":4,"all":true,"delivered":5,"read":3})");
  EXPECT_EQ(membership_frame(9, {ChatId(4), true, 12}),
            R"({"type":"membership","pts":9,"chat":4,"kind":"room","member":true,"seq":12})");
  EXPECT_EQ(done_frame("x", ChatId(4), 0, false, false), R"({"type":"done","id":"x","chat":4,"changed":false})");
  std::vector<MemberInfo> members{{UserId(2), Role::kMember, 0, 5, 5}, {UserId(3), Role::kMember, 0, 5, 4},
                                  {UserId(4), Role::kMember, 0, 4, 4}, {UserId(5), Role::kMember, 6, 6, 6}};
  EXPECT_EQ(receipts_frame(ChatId(4), 5, members),
            R"({"type":"receipts","chat":4,"seq":5,"read":[2],"delivered":[3],"pending":[4]})");
  // With the times it reached them where known: none for those waiting, no read time for the delivered.
  members[0].delivered_at = 100, members[0].read_at = 200;
  members[1].delivered_at = 150, members[1].read_at = 900;  // a read of a later rise: not this message's
  members[2].delivered_at = 300;
  EXPECT_EQ(receipts_frame(ChatId(4), 5, members),
            R"({"type":"receipts","chat":4,"seq":5,"read":[2],"delivered":[3],"pending":[4],)"
            R"("times":[{"user":2,"delivered":100,"read":200},{"user":3,"delivered":150}]})");
}

TEST(Frames, chat_info_members_carry_their_phone_when_known) {
  ChatInfo info;
  info.chat = ChatId(42);
  info.kind = ChatKind::kGroup;
  info.settings.name = "team";
  info.created_by = UserId(1);
  info.created_at = 1000;
  info.last_seq = 17;
  info.member_count = 2;
  info.member = true;
  info.my_role = Role::kAdmin;
  info.members = {{UserId(1), Role::kAdmin, 0, 17, 17, "+14155550101"}, {UserId(2), Role::kMember, 16, 17, 16, ""}};
  EXPECT_EQ(chat_info_frame(info),
            R"({"type":"chat_info","chat":42,"kind":"group","name":"team","members_can_add":false,"everyone_posts":true,)"
            R"("created_by":1,"created_at":1000,"last_seq":17,"member_count":2,"role":"admin",)"
            R"("members":[{"user":1,"role":"admin","joined":0,"delivered":17,"read":17,"phone":"+14155550101"},)"
            R"({"user":2,"role":"member","joined":16,"delivered":17,"read":16}]})");
}

// The hot frames are written by hand (proto/json_out.h): byte for byte what boost::json
// writes, for every byte a string may hold.
TEST(Frames, hand_written_frames_escape_strings_exactly_as_boost_json) {
  std::string every_byte;
  for (int c = 1; c < 256; ++c) every_byte += static_cast<char>(c);
  for (std::string s : {std::string(), std::string("plain"), std::string("quote \" back \\ slash / é 中文"),
                        std::string("\b\f\n\r\t\x01\x1f\x7f"), every_byte}) {
    std::string out;
    JsonOut(out, "t").str("s", s).num("n", -42).boolean("b", true).close();
    EXPECT_EQ(out, boost::json::serialize(boost::json::object{{"type", "t"}, {"s", s}, {"n", -42}, {"b", true}}));
  }
  Message m{ChatId(3), 9, UserId(1), DeviceId(2), "c-1", 1700, "line\none \"two\"", ""};
  EXPECT_EQ(message_frame(7, m),
            R"({"type":"msg","pts":7,"chat":3,"seq":9,"from":1,"device":2,"id":"c-1","ts":1700,"text":"line\none \"two\""})");
  EXPECT_EQ(with_pts(message_frame(0, m), 7), message_frame(7, m));
  BusEvent shared;  // how a fan-out holds it: one frame, each event's pts put in on the way out
  shared.shared = std::make_shared<const std::string>(message_frame(0, m));
  shared.insert_at = kPtsAt;
  shared.insert = pts_field(123456789012);
  EXPECT_EQ(shared.whole(), message_frame(123456789012, m));
  EXPECT_EQ(ack_frame(m, true), R"({"type":"ack","id":"c-1","chat":3,"seq":9,"ts":1700,"duplicate":true})");
}

}  // namespace
}  // namespace parley::proto
