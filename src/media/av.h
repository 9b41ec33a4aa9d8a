// Video and voice-note metadata (issue 16, docs/media.md), read with FFmpeg's libraries from
// an upload staged on disk: a video's duration, upright size and poster frame; a voice note's
// duration and loudness summary. The files are stored as sent; only this metadata is made.
// Only the containers and codecs phones record are opened (no playlists, no other files or
// URLs), and the work is bounded, so a hostile file costs little. Any thread may call these.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace parley::media {

struct AvLimits {
  int preview_side = 320;                 // longest side of the poster preview
  int thumbnail_side = 64;                // longest side of the poster thumbnail
  std::uint64_t max_pixels = 50'000'000;  // larger frames are refused (by header or decoder)
  int max_video_packets = 50;             // packets decoded looking for the poster frame
  int max_packets = 2000;                 // packets read (of any stream) for the poster frame
  std::int64_t max_decoded_ms = 30 * 60 * 1000;  // of a voice note; the rest is not read
};

inline constexpr int kWaveformBars = 64;

struct AvInfo {
  std::int64_t duration_ms = 0;
  int width = 0, height = 0;   // video: as displayed (rotation and pixel aspect applied)
  std::string preview;         // video: poster frame, JPEG, upright; empty if none decodes
  std::string thumbnail;       // video: poster frame, JPEG, at most thumbnail_side
  std::string waveform;        // voice: kWaveformBars bytes, loudness 0..255 (loudest = 255)
};

// A video: duration, the first video stream's size and its first frame as poster. A file
// with audio only gives its duration and no poster. kInvalid (naming why) for a file that
// is not a video or audio file this server reads, a frame over max_pixels, or a video
// stream none of whose first max_video_packets packets decodes.
Result<AvInfo> probe_video(const std::string& path, const AvLimits& limits = {});

// A voice note: duration and waveform, from its first audio stream decoded (at most
// max_decoded_ms of it). kInvalid (naming why) for a file with no audio that decodes.
Result<AvInfo> probe_voice(const std::string& path, const AvLimits& limits = {});

}  // namespace parley::media
