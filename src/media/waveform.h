// A voice note's waveform: its loudness over time summed up as kWaveformBars bars, each the
// RMS of its stretch of time scaled to 0..255, the loudest bar 255 (all 0 for silence).
// Fed the decoded audio one run of samples at a time (media/av.cc); one thread at a time.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "media/av.h"

namespace parley::media {

class Waveform {
 public:
  // `power`: per sample, its mean square over the channels (full scale is 1.0). The first
  // run's sample rate sets the 10 ms windows that are kept until bars().
  void add(const double* power, std::size_t samples, int sample_rate);

  // kWaveformBars bytes; all zero before any sample.
  std::string bars();

 private:
  void close_window();

  std::vector<float> windows_;  // mean square per window
  int window_ = 0, in_window_ = 0;  // samples per window, and in the open one
  double sum_ = 0;
};

}  // namespace parley::media
