// The pure parts of issue 17: how search cuts text into words (model/search_text), what a
// reaction may be and how a message keeps its reactions (model/message_actions), the new
// frames as the client sends them and as the server writes them (proto/frames).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "model/message_actions.h"
#include "model/search_text.h"
#include "proto/frames.h"

namespace parley {
namespace {

namespace json = boost::json;
const std::string kZw = "\xE2\x80\x8B";

TEST(SearchText, latin_hindi_and_arabic_text_is_indexed_as_written) {
  EXPECT_EQ(search_text::indexable("Meet at the station"), "Meet at the station");
  EXPECT_EQ(search_text::indexable("नमस्ते दुनिया"), "नमस्ते दुनिया");
  EXPECT_EQ(search_text::indexable("مرحبا بالعالم"), "مرحبا بالعالم");
}

TEST(SearchText, each_chinese_or_japanese_character_becomes_a_word_of_its_own) {
  EXPECT_EQ(search_text::indexable("北京"), kZw + "北" + kZw + kZw + "京" + kZw);
  EXPECT_EQ(search_text::indexable("in 東京 today"), "in " + kZw + "東" + kZw + kZw + "京" + kZw + " today");
  EXPECT_EQ(search_text::indexable("ひらがな"), kZw + "ひ" + kZw + kZw + "ら" + kZw + kZw + "が" + kZw + kZw + "な" + kZw);
  EXPECT_EQ(search_text::readable(search_text::indexable("我爱\x02北京\x03")), "我爱\x02北京\x03");
}

TEST(SearchText, a_query_is_words_and_never_syntax) {
  EXPECT_EQ(search_text::terms("  hello,   World! "), (std::vector<std::string>{"hello", "World"}));
  EXPECT_EQ(search_text::terms("\"a\" OR b* NEAR(c)"), (std::vector<std::string>{"a", "OR", "b", "NEAR", "c"}));
  EXPECT_EQ(search_text::terms("don't"), (std::vector<std::string>{"don", "t"}));
  EXPECT_EQ(search_text::terms("北京 2024"), (std::vector<std::string>{kZw + "北" + kZw + kZw + "京" + kZw, "2024"}));
  EXPECT_EQ(search_text::terms("मौसम"), (std::vector<std::string>{"मौसम"}));
  EXPECT_TRUE(search_text::terms("!!! ??? ---").empty());
  EXPECT_EQ(search_text::terms("a b c d e f g h i j k l").size(), 8u) << "at most 8 terms";
}

TEST(Reactions, one_emoji_is_a_reaction_and_words_are_not) {
  for (const char* ok : {"👍", "❤️", "😂", "🏳️‍🌈", "👍🏽", "1️⃣", "#️⃣"}) EXPECT_TRUE(message_actions::is_reaction(ok)) << ok;
  for (const char* bad : {"", "ok", "1", "👍 ", "a👍", "\xFF", "👍👍👍👍👍👍👍👍👍👍👍"})
    EXPECT_FALSE(message_actions::is_reaction(bad)) << bad;
}

TEST(Reactions, are_kept_by_emoji_in_order_of_first_use_with_who_except_in_rooms) {
  std::vector<std::pair<std::string, UserId>> rows{{"👍", UserId(3)}, {"❤️", UserId(1)}, {"👍", UserId(2)}};
  auto v = json::parse(message_actions::reactions_json(rows, true)).as_array();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].at("emoji").as_string(), "👍");
  EXPECT_EQ(v[0].at("count").as_int64(), 2);
  EXPECT_EQ(v[0].at("users").as_array().size(), 2u);
  auto room = json::parse(message_actions::reactions_json(rows, false)).as_array();
  EXPECT_FALSE(room[0].as_object().contains("users"));
  EXPECT_EQ(message_actions::reactions_json({}, true), "");
}

std::string error_code(std::string_view text) {
  auto r = proto::parse_client_frame(text, {});
  auto* e = std::get_if<proto::FrameError>(&r);
  return e ? std::string(e->code) : "ok";
}

