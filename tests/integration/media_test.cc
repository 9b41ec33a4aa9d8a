// Media (issue 16, docs/protocol.md §7 Media) against a real parleyd on both stores:
// photos come out upright, bounded and without their EXIF; uploads resume; bytes come back
// exactly, in ranges, once stored however often sent; only those who may read a media
// get it, and everyone else gets the same 404 as for nothing at all.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "support/eventually.h"
#include "support/http_raw.h"
#include "support/media_samples.h"
#include "support/raw_requests.h"
#include "support/raw_ws.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;
// One POST with the whole body; the answer as it came.
RawHttp upload(const ServerProcess& s, const TestUser& u, const std::string& bytes, const std::string& type,
               Headers more = {}) {
  more.emplace_back("Content-Type", type);
  more.emplace_back("Upload-Length", std::to_string(bytes.size()));
  return http_raw(s.port(), "POST", "/v1/media", auth(u, more), bytes);
}

json::object media_of(const RawHttp& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return {};
  return json::parse(r.body).at("media").as_object();
}

std::string error_code(const RawHttp& r) {
  auto v = json::parse(r.body);
  return std::string(v.at("error").as_string());
}

json::object send_media(RawWs& ws, const char* target, std::int64_t to, const std::string& id, const std::string& caption,
                        const std::string& frame_id) {
  return request(ws, {{"type", "send"}, {"id", frame_id}, {target, to}, {"text", caption}, {"media", {{"id", id}}}});
}

// The next msg that carries media.
std::optional<json::object> next_media_msg(RawWs& ws) {
  for (int i = 0; i < 100; ++i) {
    auto f = ws.recv_type("msg");
    if (!f) return std::nullopt;
    if (f->as_object().contains("media")) return f->as_object();
  }
  return std::nullopt;
}

// Bytes libmagic calls "data" (a marker first: random bytes could start like a program).
std::string noise(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  s.replace(0, std::min<std::size_t>(n, 10), std::string("PARLEYTEST").substr(0, std::min<std::size_t>(n, 10)));
  for (std::size_t i = 10; i < n; ++i) {
    seed = seed * 1103515245 + 12345;
    s[i] = static_cast<char>(seed >> 16);
  }
  return s;
}

std::size_t stored_objects(const ServerProcess& s) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(s.data_dir() + "/media/objects", ec);
       it != std::filesystem::recursive_directory_iterator(); ++it)
    n += it->is_regular_file();
  return n;
}

TEST(Media, a_photo_arrives_upright_bounded_without_exif_with_its_thumbnail_and_only_for_the_chat) {
  ServerProcess server;
  auto u = make_users(server, 3);
  // A camera's portrait photo: stored sideways (2400 x 1200, orientation 6), with GPS.
  std::string photo = camera_jpeg(2400, 1200, 6);
  auto m = media_of(upload(server, u[0], photo, "image/jpeg", {{"X-Parley-Name", "IMG%200042.jpg"}}));
  EXPECT_EQ(str(m, "kind"), "image");
  EXPECT_EQ(str(m, "mime"), "image/jpeg");
  EXPECT_EQ(str(m, "name"), "IMG 0042.jpg");
  EXPECT_EQ(m.at("width").as_int64(), 800);  // upright: portrait, 1600 on its longest side
  EXPECT_EQ(m.at("height").as_int64(), 1600);
  EXPECT_TRUE(m.at("preview").as_bool());
  const std::string id = str(m, "id");

  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto ack = send_media(*a, "to", u[1].user, id, "the view", "p1");
  ASSERT_EQ(str(ack, "type"), "ack") << json::serialize(ack);
  auto msg = next_media_msg(*b);
  ASSERT_TRUE(msg);
  EXPECT_EQ(str(*msg, "text"), "the view");
  const auto& mm = msg->at("media").as_object();
  EXPECT_EQ(str(mm, "id"), id);
  EXPECT_EQ(mm.at("size").as_int64(), m.at("size").as_int64());
  EXPECT_EQ(mm.at("width").as_int64(), 800);
  // The inline thumbnail is a real JPEG of at most 64 px, small enough to travel inline.
  std::string thumb_b64 = str(mm, "thumbnail");
  ASSERT_FALSE(thumb_b64.empty());
  EXPECT_LT(thumb_b64.size(), 3000u);

  // The recipient downloads the stored photo: upright, bounded, and nothing of the EXIF.
  auto full = get(server, u[1], "/v1/media/" + id);
  ASSERT_EQ(full.status, 200);
  EXPECT_EQ(full.header("content-type"), "image/jpeg");
  EXPECT_EQ(full.header("etag"), "\"" + id + "\"");
  EXPECT_NE(full.header("cache-control").find("immutable"), std::string::npos);
  EXPECT_EQ(full.body.size(), static_cast<std::size_t>(m.at("size").as_int64()));
  auto seen = look_at_image(full.body);
  EXPECT_TRUE(seen.decoded);
  EXPECT_EQ(seen.width, 800);
  EXPECT_EQ(seen.height, 1600);
  EXPECT_FALSE(seen.exif);
  EXPECT_FALSE(seen.xmp);
  EXPECT_EQ(full.body.find("SecretCam"), std::string::npos);
  EXPECT_EQ(full.body.find("Elm Street"), std::string::npos);
  auto preview = get(server, u[1], "/v1/media/" + id + "/preview");
  ASSERT_EQ(preview.status, 200);
  EXPECT_EQ(look_at_image(preview.body).height, 320);

  // Someone outside the chat, an id that does not exist and a malformed one: one answer.
  auto stranger = get(server, u[2], "/v1/media/" + id);
  auto nothing = get(server, u[2], "/v1/media/" + std::string(64, 'a'));
  auto malformed = get(server, u[2], "/v1/media/..%2F..%2Fparley.db");
  for (const auto* r : {&stranger, &nothing, &malformed}) {
    EXPECT_EQ(r->status, 404);
    EXPECT_EQ(r->body, stranger.body);
  }
  // Nor may a stranger attach it to a message of their own.
  auto c = connect(server, u[2]);
  auto refused = send_media(*c, "to", u[0].user, id, "", "c1");
  EXPECT_EQ(str(refused, "code"), "no_such_media");
  // Bad tokens are refused before anything else.
  EXPECT_EQ(http_raw(server.port(), "GET", "/v1/media/" + id, {{"Authorization", "Bearer nope"}}).status, 401);
  EXPECT_EQ(http_raw(server.port(), "POST", "/v1/media", {{"Upload-Length", "3"}}, "abc").status, 401);
}

