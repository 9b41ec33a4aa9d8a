// Video and voice-note metadata with FFmpeg's C API (see av.h).
#include "media/av.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <mutex>
#include <vector>

#include "media/images.h"
#include "media/waveform.h"

namespace parley::media {

namespace {

// What is opened at all: the containers phones record (MP4/QuickTime/3GP, Matroska/WebM,
// Ogg, MP3, ADTS AAC; no playlists, which would open other files), from a local file only,
// and the decoders for what those carry. A stream of another codec is left undecoded.
constexpr const char* kFormats = "mov,mp4,matroska,webm,ogg,mp3,aac";
constexpr const char* kDecoders =
    "h264,hevc,mpeg4,h263,vp8,vp9,av1,libdav1d,"
    "aac,aac_fixed,opus,libopus,vorbis,libvorbis,mp3,mp3float,flac,amrnb,amrwb";

// A voice note's decoding stops after max_decoded_ms, or after as many sample values as
// that long in 48 kHz stereo, whichever comes first.
constexpr std::int64_t kSampleValuesPerMs = 48 * 2;

// FFmpeg's own log would go to stderr: it is off; failures come back as Status.
void quiet_ffmpeg() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

std::string av_error(int rc) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(rc, buf, sizeof buf);
  return buf;
}

struct CloseFormat {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct FreeCodec {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FreePacket {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FreeFrame {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct FreeSws {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using Format = std::unique_ptr<AVFormatContext, CloseFormat>;
using Codec = std::unique_ptr<AVCodecContext, FreeCodec>;
using Packet = std::unique_ptr<AVPacket, FreePacket>;
using Frame = std::unique_ptr<AVFrame, FreeFrame>;

// Options for a decoder: one thread (the query pool's threads are the parallelism), the
// pixel cap, the codec whitelist.
AVDictionary* decoder_options(const AvLimits& limits) {
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "threads", "1", 0);
  av_dict_set_int(&opts, "max_pixels", static_cast<std::int64_t>(std::min<std::uint64_t>(limits.max_pixels, INT32_MAX)), 0);
  av_dict_set(&opts, "codec_whitelist", kDecoders, 0);
  return opts;
}

// kInvalid if a video stream's frames are over the limit. Checked on the container's
// header before any frame is decoded (a decoder refusing a frame forgets its size).
Status check_pixels(const AVFormatContext* fmt, const AvLimits& limits) {
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    const AVStream* st = fmt->streams[i];
    if (st->codecpar->codec_type != AVMEDIA_TYPE_VIDEO || (st->disposition & AV_DISPOSITION_ATTACHED_PIC)) continue;
    const auto pixels = static_cast<std::uint64_t>(std::max(st->codecpar->width, 0)) *
                        static_cast<std::uint64_t>(std::max(st->codecpar->height, 0));
    if (pixels > limits.max_pixels)
      return Status(Code::kInvalid, "the video's frames have " + std::to_string(pixels) + " pixels; at most " +
                                        std::to_string(limits.max_pixels) + " are taken");
  }
  return Status::Ok();
}

Result<Format> open_input(const std::string& path, const AvLimits& limits) {
  quiet_ffmpeg();
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "format_whitelist", kFormats, 0);
  av_dict_set(&opts, "protocol_whitelist", "file", 0);
  av_dict_set(&opts, "codec_whitelist", kDecoders, 0);
  AVFormatContext* raw = nullptr;
  // "file:" so that a path is never read as another protocol's URL.
  int rc = avformat_open_input(&raw, ("file:" + path).c_str(), nullptr, &opts);
  av_dict_free(&opts);
  if (rc < 0) return Status(Code::kInvalid, "not a video or audio file this server reads: " + av_error(rc));
  Format fmt(raw);
  if (auto status = check_pixels(fmt.get(), limits); !status.ok()) return status;
  // Reading the stream parameters may decode a few frames: with the same limits.
  std::vector<AVDictionary*> per_stream(fmt->nb_streams);
  for (auto& d : per_stream) d = decoder_options(limits);
  rc = avformat_find_stream_info(fmt.get(), per_stream.empty() ? nullptr : per_stream.data());
  for (auto& d : per_stream) av_dict_free(&d);
  if (rc < 0) return Status(Code::kInvalid, "cannot read the file's streams: " + av_error(rc));
  return fmt;
}

// The first stream of the type that is not a cover picture, or null.
AVStream* first_stream(const AVFormatContext* fmt, AVMediaType type) {
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    AVStream* st = fmt->streams[i];
    if (st->codecpar->codec_type == type && !(st->disposition & AV_DISPOSITION_ATTACHED_PIC)) return st;
  }
  return nullptr;
}

std::int64_t duration_ms(const AVFormatContext* fmt, const AVStream* st) {
  std::int64_t ms = 0;
  if (fmt->duration > 0) {
    ms = fmt->duration / (AV_TIME_BASE / 1000);
  } else if (st && st->duration > 0 && st->time_base.num > 0 && st->time_base.den > 0) {
    ms = av_rescale_q(st->duration, st->time_base, AVRational{1, 1000});
  }
  return std::max<std::int64_t>(ms, 0);
}

Result<Codec> open_decoder(const AVStream* st, const AvLimits& limits) {
  const AVCodec* dec = avcodec_find_decoder(st->codecpar->codec_id);
  const std::string name = avcodec_get_name(st->codecpar->codec_id);
  if (!dec) return Status(Code::kInvalid, "no decoder for the " + name + " codec");
  Codec ctx(avcodec_alloc_context3(dec));
  if (!ctx) return Status(Code::kInternal, "out of memory");
  if (avcodec_parameters_to_context(ctx.get(), st->codecpar) < 0)
    return Status(Code::kInvalid, "bad " + name + " stream parameters");
  ctx->pkt_timebase = st->time_base;
  AVDictionary* opts = decoder_options(limits);
  const int rc = avcodec_open2(ctx.get(), dec, &opts);
  av_dict_free(&opts);
  if (rc < 0) return Status(Code::kInvalid, "the " + name + " codec is not one this server decodes: " + av_error(rc));
  return ctx;
}

// Hands every frame the decoder has ready to `take`, until it returns false (stop).
template <class Take>
bool drain(AVCodecContext* dec, AVFrame* frame, Take&& take) {
  while (avcodec_receive_frame(dec, frame) == 0) {
    const bool more = take(frame);
    av_frame_unref(frame);
    if (!more) return false;
  }
  return true;
}

// Decodes stream `index` from the current position, handing frames to `take` until it
// returns false, the file ends (then the decoder is flushed), or a cap is reached.
// Damaged packets are skipped. Returns true if the file was read to its end.
template <class Take>
bool decode(AVFormatContext* fmt, int index, AVCodecContext* dec, int max_packets, int max_stream_packets,
            Take&& take) {
  Packet pkt(av_packet_alloc());
  Frame frame(av_frame_alloc());
  if (!pkt || !frame) return false;
  for (int read = 0, sent = 0; read < max_packets && sent < max_stream_packets; ++read) {
    if (av_read_frame(fmt, pkt.get()) < 0) {
      if (avcodec_send_packet(dec, nullptr) == 0) drain(dec, frame.get(), take);
      return true;
    }
    if (pkt->stream_index != index) {
      av_packet_unref(pkt.get());
      continue;
    }
    ++sent;
    const int rc = avcodec_send_packet(dec, pkt.get());
    av_packet_unref(pkt.get());
    if (rc < 0) continue;
    if (!drain(dec, frame.get(), take)) return false;
  }
  // A decoder with delay still holds the first frames.
  if (avcodec_send_packet(dec, nullptr) == 0) drain(dec, frame.get(), take);
  return false;
}

// Quarter turns clockwise that show the video upright (phones record sideways and say so
// in the container's display matrix). Mirroring is ignored.
int clockwise_turns(const AVStream* st) {
  size_t size = 0;
  const std::uint8_t* m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (!m || size < 9 * sizeof(std::int32_t)) return 0;
  std::array<std::int32_t, 9> matrix;
  std::copy_n(m, sizeof matrix, reinterpret_cast<std::uint8_t*>(matrix.data()));
  const double counterclockwise = av_display_rotation_get(matrix.data());
  if (!std::isfinite(counterclockwise)) return 0;
  return static_cast<int>(((std::lround(-counterclockwise / 90.0) % 4) + 4) % 4);
}

// Width with the pixel aspect ratio applied (anamorphic video), if it is sane.
int display_width(int width, AVRational sar) {
  if (sar.num <= 0 || sar.den <= 0 || sar.num == sar.den) return width;
  const std::int64_t w = av_rescale(width, sar.num, sar.den);
  return w > 0 && w <= 16 * static_cast<std::int64_t>(width) && w <= 65536 ? static_cast<int>(w) : width;
}

// Packed RGB rows of `src` (w x h, rows `stride` apart), turned `turns` quarters clockwise.
std::string turn(const std::uint8_t* src, int stride, int w, int h, int turns) {
  std::string out(static_cast<std::size_t>(w) * h * 3, '\0');
  const int ow = turns % 2 ? h : w;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      int ox = x, oy = y;
      if (turns == 1) ox = h - 1 - y, oy = x;
      if (turns == 2) ox = w - 1 - x, oy = h - 1 - y;
      if (turns == 3) ox = y, oy = w - 1 - x;
      std::copy_n(src + y * stride + x * 3, 3, &out[(static_cast<std::size_t>(oy) * ow + ox) * 3]);
    }
  }
  return out;
}

