// Small video and audio files written with FFmpeg's own encoders, so av_test.cc knows
// exactly what is in them. Each returns an empty string, or what went wrong.
#pragma once

#include <string>

namespace parley::media::samples {

struct Video {
  int width = 320, height = 240;
  double seconds = 2;  // at 10 frames a second
  // The container says "turn 90° clockwise to view", as a phone held upright records.
  bool sideways = false;
  const char* encoder = "mpeg4";  // MPEG-4 Part 2, or "libx264" (H.264)
};

// A video in MP4. Every frame: its left half red, its right half blue.
std::string write_video(const std::string& path, const Video& video);

struct Tone {
  const char* encoder = "libopus";  // or "aac"
  const char* container = "ogg";    // or "mp4"
  double silence_seconds = 1;       // first silence,
  double tone_seconds = 1;          // then a loud 440 Hz tone (mono, 48 kHz)
};

std::string write_tone(const std::string& path, const Tone& tone);

}  // namespace parley::media::samples
