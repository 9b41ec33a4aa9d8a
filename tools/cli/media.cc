// The media commands: send-file (upload, then send a message naming the media; waits for
// its ack) and download (by media id, into a .part file resumed when run again, renamed
// once complete). Progress goes to stderr when it is a terminal.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <utility>

#include "cli/commands.h"
#include "cli/render.h"
#include "parley/media.h"
#include "parley/session.h"

namespace parley::cli {

namespace fs = std::filesystem;

namespace {

// Extension (lowercase, no dot) and the type it names. The server reads the real type from
// the bytes; this is only what the upload declares.
constexpr std::pair<const char*, const char*> kTypes[] = {
    {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"png", "image/png"},        {"webp", "image/webp"},
    {"gif", "image/gif"},  {"heic", "image/heic"}, {"mp4", "video/mp4"},        {"mov", "video/quicktime"},
    {"webm", "video/webm"}, {"3gp", "video/3gpp"}, {"ogg", "audio/ogg"},        {"opus", "audio/ogg"},
    {"m4a", "audio/mp4"},  {"aac", "audio/aac"},   {"mp3", "audio/mpeg"},
};

std::string content_type_for(const fs::path& path) {
  std::string ext = path.extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return std::tolower(ch); });
  for (auto [e, type] : kTypes)
    if (ext == e) return type;
  return "application/octet-stream";
}

// ".jpg" for "image/jpeg": the first extension of the table naming the type; "" if none.
std::string extension_for(const std::string& mime) {
  std::string type = mime.substr(0, mime.find(';'));
  for (auto [e, t] : kTypes)
    if (type == t) return std::string(".") + e;
  return {};
}

// "uploading x.jpg  45% (1.2 MB of 2.6 MB)" rewritten in place on a terminal; nothing otherwise.
class Progress {
 public:
  explicit Progress(std::string what) : what_(std::move(what)), shown_(isatty(STDERR_FILENO) == 1) {}
  ~Progress() { end(); }
  void show(std::uint64_t done, std::uint64_t total) {
    if (!shown_ || total == 0) return;
    int percent = static_cast<int>(done * 100 / total);
    if (percent == percent_) return;
    percent_ = percent;
    std::cerr << "\r" << what_ << "  " << percent << "% (" << human_bytes(done) << " of " << human_bytes(total)
              << ")\033[K" << std::flush;
  }
  void end() {
    if (shown_ && percent_ >= 0) std::cerr << "\n";
    percent_ = -1;
  }

 private:
  std::string what_;
  bool shown_;
  int percent_ = -1;
};

}  // namespace

int cmd_send_file(Context& c, const std::string& who, std::int64_t chat, const std::string& path,
                  const std::string& caption, const std::string& as) {
  if (int rc = c.signed_in()) return rc;
  if (who.empty() == (chat == 0)) return fail("name a recipient (phone or user id) or --chat ID, not both");
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return fail(path + " is not a file");
  std::int64_t to = 0;
  if (chat == 0)
    if (int rc = resolve_user(c, who, to)) return rc;
  client::UploadOptions options;
  options.content_type = content_type_for(path);
  options.kind = as;
  options.name = fs::path(path).filename().string();
  Progress progress("uploading " + fs::path(path).filename().string());
  options.on_progress = [&](std::uint64_t sent, std::uint64_t total) { progress.show(sent, total); };
  auto up = client::upload_file(c.endpoint, c.profile.token, path, options);
  progress.end();
  if (!up.ok()) return fail("upload failed: " + explain(up.http));
  print_uploaded(up.media);
  // The name again: what the send names is what recipients see, whatever the server kept.
  client::MediaRef media{std::string(up.media.at("id").as_string()), options.name};
  client::Session s(one_shot_options(c));
  return await_sent(c, s, chat ? s.send_media_to_chat(chat, media, caption) : s.send_media_to_user(to, media, caption));
}

int cmd_download(Context& c, const std::string& id, std::string output, bool preview, bool force) {
  if (int rc = c.signed_in()) return rc;
  if (!client::valid_media_id(id)) return fail("not a media id (64 hex digits): " + id);
  auto head = client::media_head(c.endpoint, c.profile.token, id, preview);
  if (head.http.status == 404)
    return fail("not_found: no such " + std::string(preview ? "preview" : "media") + ", or not yours to download");
  if (!head.ok()) return fail("cannot download: " + explain(head.http));
  if (output.empty()) output = id + (preview ? ".preview" : "") + extension_for(head.mime);
  std::error_code ec;
  if (fs::exists(output, ec) && !force) return fail(output + " exists; --force overwrites it");
  const std::string part = output + ".part";  // what an interrupted run left: resumed
  std::uint64_t have = fs::is_regular_file(part, ec) ? fs::file_size(part, ec) : 0;
  if (ec || have > head.size) have = 0;
  std::ofstream out(part, std::ios::binary | (have > 0 ? std::ios::app : std::ios::trunc));
  if (!out) return fail("cannot write " + part);
  client::DownloadOptions options;
  options.preview = preview;
  options.offset = have;
  Progress progress("downloading " + output);
  options.on_progress = [&](std::uint64_t got, std::uint64_t total) { progress.show(got, total); };
  auto r = client::download(c.endpoint, c.profile.token, id, out, options);
  progress.end();
  out.close();
  if (!r.ok()) {
    if (r.http.status != 0) fs::remove(part, ec);  // refused: nothing to resume
    return fail("download failed: " + explain(r.http) + (r.http.status == 0 ? " (run it again to resume)" : ""));
  }
  if (!out) return fail("cannot write " + part);
  fs::rename(part, output, ec);
  if (ec) return fail("cannot rename " + part + " to " + output + ": " + ec.message());
  print_downloaded(output, head.mime, r.size);
  return 0;
}

}  // namespace parley::cli
