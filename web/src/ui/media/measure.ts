// Numbers of media in words and pixels: sizes ("1.4 MB"), durations ("0:42"), the box a photo
// is shown in, and a voice note's waveform bars.

/** "512 B", "12 KB", "1.4 MB". */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** "0:04", "12:30", "1:02:03". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** The box a photo or video is shown in: its aspect, within `max` px, at least 80 px wide. */
export function fit(width: number | undefined, height: number | undefined, max = 300): { width: number; height: number } {
  if (!width || !height) return { width: 240, height: 180 };
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(80, Math.round(width * scale)), height: Math.max(40, Math.round(height * scale)) };
}

/** A voice note's bars, 0..1 each, from its base64 waveform (64 bytes of 0..255); flat when absent. */
export function bars(waveform: string | undefined, count = 64): number[] {
  let bytes: number[] = [];
  try {
    bytes = waveform ? [...atob(waveform)].map((c) => c.charCodeAt(0)) : [];
  } catch {
    bytes = [];
  }
  if (!bytes.length) return new Array<number>(count).fill(0.1);
  return Array.from({ length: count }, (_, i) => (bytes[Math.floor((i * bytes.length) / count)] ?? 0) / 255);
}