TEST(ActionFrames, edit_delete_react_and_star_parse_and_say_what_is_wrong) {
  auto r = proto::parse_client_frame(R"({"type":"delete","id":"d1","chat":4,"seq":9,"for":"everyone"})", {});
  auto& a = std::get<proto::ActionFrame>(std::get<proto::ClientFrame>(r));
  EXPECT_EQ(a.op, ActionOp::kDeleteForEveryone);
  EXPECT_EQ(a.chat.value, 4);
  EXPECT_EQ(a.seq, 9);
  EXPECT_EQ(error_code(R"({"type":"edit","id":"e","chat":1,"seq":2,"text":"x"})"), "ok");
  EXPECT_EQ(error_code(R"({"type":"edit","id":"e","chat":1,"seq":2})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"delete","id":"d","chat":1,"seq":2,"for":"them"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"react","id":"r","chat":1,"seq":2,"emoji":""})"), "ok") << "removes";
  EXPECT_EQ(error_code(R"({"type":"react","id":"r","chat":1,"seq":2,"emoji":"lol"})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"star","chat":1,"seq":2})"), "bad_frame") << "needs an id";
  EXPECT_EQ(error_code(R"({"type":"star","id":"s","chat":1,"seq":0})"), "bad_frame");
}

TEST(ActionFrames, replies_forwards_and_modes_parse) {
  auto r = proto::parse_client_frame(R"({"type":"send","id":"f","to":2,"forward":{"chat":4,"seq":9}})", {});
  auto& s = std::get<proto::SendFrame>(std::get<proto::ClientFrame>(r));
  ASSERT_TRUE(s.forward);
  EXPECT_EQ(s.forward->first.value, 4);
  EXPECT_EQ(s.text, "");
  EXPECT_EQ(error_code(R"({"type":"send","id":"f","to":2,"forward":{"chat":4}})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"send","id":"f","to":2,"text":"x","forward":{"chat":4,"seq":9}})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"send","id":"r","to":2,"text":"x","reply_to":3})"), "ok");
  EXPECT_EQ(error_code(R"({"type":"send","id":"r","to":2,"text":"x","reply_to":0})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"change","id":"m","chat":2,"op":"mode","disappear":604800})"), "ok");
  EXPECT_EQ(error_code(R"({"type":"change","id":"m","chat":2,"op":"mode","disappear":60})"), "bad_frame");
  EXPECT_EQ(error_code(R"({"type":"change","id":"m","chat":2,"op":"mode"})"), "bad_frame");
}

TEST(ActionFrames, changed_and_marked_carry_what_happened_and_splice_their_pts) {
  Message m{ChatId(4), 9, UserId(2), DeviceId(5), "c1", 1000, "", {}, {}};
  m.deleted = 2;
  m.reply_to = 3;
  m.forwarded = 5;
  m.reactions = R"([{"emoji":"👍","count":1,"users":[3]}])";
  auto shared = proto::changed_frame(0, m);
  std::string spliced = shared.substr(0, proto::kChangedPtsAt) + proto::pts_field(77) + shared.substr(proto::kChangedPtsAt);
  EXPECT_EQ(spliced, proto::changed_frame(77, m));
  auto v = json::parse(spliced).as_object();
  EXPECT_EQ(v.at("type").as_string(), "changed");
  EXPECT_EQ(v.at("deleted").as_int64(), 2);
  EXPECT_EQ(v.at("reply_to").as_int64(), 3);
  EXPECT_EQ(v.at("forwarded").as_int64(), 5);
  EXPECT_FALSE(v.contains("edited"));
  m.deleted = kExpired;
  EXPECT_TRUE(json::parse(proto::changed_frame(1, m)).as_object().at("expired").as_bool());
  auto mk = json::parse(proto::marked_frame(8, ChatId(4), 9, true, false)).as_object();
  EXPECT_EQ(mk.at("pts").as_int64(), 8);
  EXPECT_TRUE(mk.at("starred").as_bool());
  EXPECT_FALSE(mk.at("hidden").as_bool());
}

}  // namespace
}  // namespace parley