TEST(Media, a_file_resumes_after_a_break_comes_back_byte_exact_and_the_same_bytes_are_stored_once) {
  ServerProcess server;
  auto u = make_users(server, 2);
  const std::string bytes = noise(3 * 1024 * 1024 + 17, 7);
  auto opened = http_raw(server.port(), "POST", "/v1/media",
                         auth(u[0], {{"Content-Type", "application/octet-stream"},
                                     {"Upload-Length", std::to_string(bytes.size())},
                                     {"X-Parley-Name", "data.bin"}}));
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string up = std::string(json::parse(opened.body).at("upload").as_string());
  EXPECT_EQ(opened.header("location"), "/v1/media/uploads/" + up);
  const std::string url = "/v1/media/uploads/" + up;
  auto patch = [&](std::size_t at, std::size_t n, const TestUser& who) {
    return http_raw(server.port(), "PATCH", url, auth(who, {{"Upload-Offset", std::to_string(at)}}), bytes.substr(at, n));
  };
  auto first = patch(0, 1024 * 1024, u[0]);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(json::parse(first.body).at("offset").as_int64(), 1024 * 1024);
  // Someone else's upload does not exist for them.
  EXPECT_EQ(patch(1024 * 1024, 10, u[1]).status, 404);
  // A resend from the wrong offset is told where the upload stands.
  auto wrong = patch(0, 10, u[0]);
  EXPECT_EQ(wrong.status, 409);
  EXPECT_EQ(error_code(wrong), "offset_mismatch");
  EXPECT_EQ(json::parse(wrong.body).at("offset").as_int64(), 1024 * 1024);
  auto head = http_raw(server.port(), "HEAD", url, auth(u[0]));
  EXPECT_EQ(head.status, 204);
  EXPECT_EQ(head.header("upload-offset"), std::to_string(1024 * 1024));
  EXPECT_EQ(head.header("upload-length"), std::to_string(bytes.size()));
  // More than Upload-Length is refused, and nothing of it kept.
  auto over = http_raw(server.port(), "PATCH", url, auth(u[0], {{"Upload-Offset", std::to_string(1024 * 1024)}}),
                       bytes.substr(1024 * 1024) + "extra");
  EXPECT_EQ(over.status, 413);
  EXPECT_EQ(http_raw(server.port(), "HEAD", url, auth(u[0])).header("upload-offset"), std::to_string(1024 * 1024));
  auto last = patch(1024 * 1024, bytes.size(), u[0]);
  auto m = media_of(last);
  EXPECT_EQ(str(m, "kind"), "file");
  EXPECT_EQ(str(m, "name"), "data.bin");
  EXPECT_EQ(m.at("size").as_int64(), static_cast<std::int64_t>(bytes.size()));
  const std::string id = str(m, "id");
  EXPECT_EQ(http_raw(server.port(), "HEAD", url, auth(u[0])).status, 404) << "a finished upload is gone";

  auto back = get(server, u[0], "/v1/media/" + id);
  ASSERT_EQ(back.status, 200);
  EXPECT_TRUE(back.body == bytes) << "byte-exact round trip";
  EXPECT_EQ(back.header("content-type"), "application/octet-stream");
  EXPECT_EQ(back.header("content-disposition"), "attachment");
  // The same bytes from another user: the same id, stored once.
  const std::size_t objects = stored_objects(server);
  auto again = media_of(upload(server, u[1], bytes, "application/octet-stream"));
  EXPECT_EQ(str(again, "id"), id);
  EXPECT_EQ(stored_objects(server), objects);
  // A cancelled upload is gone.
  auto other = http_raw(server.port(), "POST", "/v1/media",
                        auth(u[0], {{"Content-Type", "text/plain"}, {"Upload-Length", "100"}}), "half");
  ASSERT_EQ(other.status, 201);
  std::string other_url = "/v1/media/uploads/" + std::string(json::parse(other.body).at("upload").as_string());
  EXPECT_EQ(http_raw(server.port(), "DELETE", other_url, auth(u[0])).status, 204);
  EXPECT_EQ(http_raw(server.port(), "HEAD", other_url, auth(u[0])).status, 404);
}

