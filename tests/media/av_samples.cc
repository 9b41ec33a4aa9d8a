// Sample files for av_test.cc, written with libavformat/libavcodec (see av_samples.h).
#include "av_samples.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>

namespace parley::media::samples {

namespace {

// One encoder writing one stream of one file.
class Writer {
 public:
  ~Writer() {
    av_frame_free(&frame_);
    avcodec_free_context(&enc_);
    if (fmt_ && fmt_->pb) avio_closep(&fmt_->pb);
    avformat_free_context(fmt_);
  }

  // Opens `path`; `configure` sets the encoder's parameters, `decorate` the stream's.
  std::string open(const std::string& path, const char* container, const char* encoder,
                   const std::function<void(AVCodecContext*)>& configure,
                   const std::function<void(AVStream*)>& decorate = {}) {
    if (avformat_alloc_output_context2(&fmt_, nullptr, container, path.c_str()) < 0) return "no muxer";
    const AVCodec* codec = avcodec_find_encoder_by_name(encoder);
    if (!codec) return std::string("no encoder ") + encoder;
    enc_ = avcodec_alloc_context3(codec);
    configure(enc_);
    if (fmt_->oformat->flags & AVFMT_GLOBALHEADER) enc_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (avcodec_open2(enc_, codec, nullptr) < 0) return std::string("cannot open encoder ") + encoder;
    st_ = avformat_new_stream(fmt_, nullptr);
    if (!st_ || avcodec_parameters_from_context(st_->codecpar, enc_) < 0) return "cannot add the stream";
    st_->time_base = enc_->time_base;
    if (decorate) decorate(st_);
    if (avio_open(&fmt_->pb, path.c_str(), AVIO_FLAG_WRITE) < 0) return "cannot create " + path;
    if (avformat_write_header(fmt_, nullptr) < 0) return "cannot write the header";
    frame_ = av_frame_alloc();
    return "";
  }

  AVCodecContext* encoder() { return enc_; }
  AVFrame* frame() { return frame_; }

  // Encodes frame() (or, with null, what the encoder still holds) and writes the packets.
  std::string encode(AVFrame* frame) {
    if (avcodec_send_frame(enc_, frame) < 0) return "cannot encode";
    AVPacket* pkt = av_packet_alloc();
    int rc = 0;
    while ((rc = avcodec_receive_packet(enc_, pkt)) == 0) {
      av_packet_rescale_ts(pkt, enc_->time_base, st_->time_base);
      pkt->stream_index = st_->index;
      if (av_interleaved_write_frame(fmt_, pkt) < 0) rc = AVERROR(EIO);
      if (rc < 0) break;
    }
    av_packet_free(&pkt);
    return rc == AVERROR(EAGAIN) || rc == AVERROR_EOF ? "" : "cannot write a packet";
  }

  std::string finish() {
    if (auto e = encode(nullptr); !e.empty()) return e;
    return av_write_trailer(fmt_) < 0 ? "cannot write the trailer" : "";
  }

 private:
  AVFormatContext* fmt_ = nullptr;
  AVCodecContext* enc_ = nullptr;
  AVStream* st_ = nullptr;
  AVFrame* frame_ = nullptr;
};

}  // namespace

std::string write_video(const std::string& path, const Video& video) {
  constexpr int kFps = 10;
  Writer w;
  auto e = w.open(
      path, "mp4", video.encoder,
      [&](AVCodecContext* c) {
        c->width = video.width;
        c->height = video.height;
        c->time_base = AVRational{1, kFps};
        c->framerate = AVRational{kFps, 1};
        c->pix_fmt = AV_PIX_FMT_YUV420P;
        c->gop_size = kFps;
        c->bit_rate = 200'000;
      },
      [&](AVStream* st) {
        if (!video.sideways) return;
        // The matrix a phone writes for a portrait recording: (0 1; -1 0) in 16.16.
        auto* m = reinterpret_cast<std::int32_t*>(
            av_stream_new_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(std::int32_t)));
        if (!m) return;
        std::memset(m, 0, 9 * sizeof(std::int32_t));
        m[1] = 1 << 16;
        m[3] = -(1 << 16);
        m[8] = 1 << 30;
      });
  if (!e.empty()) return e;
  AVFrame* f = w.frame();
  f->format = AV_PIX_FMT_YUV420P;
  f->width = video.width;
  f->height = video.height;
  if (av_frame_get_buffer(f, 0) < 0) return "no frame buffer";
  const int frames = static_cast<int>(std::lround(video.seconds * kFps));
  for (int i = 0; i < frames; ++i) {
    if (av_frame_make_writable(f) < 0) return "frame not writable";
    // Red (Y 81, U 90, V 240) on the left, blue (Y 41, U 240, V 110) on the right.
    for (int y = 0; y < video.height; ++y)
      for (int x = 0; x < video.width; ++x) f->data[0][y * f->linesize[0] + x] = x < video.width / 2 ? 81 : 41;
    for (int y = 0; y < video.height / 2; ++y) {
      for (int x = 0; x < video.width / 2; ++x) {
        const bool left = x < video.width / 4;
        f->data[1][y * f->linesize[1] + x] = left ? 90 : 240;
        f->data[2][y * f->linesize[2] + x] = left ? 240 : 110;
      }
    }
    f->pts = i;
    if (e = w.encode(f); !e.empty()) return e;
  }
  return w.finish();
}

std::string write_tone(const std::string& path, const Tone& tone) {
  constexpr int kRate = 48'000;
  Writer w;
  auto e = w.open(path, tone.container, tone.encoder, [&](AVCodecContext* c) {
    c->sample_fmt = c->codec->sample_fmts[0];
    c->sample_rate = kRate;
    av_channel_layout_default(&c->ch_layout, 1);
    c->time_base = AVRational{1, kRate};
    c->bit_rate = 64'000;
  });
  if (!e.empty()) return e;
  AVCodecContext* c = w.encoder();
  AVFrame* f = w.frame();
  f->format = c->sample_fmt;
  f->sample_rate = kRate;
  f->nb_samples = c->frame_size > 0 ? c->frame_size : 1024;
  av_channel_layout_copy(&f->ch_layout, &c->ch_layout);
  if (av_frame_get_buffer(f, 0) < 0) return "no frame buffer";
  const auto silent = static_cast<std::int64_t>(tone.silence_seconds * kRate);
  const auto total = silent + static_cast<std::int64_t>(tone.tone_seconds * kRate);
  for (std::int64_t t0 = 0; t0 < total; t0 += f->nb_samples) {
    if (av_frame_make_writable(f) < 0) return "frame not writable";
    for (int i = 0; i < f->nb_samples; ++i) {
      const std::int64_t t = t0 + i;
      const double v = t < silent ? 0.0 : 0.8 * std::sin(2 * M_PI * 440.0 * static_cast<double>(t) / kRate);
      if (c->sample_fmt == AV_SAMPLE_FMT_S16) {
        reinterpret_cast<std::int16_t*>(f->data[0])[i] = static_cast<std::int16_t>(v * 32767);
      } else if (c->sample_fmt == AV_SAMPLE_FMT_FLT || c->sample_fmt == AV_SAMPLE_FMT_FLTP) {
        reinterpret_cast<float*>(f->data[0])[i] = static_cast<float>(v);  // mono: one plane
      } else {
        return "unexpected sample format";
      }
    }
    f->pts = t0;
    if (e = w.encode(f); !e.empty()) return e;
  }
  return w.finish();
}

}  // namespace parley::media::samples