// The poster frame scaled by libswscale to fit preview_side (before the libvips encoders
// see it: a large frame is never copied whole), turned upright, as preview and thumbnail.
Result<Previews> poster(const AVFrame* f, AVRational sar, int turns, const AvLimits& limits) {
  const auto in_format = static_cast<AVPixelFormat>(f->format);
  if (!sws_isSupportedInput(in_format))
    return Status(Code::kInvalid, std::string("cannot convert the video's pixel format ") +
                                      (av_get_pix_fmt_name(in_format) ? av_get_pix_fmt_name(in_format) : "?"));
  const double dw = display_width(f->width, sar), dh = f->height;
  const double scale = std::min(1.0, limits.preview_side / std::max(dw, dh));
  const int tw = std::max(1, static_cast<int>(std::lround(dw * scale)));
  const int th = std::max(1, static_cast<int>(std::lround(dh * scale)));
  std::unique_ptr<SwsContext, FreeSws> sws(
      sws_getContext(f->width, f->height, in_format, tw, th, AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr));
  if (!sws) return Status(Code::kInvalid, "cannot convert the video's frame");
  // The frame's own colour matrix and range (HD video is BT.709, not swscale's BT.601).
  int *inv = nullptr, *table = nullptr, src_range = 0, dst_range = 0, brightness = 0, contrast = 0, saturation = 0;
  if (sws_getColorspaceDetails(sws.get(), &inv, &src_range, &table, &dst_range, &brightness, &contrast, &saturation) >= 0) {
    const int space = f->colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : f->colorspace;
    if (f->color_range == AVCOL_RANGE_JPEG) src_range = 1;
    sws_setColorspaceDetails(sws.get(), sws_getCoefficients(space), src_range, table, dst_range, brightness,
                             contrast, saturation);
  }
  std::uint8_t* dst[4] = {};
  int dst_stride[4] = {};
  if (av_image_alloc(dst, dst_stride, tw, th, AV_PIX_FMT_RGB24, 64) < 0) return Status(Code::kInternal, "out of memory");
  std::unique_ptr<std::uint8_t, decltype(&av_free)> pixels(dst[0], &av_free);
  if (sws_scale(sws.get(), f->data, f->linesize, 0, f->height, dst, dst_stride) <= 0)
    return Status(Code::kInvalid, "cannot convert the video's frame");
  ImageLimits sizes;
  sizes.preview_side = limits.preview_side;
  sizes.thumbnail_side = limits.thumbnail_side;
  return previews_from_rgb(turn(dst[0], dst_stride[0], tw, th, turns), turns % 2 ? th : tw, turns % 2 ? tw : th,
                           sizes);
}