TEST(Media, ranges_and_etags_answer_as_http_says) {
  ServerProcess server;
  auto u = make_users(server, 1);
  const std::string bytes = noise(1000, 3);
  const std::string id = str(media_of(upload(server, u[0], bytes, "application/octet-stream")), "id");
  const std::string path = "/v1/media/" + id;
  auto part = get(server, u[0], path, {{"Range", "bytes=10-19"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, bytes.substr(10, 10));
  EXPECT_EQ(part.header("content-range"), "bytes 10-19/1000");
  auto tail = get(server, u[0], path, {{"Range", "bytes=-5"}});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, bytes.substr(995));
  auto open_end = get(server, u[0], path, {{"Range", "bytes=990-"}});
  EXPECT_EQ(open_end.body, bytes.substr(990));
  auto past = get(server, u[0], path, {{"Range", "bytes=1000-"}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.header("content-range"), "bytes */1000");
  EXPECT_EQ(get(server, u[0], path, {{"Range", "bytes=0-1,5-6"}}).status, 200) << "several ranges: the whole";
  EXPECT_EQ(get(server, u[0], path, {{"If-None-Match", "\"" + id + "\""}}).status, 304);
  auto head = http_raw(server.port(), "HEAD", path, auth(u[0]));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), "1000");
  EXPECT_EQ(head.body, "");
}

TEST(Media, wrong_types_programs_and_oversized_uploads_are_refused_with_a_reason) {
  ServerProcess server;
  auto u = make_users(server, 1);
  const std::string pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
  auto mismatch = upload(server, u[0], pdf, "image/jpeg");
  EXPECT_EQ(mismatch.status, 415);
  EXPECT_EQ(error_code(mismatch), "unsupported_media");
  EXPECT_NE(mismatch.body.find("pdf"), std::string::npos) << mismatch.body;
  EXPECT_EQ(str(media_of(upload(server, u[0], pdf, "application/pdf")), "kind"), "file") << "as what it is: fine";
  // An x86-64 ELF executable's header: e_ident, e_type 2 (EXEC), e_machine 0x3e, e_version 1.
  std::string elf = std::string("\x7f" "ELF\x02\x01\x01\x00", 8) + std::string(8, '\0') +
                    std::string("\x02\x00\x3e\x00\x01\x00\x00\x00", 8) + std::string(400, '\0');
  auto program = upload(server, u[0], elf, "application/octet-stream");
  EXPECT_EQ(program.status, 415);
  auto script = upload(server, u[0], "#!/bin/sh\nrm -rf /\n", "text/plain");
  EXPECT_EQ(script.status, 415);
  auto big = http_raw(server.port(), "POST", "/v1/media",
                      auth(u[0], {{"Content-Type", "image/png"}, {"Upload-Length", std::to_string(17 << 20)}}));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(error_code(big), "too_large");
  auto broken = upload(server, u[0], camera_jpeg(300, 200, 1).substr(0, 400), "image/jpeg");
  EXPECT_EQ(broken.status, 415) << "a truncated photo does not decode";
  EXPECT_EQ(http_raw(server.port(), "POST", "/v1/media", auth(u[0], {{"Upload-Length", "x"}})).status, 400);
  EXPECT_EQ(http_raw(server.port(), "POST", "/v1/media",
                     auth(u[0], {{"Upload-Length", "5"}, {"X-Parley-Kind", "program"}}), "abcde")
                .status,
            400);
  // The server still serves.
  EXPECT_TRUE(message_round_trip(server, u[0], u[0]));
}

