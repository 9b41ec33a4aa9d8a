// Full-text search (issue 17, docs/search.md) against a real parleyd on both stores: ranked
// results with highlighted snippets, over every chat one may read and nothing else; removed
// members, deleted, edited and hidden messages; Hindi, Chinese and Arabic; paging.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <sqlite3.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "support/eventually.h"
#include "support/raw_requests.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

// The tests about SQLite's index file (parley-search.db) skip the PostgreSQL run.
bool on_postgres() {
  const char* kind = std::getenv("PARLEY_TEST_STORE");
  return kind && std::string(kind) == "postgres";
}

std::int64_t seq_of(const json::object& ack) { return ack.at("seq").as_int64(); }

json::object say(RawWs& ws, const char* target, std::int64_t to, const std::string& text, const std::string& id) {
  auto ack = request(ws, {{"type", "send"}, {"id", id}, {target, to}, {"text", text}});
  EXPECT_EQ(str(ack, "type"), "ack") << json::serialize(ack);
  return ack;
}

struct Found {
  int status = 0;
  std::vector<json::object> results;
  std::string error;
  std::optional<std::int64_t> next;
};

Found search(const ServerProcess& s, const TestUser& u, const std::string& q, const std::string& more = "") {
  auto r = get(s, u, "/v1/search?q=" + boost::urls::encode(q, boost::urls::unreserved_chars) + more);
  Found f;
  f.status = r.status;
  auto body = json::parse(r.body).as_object();
  if (r.status != 200) {
    f.error = str(body, "error");
    return f;
  }
  for (const auto& v : body.at("results").as_array()) f.results.push_back(v.as_object());
  if (body.contains("next_offset")) f.next = body.at("next_offset").as_int64();
  return f;
}

// The snippet's highlighted parts (odd places).
std::vector<std::string> marked(const json::object& result) {
  std::vector<std::string> out;
  const auto& parts = result.at("snippet").as_array();
  for (std::size_t i = 1; i < parts.size(); i += 2) out.emplace_back(parts[i].as_string());
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(Search, finds_words_across_my_chats_ranked_with_the_match_highlighted) {
  ServerProcess server;
  auto u = make_users(server, 3);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  say(*a, "to", u[1].user, "The train to Berlin leaves at noon", "m1");
  say(*b, "to", u[0].user, "bring snacks for the train", "m2");
  say(*a, "to", u[2].user, "trains are late again, see you in Berlin", "m3");
  say(*a, "to", u[1].user, "nothing to see here", "m4");
  auto f = search(server, u[0], "train");
  ASSERT_EQ(f.status, 200);
  ASSERT_EQ(f.results.size(), 3u) << "the last word matches as a prefix: train, trains";
  for (const auto& r : f.results) {
    auto m = marked(r);
    ASSERT_FALSE(m.empty());
    EXPECT_TRUE(m[0] == "train" || m[0] == "trains" || m[0] == "Train") << m[0];
  }
  auto both = search(server, u[0], "berlin train");
  EXPECT_EQ(both.results.size(), 2u) << "every word must match";
  // In one chat only.
  auto chat = f.results[0].at("message").at("chat").as_int64();
  auto one = search(server, u[0], "train", "&chat=" + std::to_string(chat));
  for (const auto& r : one.results) EXPECT_EQ(r.at("message").at("chat").as_int64(), chat);
  EXPECT_LT(one.results.size(), 3u);
  // The other user sees only the chat they are in.
  EXPECT_EQ(search(server, u[2], "train").results.size(), 1u);
  EXPECT_EQ(search(server, u[2], "snacks").results.size(), 0u);
}

TEST(Search, deleted_hidden_and_pre_edit_text_is_not_found) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto a = connect(server, u[0]);
  auto m1 = say(*a, "to", u[1].user, "my password is hunter2", "m1");
  auto m2 = say(*a, "to", u[1].user, "meet at the lighthouse", "m2");
  auto m3 = say(*a, "to", u[1].user, "gossip about the neighbours", "m3");
  auto chat = m1.at("chat").as_int64();
  ASSERT_EQ(search(server, u[1], "hunter2").results.size(), 1u);
  request(*a, {{"type", "delete"}, {"id", "d1"}, {"chat", chat}, {"seq", seq_of(m1)}, {"for", "everyone"}});
  request(*a, {{"type", "edit"}, {"id", "e1"}, {"chat", chat}, {"seq", seq_of(m2)}, {"text", "meet at the harbour"}});
  request(*a, {{"type", "delete"}, {"id", "d2"}, {"chat", chat}, {"seq", seq_of(m3)}, {"for", "me"}});
  EXPECT_EQ(search(server, u[1], "hunter2").results.size(), 0u);
  EXPECT_EQ(search(server, u[0], "hunter2").results.size(), 0u);
  EXPECT_EQ(search(server, u[1], "lighthouse").results.size(), 0u) << "the text before the edit is gone";
  EXPECT_EQ(search(server, u[1], "harbour").results.size(), 1u);
  EXPECT_EQ(search(server, u[0], "gossip").results.size(), 0u) << "hidden from me";
  EXPECT_EQ(search(server, u[1], "gossip").results.size(), 1u) << "not from them";
}