// Feeds the decoded audio to a Waveform, counting how much was decoded.
class Loudness {
 public:
  // False if the frame's sample format is not one of FFmpeg's plain PCM formats.
  bool add(const AVFrame* f) {
    const int channels = f->ch_layout.nb_channels;
    if (channels <= 0 || f->nb_samples <= 0 || f->sample_rate <= 0 || !f->extended_data) return false;
    power_.assign(static_cast<std::size_t>(f->nb_samples), 0.0);
    const auto format = static_cast<AVSampleFormat>(f->format);
    const bool planar = av_sample_fmt_is_planar(format);
    switch (av_get_packed_sample_fmt(format)) {
      case AV_SAMPLE_FMT_U8: accumulate<std::uint8_t>(f, channels, planar, 1.0 / 128, 128); break;
      case AV_SAMPLE_FMT_S16: accumulate<std::int16_t>(f, channels, planar, 1.0 / 32768, 0); break;
      case AV_SAMPLE_FMT_S32: accumulate<std::int32_t>(f, channels, planar, 1.0 / 2147483648.0, 0); break;
      case AV_SAMPLE_FMT_S64: accumulate<std::int64_t>(f, channels, planar, 1.0 / 9223372036854775808.0, 0); break;
      case AV_SAMPLE_FMT_FLT: accumulate<float>(f, channels, planar, 1.0, 0); break;
      case AV_SAMPLE_FMT_DBL: accumulate<double>(f, channels, planar, 1.0, 0); break;
      default: return false;
    }
    for (double& p : power_) p /= channels;
    waveform_.add(power_.data(), power_.size(), f->sample_rate);
    ms_ += f->nb_samples * 1000.0 / f->sample_rate;
    sample_values_ += static_cast<std::int64_t>(f->nb_samples) * channels;
    return true;
  }

