// Video and voice-note metadata (media/av.h). The samples are written here with FFmpeg's own
// encoders (av_samples.h), so what is in them is known: a 2 s video whose left half is red
// and right half blue, upright or recorded sideways; a voice note of 1 s of silence, then
// 1 s of a loud tone. Damaged, foreign and hostile files are refused without a crash.
#include "media/av.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <vips/vips.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "av_samples.h"

namespace parley::media {
namespace {

namespace fs = std::filesystem;

class Av : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parley-av-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string video(const std::string& name, samples::Video v = {}) {
    const std::string p = path(name);
    const std::string e = samples::write_video(p, v);
    EXPECT_EQ(e, "");
    return p;
  }
  std::string tone(const std::string& name, samples::Tone t = {}) {
    const std::string p = path(name);
    const std::string e = samples::write_tone(p, t);
    EXPECT_EQ(e, "");
    return p;
  }
  std::string file(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
    return path(name);
  }

  fs::path dir_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct Picture {
  int width = 0, height = 0;
  VipsImage* img = nullptr;
  explicit Picture(const std::string& jpeg) {
    img = vips_image_new_from_buffer(jpeg.data(), jpeg.size(), "", nullptr);
    if (img) width = vips_image_get_width(img), height = vips_image_get_height(img);
  }
  ~Picture() {
    if (img) g_object_unref(img);
  }
  // "red", "blue" or "other" at (x, y).
  std::string colour(int x, int y) const {
    double* v = nullptr;
    int n = 0;
    if (!img || vips_getpoint(img, &v, &n, x, y, nullptr) != 0 || n < 3) return "unreadable";
    const std::string c = v[0] > 180 && v[2] < 90 ? "red" : v[2] > 180 && v[0] < 90 ? "blue" : "other";
    g_free(v);
    return c;
  }
};

void expect_about(std::int64_t ms, std::int64_t expected) {
  EXPECT_GE(ms, expected * 9 / 10);
  EXPECT_LE(ms, expected * 11 / 10);
}

TEST_F(Av, video_gives_its_duration_size_and_a_poster_preview_and_thumbnail) {
  auto info = probe_video(video("clip.mp4"));
  ASSERT_TRUE(info) << info.status().message();
  expect_about(info->duration_ms, 2000);
  EXPECT_EQ(info->width, 320);
  EXPECT_EQ(info->height, 240);
  EXPECT_EQ(info->waveform, "");
  Picture preview(info->preview);
  EXPECT_EQ(preview.width, 320);
  EXPECT_EQ(preview.height, 240);
  EXPECT_EQ(preview.colour(60, 120), "red");
  EXPECT_EQ(preview.colour(260, 120), "blue");
  Picture thumb(info->thumbnail);
  EXPECT_EQ(thumb.width, 64);
  EXPECT_EQ(thumb.height, 48);
  EXPECT_LT(info->thumbnail.size(), 2048u) << "small enough to travel inside a message";
}

TEST_F(Av, an_h264_video_with_large_frames_is_postered_at_preview_size) {
  auto info = probe_video(video("wide.mp4", {.width = 1280, .height = 720, .seconds = 1, .encoder = "libx264"}));
  ASSERT_TRUE(info) << info.status().message();
  EXPECT_EQ(info->width, 1280);
  EXPECT_EQ(info->height, 720);
  Picture preview(info->preview);
  EXPECT_EQ(preview.width, 320);
  EXPECT_EQ(preview.height, 180);
  EXPECT_EQ(preview.colour(40, 90), "red");
  EXPECT_EQ(Picture(info->thumbnail).width, 64);
}

TEST_F(Av, a_video_recorded_sideways_is_reported_and_postered_upright) {
  auto info = probe_video(video("portrait.mp4", {.sideways = true}));
  ASSERT_TRUE(info) << info.status().message();
  EXPECT_EQ(info->width, 240);
  EXPECT_EQ(info->height, 320);
  Picture preview(info->preview);
  EXPECT_EQ(preview.width, 240);
  EXPECT_EQ(preview.height, 320);
  // Turned a quarter clockwise: the frame's left (red) is now on top.
  EXPECT_EQ(preview.colour(120, 60), "red");
  EXPECT_EQ(preview.colour(120, 260), "blue");
  Picture thumb(info->thumbnail);
  EXPECT_EQ(thumb.width, 48);
  EXPECT_EQ(thumb.height, 64);
}

TEST_F(Av, an_audio_only_file_as_video_gives_its_duration_and_no_poster) {
  auto info = probe_video(tone("audio.mp4", {.encoder = "aac", .container = "mp4"}));
  ASSERT_TRUE(info) << info.status().message();
  expect_about(info->duration_ms, 2000);
  EXPECT_EQ(info->width, 0);
  EXPECT_EQ(info->preview, "");
  EXPECT_EQ(info->thumbnail, "");
}

void expect_silence_then_tone(const std::string& waveform) {
  ASSERT_EQ(waveform.size(), static_cast<std::size_t>(kWaveformBars));
  for (int b = 0; b < kWaveformBars; ++b) {
    const int bar = static_cast<std::uint8_t>(waveform[static_cast<std::size_t>(b)]);
    if (b < 30) {
      EXPECT_LT(bar, 20) << "bar " << b << " is in the silence";
    } else if (b >= 34) {
      EXPECT_GT(bar, 200) << "bar " << b << " is in the tone";
    }
  }
}

TEST_F(Av, voice_note_in_ogg_opus_gives_its_duration_and_a_waveform_that_follows_its_loudness) {
  auto info = probe_voice(tone("voice.ogg"));
  ASSERT_TRUE(info) << info.status().message();
  expect_about(info->duration_ms, 2000);
  expect_silence_then_tone(info->waveform);
  EXPECT_EQ(info->preview, "");
}

TEST_F(Av, voice_note_in_aac_gives_its_duration_and_waveform) {
  auto info = probe_voice(tone("voice.m4a", {.encoder = "aac", .container = "mp4"}));
  ASSERT_TRUE(info) << info.status().message();
  expect_about(info->duration_ms, 2000);
  expect_silence_then_tone(info->waveform);
}

TEST_F(Av, decoding_a_voice_note_stops_at_the_limit) {
  AvLimits limits;
  limits.max_decoded_ms = 1500;
  auto info = probe_voice(tone("long.ogg", {.silence_seconds = 1, .tone_seconds = 3}), limits);
  ASSERT_TRUE(info) << info.status().message();
  expect_about(info->duration_ms, 4000);  // the container's
  // Only the first 1.5 s were summed up: two thirds silence, then the tone's start.
  ASSERT_EQ(info->waveform.size(), static_cast<std::size_t>(kWaveformBars));
  EXPECT_LT(static_cast<std::uint8_t>(info->waveform[30]), 20);
  EXPECT_GT(static_cast<std::uint8_t>(info->waveform.back()), 200);
}

TEST_F(Av, garbage_empty_and_truncated_files_are_refused_without_crashing) {
  const std::string clip = slurp(video("clip.mp4"));
  const std::string voice = slurp(tone("voice.ogg"));
  std::mt19937 rng(16);
  std::string noise(20'000, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  const std::string bad[] = {
      file("empty", ""),
      file("text", "hello, this is not a video\n"),
      file("noise", noise),
      file("clip-half.mp4", clip.substr(0, clip.size() / 2)),  // its index is at the end
      file("voice-head.ogg", voice.substr(0, 100)),
  };
  for (const auto& p : bad) {
    for (auto* probe : {&probe_video, &probe_voice}) {
      auto r = (*probe)(p, AvLimits{});
      ASSERT_FALSE(r) << p;
      EXPECT_EQ(r.status().code(), Code::kInvalid) << p;
      EXPECT_NE(r.status().message(), "") << p;
    }
  }
  auto missing = probe_video(path("not-there.mp4"));
  EXPECT_EQ(missing.status().code(), Code::kInvalid);
}

TEST_F(Av, a_video_none_of_whose_pictures_decode_is_refused) {
  std::string clip = slurp(video("clip.mp4"));
  // Zero the media data, keep the index: every packet is there and none decodes.
  const auto mdat = clip.find("mdat");
  ASSERT_NE(mdat, std::string::npos);
  const auto end = clip.find("moov", mdat);
  ASSERT_NE(end, std::string::npos);
  std::fill(clip.begin() + static_cast<long>(mdat) + 4, clip.begin() + static_cast<long>(end) - 4, '\0');
  auto info = probe_video(file("zeroed.mp4", clip));
  ASSERT_FALSE(info);
  EXPECT_EQ(info.status().code(), Code::kInvalid);
  EXPECT_NE(info.status().message().find("no frame"), std::string::npos) << info.status().message();
}

TEST_F(Av, frames_over_the_pixel_limit_are_refused) {
  AvLimits limits;
  limits.max_pixels = 320 * 240 - 1;
  // H.264 in MP4: the size is in the header, refused before anything is decoded.
  auto h264 = probe_video(video("h264.mp4", {.encoder = "libx264"}), limits);
  ASSERT_FALSE(h264);
  EXPECT_NE(h264.status().message().find("76800 pixels"), std::string::npos) << h264.status().message();
  // MPEG-4 Part 2 in MP4: the size is known only by decoding; the decoder refuses the frames.
  auto mpeg4 = probe_video(video("mpeg4.mp4"), limits);
  ASSERT_FALSE(mpeg4);
  EXPECT_EQ(mpeg4.status().code(), Code::kInvalid);
}

TEST_F(Av, a_voice_note_needs_audio) {
  auto info = probe_voice(video("clip.mp4"));
  ASSERT_FALSE(info);
  EXPECT_EQ(info.status().code(), Code::kInvalid);
  EXPECT_NE(info.status().message().find("no audio"), std::string::npos) << info.status().message();
}

TEST_F(Av, a_playlist_is_not_followed_to_other_files) {
  video("clip.mp4");
  const std::string playlist = file("list.m3u8",
                                    "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nclip.mp4\n"
                                    "#EXTINF:2,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n");
  for (auto* probe : {&probe_video, &probe_voice}) {
    auto r = (*probe)(playlist, AvLimits{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.status().code(), Code::kInvalid);
  }
}

TEST_F(Av, damaged_files_are_read_or_refused_never_crash) {
  const std::string originals[] = {slurp(video("clip.mp4")), slurp(video("portrait.mp4", {.sideways = true})),
                                   slurp(tone("voice.ogg")),
                                   slurp(tone("voice.m4a", {.encoder = "aac", .container = "mp4"}))};
  std::mt19937 rng(1616);
  for (const auto& original : originals) {
    for (int round = 0; round < 25; ++round) {
      std::string damaged = original;
      for (int i = 0; i < 20; ++i) damaged[rng() % damaged.size()] = static_cast<char>(rng());
      const std::string p = file("damaged", damaged);
      for (auto* probe : {&probe_video, &probe_voice}) {
        auto r = (*probe)(p, AvLimits{});
        if (!r) {
          EXPECT_EQ(r.status().code(), Code::kInvalid) << r.status().message();
        } else {
          EXPECT_LE(r->waveform.size(), static_cast<std::size_t>(kWaveformBars));
        }
      }
    }
  }
}

}  // namespace
}  // namespace parley::media