// SQLite indexes new messages in rounds, on a thread of its own (store/sqlite/search_index.h);
// what waits for its round when the server dies is indexed after the restart, and found by
// the first search.
TEST(Search, a_message_acknowledged_just_before_a_crash_is_found_after_the_restart) {
  ServerProcess server({"store.search_index_delay_ms=3600000"});  // no round but the one a search asks for
  auto u = make_users(server, 2);
  {
    auto a = connect(server, u[0]);
    for (int i = 0; i < 20; ++i) say(*a, "to", u[1].user, "crashproof word" + std::to_string(i), "c" + std::to_string(i));
  }
  server.kill9();
  server.start();
  EXPECT_EQ(search(server, u[1], "crashproof").results.size(), 20u);
  EXPECT_EQ(search(server, u[1], "word19").results.size(), 1u);
}

// SQLite's index is a file of its own beside the store (parley-search.db): lost, or unreadable,
// it is built again from the messages, edits and deletions included, while parleyd runs.
TEST(Search, a_lost_or_broken_index_file_is_built_again_from_the_messages) {
  if (on_postgres()) GTEST_SKIP() << "the PostgreSQL store's index is in its own tables";
  ServerProcess server;
  auto u = make_users(server, 2);
  {
    auto a = connect(server, u[0]);
    for (int i = 0; i < 30; ++i) say(*a, "to", u[1].user, "rebuilt word" + std::to_string(i), "r" + std::to_string(i));
    auto ack = say(*a, "to", u[1].user, "oldword gone", "edit");
    auto edited = request(*a, {{"type", "edit"}, {"id", "e1"}, {"chat", ack.at("chat")}, {"seq", seq_of(ack)}, {"text", "newword here"}});
    EXPECT_EQ(str(edited, "type"), "done") << json::serialize(edited);
  }
  ASSERT_EQ(search(server, u[1], "rebuilt", "&limit=50").results.size(), 30u);
  const std::string index = server.data_dir() + "/parley-search.db";
  for (bool corrupt : {false, true}) {
    server.stop();
    ASSERT_TRUE(std::filesystem::exists(index)) << index;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(index + suffix);
    if (corrupt) std::ofstream(index) << std::string(8192, 'x');
    server.start();
    EXPECT_TRUE(eventually([&] { return search(server, u[1], "rebuilt", "&limit=50").results.size() == 30u; })) << "every message found again";
    EXPECT_EQ(search(server, u[1], "word29").results.size(), 1u);
    EXPECT_EQ(search(server, u[1], "newword").results.size(), 1u);
    EXPECT_EQ(search(server, u[1], "oldword").results.size(), 0u) << "the edit's old words stay gone";
  }
}

