// Test files made in the page or here, for the media scenarios (media.mjs, avatars.mjs): a
// canvas JPEG, a voice note and a video recorded by MediaRecorder, a small PDF. Made at run
// time, so no fixture is committed.

/** A JPEG of `width` × `height` drawn on a canvas in the page (a gradient and a few shapes). */
export async function jpeg(page, width, height) {
  const b64 = await page.evaluate(async ({ width, height }) => {
    const c = document.createElement("canvas");
    c.width = width;
    c.height = height;
    const g = c.getContext("2d");
    const grad = g.createLinearGradient(0, 0, width, height);
    grad.addColorStop(0, "#0b6e4f");
    grad.addColorStop(1, "#f2c14e");
    g.fillStyle = grad;
    g.fillRect(0, 0, width, height);
    for (let i = 0; i < 40; i++) {
      g.fillStyle = `hsl(${i * 37 % 360} 70% 50%)`;
      g.beginPath();
      g.arc((i * 97) % width, (i * 53) % height, 20 + (i % 5) * 8, 0, Math.PI * 2);
      g.fill();
    }
    const blob = await new Promise((r) => c.toBlob(r, "image/jpeg", 0.85));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, { width, height });
  return Buffer.from(b64, "base64");
}

/** A second of a rising tone recorded by the page's MediaRecorder: Opus in WebM (or Ogg). */
export async function voiceNote(page) {
  const { b64, type } = await page.evaluate(async () => {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    const dest = ctx.createMediaStreamDestination();
    osc.frequency.setValueAtTime(220, ctx.currentTime);
    osc.frequency.linearRampToValueAtTime(660, ctx.currentTime + 1);
    gain.gain.setValueAtTime(0.2, ctx.currentTime);
    gain.gain.linearRampToValueAtTime(0.9, ctx.currentTime + 1);
    osc.connect(gain).connect(dest);
    const type = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus"].find((t) => MediaRecorder.isTypeSupported(t));
    const rec = new MediaRecorder(dest.stream, { mimeType: type });
    const parts = [];
    rec.ondataavailable = (e) => parts.push(e.data);
    const stopped = new Promise((r) => { rec.onstop = r; });
    osc.start();
    rec.start();
    await new Promise((r) => setTimeout(r, 1200));
    rec.stop();
    await stopped;
    osc.stop();
    const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return { b64: btoa(s), type: type.split(";")[0] };
  });
  return { buffer: Buffer.from(b64, "base64"), mimeType: type, name: type === "audio/ogg" ? "voice.ogg" : "voice.webm" };
}

/** Two seconds of a moving square recorded by the page's MediaRecorder from a canvas: VP8 in WebM. */
export async function webmVideo(page) {
  const b64 = await page.evaluate(async () => {
    const c = document.createElement("canvas");
    c.width = 320; c.height = 240;
    const g = c.getContext("2d");
    const type = ["video/webm;codecs=vp8", "video/webm;codecs=vp9", "video/webm"].find((t) => MediaRecorder.isTypeSupported(t));
    const rec = new MediaRecorder(c.captureStream(25), { mimeType: type });
    const parts = [];
    rec.ondataavailable = (e) => parts.push(e.data);
    const stopped = new Promise((r) => { rec.onstop = r; });
    rec.start(250);
    for (let i = 0; i < 50; i++) {
      g.fillStyle = "#123"; g.fillRect(0, 0, 320, 240);
      g.fillStyle = "#f2c14e"; g.fillRect(i * 5, 80, 60, 60);
      await new Promise((r) => setTimeout(r, 40));
    }
    rec.stop();
    await stopped;
    const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  });
  return { name: "clip.webm", mimeType: "video/webm", buffer: Buffer.from(b64, "base64") };
}

/** A small PDF (libmagic knows it by its first bytes). */
export function pdf(text) {
  const body = `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${text}\n`;
  return Buffer.from(body + "x".repeat(Math.max(0, 1500 - body.length)) + "\n%%EOF\n");
}