  double ms() const { return ms_; }
  std::int64_t sample_values() const { return sample_values_; }
  std::string bars() { return waveform_.bars(); }

 private:
  // Adds each sample's square, over the channels, to power_.
  template <class T>
  void accumulate(const AVFrame* f, int channels, bool planar, double scale, double bias) {
    for (int c = 0; c < channels; ++c) {
      const T* p = reinterpret_cast<const T*>(f->extended_data[planar ? c : 0]);
      const int step = planar ? 1 : channels, first = planar ? 0 : c;
      for (int i = 0; i < f->nb_samples; ++i) {
        const double v = (static_cast<double>(p[first + i * step]) - bias) * scale;
        power_[static_cast<std::size_t>(i)] += v * v;
      }
    }
  }

  std::vector<double> power_;  // of the frame being added, per sample
  Waveform waveform_;
  double ms_ = 0;
  std::int64_t sample_values_ = 0;
};

}  // namespace

Result<AvInfo> probe_video(const std::string& path, const AvLimits& limits) {
  auto fmt = open_input(path, limits);
  if (!fmt) return fmt.status();
  AVFormatContext* f = fmt->get();
  AvInfo info;
  AVStream* video = first_stream(f, AVMEDIA_TYPE_VIDEO);
  if (!video && !first_stream(f, AVMEDIA_TYPE_AUDIO)) return Status(Code::kInvalid, "the file has no video or audio");
  info.duration_ms = duration_ms(f, video);
  if (!video) return info;  // audio only: no poster

  if (auto status = check_pixels(f, limits); !status.ok()) return status;  // sizes found while probing
  const AVCodecParameters* par = video->codecpar;
  const int turns = clockwise_turns(video);
  const auto set_size = [&](int width, int height, AVRational sar) {
    const int w = display_width(width, sar);
    info.width = turns % 2 ? height : w;
    info.height = turns % 2 ? w : height;
  };
  set_size(par->width, par->height, av_guess_sample_aspect_ratio(f, video, nullptr));

  auto dec = open_decoder(video, limits);
  if (!dec) return info;  // a codec this server does not decode: stored as sent, no poster
  Frame first(av_frame_alloc());
  if (!first) return Status(Code::kInternal, "out of memory");
  decode(f, video->index, dec->get(), limits.max_packets, limits.max_video_packets, [&](AVFrame* frame) {
    if (frame->width <= 0 || frame->height <= 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT)) return true;
    av_frame_move_ref(first.get(), frame);
    return false;
  });
  if (first->width <= 0) return Status(Code::kInvalid, "no frame of the video decodes within the limits");
  if (static_cast<std::uint64_t>(first->width) * static_cast<std::uint64_t>(first->height) > limits.max_pixels)
    return Status(Code::kInvalid, "the video's frames are larger than its header says");
  const AVRational sar = av_guess_sample_aspect_ratio(f, video, first.get());
  set_size(first->width, first->height, sar);
  auto pictures = poster(first.get(), sar, turns, limits);
  if (!pictures) return pictures.status();
  info.preview = std::move(pictures->preview);
  info.thumbnail = std::move(pictures->thumbnail);
  return info;
}

Result<AvInfo> probe_voice(const std::string& path, const AvLimits& limits) {
  auto fmt = open_input(path, limits);
  if (!fmt) return fmt.status();
  AVFormatContext* f = fmt->get();
  AVStream* audio = first_stream(f, AVMEDIA_TYPE_AUDIO);
  if (!audio) return Status(Code::kInvalid, "the file has no audio");
  auto dec = open_decoder(audio, limits);
  if (!dec) return dec.status();

  Loudness loudness;
  const std::int64_t max_values = limits.max_decoded_ms * kSampleValuesPerMs;
  const bool whole = decode(f, audio->index, dec->get(), INT32_MAX, INT32_MAX, [&](AVFrame* frame) {
    loudness.add(frame);
    return loudness.ms() < static_cast<double>(limits.max_decoded_ms) && loudness.sample_values() < max_values;
  });
  if (loudness.sample_values() == 0) return Status(Code::kInvalid, "no audio of the file decodes");
  AvInfo info;
  // Read to its end, the decoded length is exact; cut short, the container's is all there is.
  const auto decoded_ms = static_cast<std::int64_t>(std::llround(loudness.ms()));
  info.duration_ms = whole ? decoded_ms : std::max(duration_ms(f, audio), decoded_ms);
  info.waveform = loudness.bars();
  return info;
}

}  // namespace parley::media