// An index file left by an older parleyd (FTS5 with its `_docsize` table, before
// `columnsize=0`) is deleted and built again: here the older table is empty and its mark says
// all is indexed, so only a rebuild finds the messages.
TEST(Search, an_index_of_an_older_layout_is_made_again_from_the_messages) {
  if (on_postgres()) GTEST_SKIP() << "the PostgreSQL store's index is in its own tables";
  ServerProcess server;
  auto u = make_users(server, 2);
  {
    auto a = connect(server, u[0]);
    for (int i = 0; i < 12; ++i) say(*a, "to", u[1].user, "layout word" + std::to_string(i), "l" + std::to_string(i));
  }
  ASSERT_EQ(search(server, u[1], "layout", "&limit=50").results.size(), 12u);
  server.stop();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((server.data_dir() + "/parley-search.db").c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db,
                              "DROP TABLE messages_fts; CREATE VIRTUAL TABLE messages_fts USING fts5(body, tokenize = "
                              "\"unicode61 remove_diacritics 2 categories 'L* N* Co M*'\")",
                              nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
  server.start();
  EXPECT_TRUE(eventually([&] { return search(server, u[1], "layout", "&limit=50").results.size() == 12u; }))
      << "every message found again";
  EXPECT_EQ(search(server, u[1], "word11").results.size(), 1u);
}

TEST(Search, a_removed_member_finds_what_they_had_and_nothing_sent_after) {
  ServerProcess server;
  auto u = make_users(server, 3);
  auto admin = connect(server, u[0]);
  auto done = request(*admin, {{"type", "create"}, {"id", "g1"}, {"kind", "group"}, {"name", "club"},
                               {"members", json::array{u[1].user, u[2].user}}});
  auto chat = done.at("chat").as_int64();
  say(*admin, "chat", chat, "picnic on saturday", "m1");
  request(*admin, {{"type", "change"}, {"id", "c1"}, {"chat", chat}, {"op", "remove"}, {"users", json::array{u[2].user}}});
  say(*admin, "chat", chat, "picnic moved to sunday", "m2");
  auto was = search(server, u[2], "picnic");
  ASSERT_EQ(was.results.size(), 1u);
  EXPECT_EQ(str(was.results[0].at("message").as_object(), "text"), "picnic on saturday");
  EXPECT_EQ(search(server, u[1], "picnic").results.size(), 2u);
  // Someone added later does not find what came before they joined.
  auto other = make_users(server, 1)[0];
  request(*admin, {{"type", "change"}, {"id", "c2"}, {"chat", chat}, {"op", "add"}, {"users", json::array{other.user}}});
  say(*admin, "chat", chat, "picnic: bring a blanket", "m3");
  auto late = search(server, other, "picnic");
  ASSERT_EQ(late.results.size(), 1u);
  EXPECT_EQ(str(late.results[0].at("message").as_object(), "text"), "picnic: bring a blanket");
}

TEST(Search, hindi_chinese_and_arabic_words_are_found) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto a = connect(server, u[0]);
  say(*a, "to", u[1].user, "नमस्ते दुनिया, आज मौसम अच्छा है", "hi");
  say(*a, "to", u[1].user, "我爱北京天安门", "zh");
  say(*a, "to", u[1].user, "مرحبا بالعالم، كيف حالك", "ar");
  say(*a, "to", u[1].user, "北方很冷", "zh2");
  auto hindi = search(server, u[1], "मौसम");
  ASSERT_EQ(hindi.results.size(), 1u) << "a Hindi word, its vowel signs inside it";
  EXPECT_TRUE(has(marked(hindi.results[0]), "मौसम"));
  auto beijing = search(server, u[1], "北京");
  ASSERT_EQ(beijing.results.size(), 1u) << "two characters in a row, inside a run with no spaces";
  EXPECT_EQ(str(beijing.results[0].at("message").as_object(), "text"), "我爱北京天安门");
  EXPECT_EQ(search(server, u[1], "北").results.size(), 2u) << "one character";
  EXPECT_EQ(search(server, u[1], "京北").results.size(), 0u) << "the characters in that order only";
  auto arabic = search(server, u[1], "مرحبا");
  ASSERT_EQ(arabic.results.size(), 1u);
  EXPECT_TRUE(has(marked(arabic.results[0]), "مرحبا"));
  EXPECT_EQ(search(server, u[1], "كيف").results.size(), 1u);
}

TEST(Search, results_come_a_page_at_a_time_and_bad_queries_are_refused) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto a = connect(server, u[0]);
  for (int i = 0; i < 25; ++i) say(*a, "to", u[1].user, "invoice number " + std::to_string(i), "m" + std::to_string(i));
  auto p1 = search(server, u[1], "invoice", "&limit=10");
  ASSERT_EQ(p1.results.size(), 10u);
  ASSERT_TRUE(p1.next);
  auto p2 = search(server, u[1], "invoice", "&limit=10&offset=" + std::to_string(*p1.next));
  auto p3 = search(server, u[1], "invoice", "&limit=10&offset=20");
  EXPECT_EQ(p2.results.size(), 10u);
  EXPECT_EQ(p3.results.size(), 5u);
  EXPECT_FALSE(p3.next);
  std::set<std::int64_t> seqs;
  for (const auto* p : {&p1, &p2, &p3})
    for (const auto& r : p->results) seqs.insert(r.at("message").at("seq").as_int64());
  EXPECT_EQ(seqs.size(), 25u) << "no result twice, none missed";
  EXPECT_EQ(search(server, u[1], "!!!").error, "invalid") << "no words";
  EXPECT_EQ(get(server, u[1], "/v1/search").status, 400);
  EXPECT_EQ(get(server, u[1], "/v1/search?q=x&limit=abc").status, 400);
  // Query syntax is not ours to run: quotes, stars and operators are only characters.
  EXPECT_EQ(search(server, u[1], "\"invoice\" OR NEAR(* -").status, 200);
}

}  // namespace
}  // namespace parley::testing
