// A voice note's waveform (see waveform.h).
#include "media/waveform.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace parley::media {

void Waveform::add(const double* power, std::size_t samples, int sample_rate) {
  if (window_ == 0) window_ = std::max(1, sample_rate / 100);
  for (std::size_t i = 0; i < samples; ++i) {
    sum_ += std::isfinite(power[i]) ? power[i] : 0.0;
    if (++in_window_ == window_) close_window();
  }
}

void Waveform::close_window() {
  windows_.push_back(static_cast<float>(sum_ / in_window_));
  sum_ = 0;
  in_window_ = 0;
}

std::string Waveform::bars() {
  if (in_window_ > 0) close_window();
  std::array<double, kWaveformBars> rms{};
  // Bar b covers windows [b n / bars, (b + 1) n / bars); with fewer windows than bars, a
  // window spans several bars.
  const std::size_t n = windows_.size();
  for (std::size_t b = 0; n > 0 && b < rms.size(); ++b) {
    const std::size_t lo = b * n / rms.size(), hi = std::max(lo + 1, (b + 1) * n / rms.size());
    double sum = 0;
    for (std::size_t i = lo; i < hi; ++i) sum += windows_[i];
    rms[b] = std::sqrt(sum / static_cast<double>(hi - lo));
  }
  const double loudest = *std::max_element(rms.begin(), rms.end());
  std::string out(rms.size(), '\0');
  for (std::size_t b = 0; b < rms.size() && loudest > 0; ++b)
    out[b] = static_cast<char>(static_cast<std::uint8_t>(std::lround(255.0 * rms[b] / loudest)));
  return out;
}

}  // namespace parley::media
