// Media in cluster mode (issue 16): a photo uploaded on one node is sent, received and
// downloaded on another, with the bytes in the cluster's S3-compatible store (s3rver) or
// in a directory every node mounts. Uploads in progress belong to the node that opened them.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "support/http_raw.h"
#include "support/media_samples.h"
#include "support/raw_ws.h"
#include "support/server_process.h"
#include "support/services.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

struct MediaCluster {
  explicit MediaCluster(std::vector<std::string> media) {
    const auto& services = Services::shared();
    auto overrides = services.node_overrides(services.fresh_database());
    overrides.insert(overrides.end(), media.begin(), media.end());
    for (int i = 0; i < 2; ++i) {
      auto o = overrides;
      o.push_back("bus.node_id=media-node-" + std::to_string(i));
      node.push_back(std::make_unique<ServerProcess>(o));
    }
  }
  std::vector<std::unique_ptr<ServerProcess>> node;
};

std::string str(const json::value& o, const char* key) {
  return o.as_object().contains(key) ? std::string(o.at(key).as_string()) : "";
}

void upload_on_one_node_download_on_the_other(MediaCluster& c) {
  auto u = make_users(*c.node[0], 3);
  const std::string photo = camera_jpeg(1000, 800, 1);
  auto up = http_raw(c.node[0]->port(), "POST", "/v1/media",
                     {{"Authorization", "Bearer " + u[0].token}, {"Content-Type", "image/jpeg"},
                      {"Upload-Length", std::to_string(photo.size())}},
                     photo);
  ASSERT_EQ(up.status, 200) << up.body;
  const std::string id = str(json::parse(up.body).at("media"), "id");

  RawWs a(c.node[0]->port(), u[0].token), b(c.node[1]->port(), u[1].token);
  ASSERT_TRUE(a.recv_type("hello"));
  ASSERT_TRUE(b.recv_type("hello"));
  b.send(R"({"type":"sync"})");  // live updates follow the catch-up
  ASSERT_TRUE(b.recv_type("synced"));
  a.send(json::serialize(json::object{{"type", "send"}, {"id", "x1"}, {"to", u[1].user}, {"text", "from node 0"},
                                      {"media", {{"id", id}}}}));
  ASSERT_TRUE(a.recv_type("ack"));
  auto msg = b.recv_type("msg", 15000);
  ASSERT_TRUE(msg);
  ASSERT_EQ(str(msg->at("media"), "id"), id);

  auto here = http_raw(c.node[0]->port(), "GET", "/v1/media/" + id, {{"Authorization", "Bearer " + u[0].token}});
  auto there = http_raw(c.node[1]->port(), "GET", "/v1/media/" + id, {{"Authorization", "Bearer " + u[1].token}});
  ASSERT_EQ(there.status, 200) << there.body;
  EXPECT_TRUE(here.body == there.body) << "the same bytes from either node";
  EXPECT_TRUE(look_at_image(there.body).decoded);
  auto preview = http_raw(c.node[1]->port(), "GET", "/v1/media/" + id + "/preview",
                          {{"Authorization", "Bearer " + u[1].token}, {"Range", "bytes=0-1"}});
  EXPECT_EQ(preview.status, 206);
  EXPECT_EQ(preview.body, "\xff\xd8");
  EXPECT_EQ(http_raw(c.node[1]->port(), "GET", "/v1/media/" + id, {{"Authorization", "Bearer " + u[2].token}}).status,
            404);

  // An upload in progress lives on the node that opened it: the other node does not know it.
  auto opened = http_raw(c.node[0]->port(), "POST", "/v1/media",
                         {{"Authorization", "Bearer " + u[0].token}, {"Content-Type", "text/plain"},
                          {"Upload-Length", "10"}},
                         "hello");
  ASSERT_EQ(opened.status, 201);
  std::string url = "/v1/media/uploads/" + str(json::parse(opened.body), "upload");
  EXPECT_EQ(http_raw(c.node[1]->port(), "HEAD", url, {{"Authorization", "Bearer " + u[0].token}}).status, 404);
  auto rest = http_raw(c.node[0]->port(), "PATCH", url, {{"Authorization", "Bearer " + u[0].token}, {"Upload-Offset", "5"}},
                       " you!");
  EXPECT_EQ(rest.status, 200) << rest.body;
}

TEST(MediaCluster, on_s3_a_photo_uploaded_on_one_node_is_downloaded_on_another) {
  MediaCluster c(Services::shared().s3_overrides());
  upload_on_one_node_download_on_the_other(c);
}

TEST(MediaCluster, on_a_shared_directory_a_photo_uploaded_on_one_node_is_downloaded_on_another) {
  auto dir = std::filesystem::temp_directory_path() / ("parley-media-" + std::to_string(::getpid()));
  {
    MediaCluster c({"media.backend=fs", "media.dir=" + dir.string()});
    upload_on_one_node_download_on_the_other(c);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace parley::testing