TEST(Media, group_members_read_what_they_could_read_and_avatars_are_for_members) {
  ServerProcess server;
  auto u = make_users(server, 4);
  auto a = connect(server, u[0]);
  const std::string early = str(media_of(upload(server, u[0], noise(500, 1), "application/octet-stream")), "id");
  const std::string late = str(media_of(upload(server, u[0], noise(500, 2), "application/octet-stream")), "id");
  const std::string avatar = str(media_of(upload(server, u[0], camera_jpeg(200, 200, 1), "image/jpeg")), "id");
  auto created = request(*a, {{"type", "create"}, {"id", "g1"}, {"kind", "group"}, {"name", "team"},
                              {"members", json::array{u[1].user}}});
  ASSERT_EQ(str(created, "type"), "done") << json::serialize(created);
  const std::int64_t chat = created.at("chat").as_int64();
  ASSERT_EQ(str(send_media(*a, "chat", chat, early, "", "m1"), "type"), "ack");
  // c joins after the first media: not theirs to read. b reads it.
  ASSERT_EQ(str(request(*a, {{"type", "change"}, {"id", "g2"}, {"chat", chat}, {"op", "add"},
                             {"users", json::array{u[2].user}}}), "type"), "done");
  EXPECT_EQ(get(server, u[1], "/v1/media/" + early).status, 200);
  EXPECT_EQ(get(server, u[2], "/v1/media/" + early).status, 404);
  // b is removed; what comes after is not b's.
  ASSERT_EQ(str(request(*a, {{"type", "change"}, {"id", "g3"}, {"chat", chat}, {"op", "remove"},
                             {"users", json::array{u[1].user}}}), "type"), "done");
  ASSERT_EQ(str(send_media(*a, "chat", chat, late, "", "m2"), "type"), "ack");
  EXPECT_EQ(get(server, u[1], "/v1/media/" + early).status, 200) << "a former member keeps what they had";
  EXPECT_EQ(get(server, u[1], "/v1/media/" + late).status, 404);
  EXPECT_EQ(get(server, u[2], "/v1/media/" + late).status, 200);
  // The avatar: media the admin may read; members then see it, outsiders do not.
  auto bad = request(*a, {{"type", "change"}, {"id", "g4"}, {"chat", chat}, {"op", "avatar"}, {"avatar", std::string(64, 'b')}});
  EXPECT_EQ(str(bad, "code"), "no_such_media");
  ASSERT_EQ(str(request(*a, {{"type", "change"}, {"id", "g5"}, {"chat", chat}, {"op", "avatar"}, {"avatar", avatar}}),
                "type"),
            "done");
  EXPECT_EQ(get(server, u[2], "/v1/media/" + avatar).status, 200);
  EXPECT_EQ(get(server, u[3], "/v1/media/" + avatar).status, 404);
  EXPECT_EQ(get(server, u[1], "/v1/media/" + avatar).status, 404) << "removed before the avatar was set";
}

