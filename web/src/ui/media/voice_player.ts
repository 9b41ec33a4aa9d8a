// Plays a voice note with Web Audio: downloaded with the token (an <audio src> cannot send it),
// decoded and played from memory, so the bars can follow the position exactly. One plays at a time.

let context: AudioContext | null = null;
let current: VoicePlayer | null = null;

export class VoicePlayer {
  playing = false;
  loading = false;
  failed = false;
  private buffer?: AudioBuffer;
  private source?: AudioBufferSourceNode;
  private startedAt = 0;
  private offset = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly bytes: () => Promise<Blob>, private readonly changed: () => void) {}

  /** Seconds played. */
  get position(): number {
    return this.playing && context ? Math.min(context.currentTime - this.startedAt, this.duration) : this.offset;
  }
  /** Seconds in all, once decoded (0 before). */
  get duration(): number { return this.buffer?.duration ?? 0; }

  async toggle(): Promise<void> {
    if (this.playing) this.pause();
    else await this.play();
  }

  async play(): Promise<void> {
    if (current && current !== this) current.pause();
    current = this;
    try {
      context ??= new AudioContext();
      await context.resume();
      if (!this.buffer) {
        this.loading = true;
        this.changed();
        this.buffer = await context.decodeAudioData(await (await this.bytes()).arrayBuffer());
      }
    } catch {
      this.failed = true;
      return;
    } finally {
      this.loading = false;
      this.changed();
    }
    if (current !== this) return;
    const source = context.createBufferSource();
    source.buffer = this.buffer;
    source.connect(context.destination);
    source.onended = () => {
      if (this.source !== source) return;
      this.stopTimer();
      this.playing = false;
      this.offset = 0;
      this.changed();
    };
    if (this.offset >= this.duration) this.offset = 0;
    source.start(0, this.offset);
    this.source = source;
    this.startedAt = context.currentTime - this.offset;
    this.playing = true;
    this.timer = setInterval(this.changed, 200);
    this.changed();
  }

  pause(): void {
    if (!this.playing) return;
    this.offset = this.position;
    this.playing = false;
    const s = this.source;
    this.source = undefined;
    s?.stop();
    this.stopTimer();
    this.changed();
  }

  dispose(): void {
    this.pause();
    if (current === this) current = null;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
