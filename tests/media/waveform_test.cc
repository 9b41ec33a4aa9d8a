// The voice-note waveform summary (media/waveform.h): 64 bars, the loudest 255, following
// the loudness over time however long or short the note is.
#include "media/waveform.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace parley::media {
namespace {

int bar(const std::string& bars, int i) { return static_cast<std::uint8_t>(bars[static_cast<std::size_t>(i)]); }

TEST(Waveform, silence_gives_all_zero_bars) {
  Waveform w;
  std::vector<double> power(48'000, 0.0);
  w.add(power.data(), power.size(), 48'000);
  EXPECT_EQ(w.bars(), std::string(kWaveformBars, '\0'));
  EXPECT_EQ(Waveform().bars(), std::string(kWaveformBars, '\0')) << "nothing decoded";
}

TEST(Waveform, bars_follow_the_loudness_and_the_loudest_is_255) {
  // 64 stretches of 100 ms at 8 kHz, stretch k with amplitude (k + 1) / 64.
  Waveform w;
  for (int k = 0; k < kWaveformBars; ++k) {
    const double amplitude = (k + 1) / 64.0;
    std::vector<double> power(800, amplitude * amplitude);
    w.add(power.data(), power.size(), 8'000);
  }
  const std::string bars = w.bars();
  ASSERT_EQ(bars.size(), static_cast<std::size_t>(kWaveformBars));
  EXPECT_EQ(bar(bars, 63), 255);
  EXPECT_NEAR(bar(bars, 31), 128, 1);
  EXPECT_NEAR(bar(bars, 0), 4, 1);
  for (int k = 1; k < kWaveformBars; ++k) EXPECT_GT(bar(bars, k), bar(bars, k - 1));
}

TEST(Waveform, a_note_shorter_than_the_bars_still_fills_them_all) {
  // 200 ms: 20 windows of 10 ms, the second half loud.
  Waveform w;
  std::vector<double> power(9'600, 0.0);
  std::fill(power.begin() + 4'800, power.end(), 0.25);
  w.add(power.data(), power.size(), 48'000);
  const std::string bars = w.bars();
  EXPECT_EQ(bar(bars, 0), 0);
  EXPECT_EQ(bar(bars, 31), 0);
  EXPECT_EQ(bar(bars, 32), 255);
  EXPECT_EQ(bar(bars, 63), 255);
}

TEST(Waveform, samples_that_are_not_numbers_count_as_silence) {
  Waveform w;
  std::vector<double> power(960, 0.5);
  power[3] = std::numeric_limits<double>::quiet_NaN();
  power[7] = std::numeric_limits<double>::infinity();
  w.add(power.data(), power.size(), 48'000);
  const std::string bars = w.bars();
  for (int b = 0; b < kWaveformBars; ++b) EXPECT_GE(bar(bars, b), 250) << "bar " << b;
}

}  // namespace
}  // namespace parley::media