TEST(Media, media_nothing_refers_to_are_swept_after_the_grace_period) {
  ServerProcess server({"testing.clock_control=true", "media.grace_h=1", "media.sweep_interval_s=1"});
  auto u = make_users(server, 2);
  const std::string kept = str(media_of(upload(server, u[0], noise(800, 4), "application/octet-stream")), "id");
  const std::string dropped = str(media_of(upload(server, u[0], noise(800, 5), "application/octet-stream")), "id");
  const std::string photo = str(media_of(upload(server, u[0], camera_jpeg(400, 300, 1), "image/jpeg")), "id");
  auto a = connect(server, u[0]);
  ASSERT_EQ(str(send_media(*a, "to", u[1].user, kept, "", "k1"), "type"), "ack");
  const std::size_t before = stored_objects(server);
  EXPECT_EQ(before, 4u) << "two files, a photo and its preview";
  // Within the grace period nothing goes.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(get(server, u[0], "/v1/media/" + dropped).status, 200);
  auto moved = http_raw(server.admin_endpoint().port.empty() ? server.port() : static_cast<unsigned short>(std::stoi(server.admin_endpoint().port)),
                        "POST", "/v1/admin/clock", {{"Authorization", std::string("Bearer ") + kAdminSecret}},
                        R"({"advance_ms": 7200000})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_TRUE(eventually([&] { return get(server, u[0], "/v1/media/" + dropped).status == 404; }));
  EXPECT_TRUE(eventually([&] { return stored_objects(server) == 1; })) << "the photo and its preview went too";
  EXPECT_EQ(get(server, u[0], "/v1/media/" + photo).status, 404);
  auto still = get(server, u[1], "/v1/media/" + kept);
  EXPECT_EQ(still.status, 200) << "sent in a message: kept";
}

TEST(Media, a_users_avatar_is_for_those_who_share_a_chat_and_the_chat_list_names_the_last_media) {
  ServerProcess server;
  auto u = make_users(server, 3);
  const std::string face = str(media_of(upload(server, u[0], camera_jpeg(300, 300, 1), "image/jpeg")), "id");
  const std::string doc = str(media_of(upload(server, u[0], "%PDF-1.4\n%%EOF\n", "application/pdf",
                                              {{"X-Parley-Name", "plan.pdf"}})), "id");
  auto put = [&](const TestUser& who, const std::string& id) {
    return http_raw(server.port(), "PUT", "/v1/me/avatar", auth(who, {{"Content-Type", "application/json"}}),
                    json::serialize(json::object{{"avatar", id}}));
  };
  EXPECT_EQ(put(u[0], doc).status, 404) << "an avatar is an image";
  EXPECT_EQ(error_code(put(u[1], face)), "no_such_media") << "someone else's photo";
  ASSERT_EQ(put(u[0], face).status, 200);
  auto a = connect(server, u[0]);
  ASSERT_EQ(str(send_media(*a, "to", u[1].user, doc, "", "d1"), "type"), "ack");
  EXPECT_EQ(get(server, u[1], "/v1/media/" + face).status, 200) << "b shares a chat with a";
  EXPECT_EQ(get(server, u[2], "/v1/media/" + face).status, 404) << "c does not";
  auto chats = http_raw(server.port(), "GET", "/v1/chats", auth(u[1]));
  ASSERT_EQ(chats.status, 200);
  const json::value list = json::parse(chats.body);
  const auto& first = list.at("chats").as_array().at(0).as_object();
  EXPECT_EQ(str(first, "peer_avatar"), face);
  const auto& last = first.at("last_media").as_object();
  EXPECT_EQ(str(last, "kind"), "file");
  EXPECT_EQ(str(last, "name"), "plan.pdf");
  EXPECT_FALSE(last.contains("thumbnail"));
  ASSERT_EQ(put(u[0], "").status, 200);
  EXPECT_EQ(get(server, u[1], "/v1/media/" + face).status, 404) << "no longer an avatar";
}

TEST(Media, room_members_read_media_posted_after_they_joined_and_strangers_do_not) {
  ServerProcess server;
  auto u = make_users(server, 3);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto created = request(*a, {{"type", "create"}, {"id", "r1"}, {"kind", "room"}, {"name", "news"}, {"public", true}});
  ASSERT_EQ(str(created, "type"), "done") << json::serialize(created);
  const std::int64_t room = created.at("chat").as_int64();
  const std::string before = str(media_of(upload(server, u[0], noise(600, 8), "application/octet-stream")), "id");
  ASSERT_EQ(str(send_media(*a, "chat", room, before, "", "rm1"), "type"), "ack");
  ASSERT_EQ(str(request(*b, {{"type", "join"}, {"id", "j1"}, {"chat", room}}), "type"), "done");
  const std::string photo = str(media_of(upload(server, u[0], camera_jpeg(640, 480, 1), "image/jpeg")), "id");
  ASSERT_EQ(str(send_media(*a, "chat", room, photo, "today", "rm2"), "type"), "ack");
  auto msg = next_media_msg(*b);
  ASSERT_TRUE(msg) << "room posts reach members with their media";
  EXPECT_EQ(str(msg->at("media").as_object(), "id"), photo);
  EXPECT_EQ(get(server, u[1], "/v1/media/" + photo).status, 200);
  EXPECT_EQ(get(server, u[1], "/v1/media/" + before).status, 404) << "posted before b joined";
  EXPECT_EQ(get(server, u[2], "/v1/media/" + photo).status, 404) << "not a member";
}

}  // namespace
}  // namespace parley::testing
