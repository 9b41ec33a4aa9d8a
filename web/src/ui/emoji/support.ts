// Which emoji versions this browser's fonts draw, measured once on a canvas. An emoji the fonts
// have is drawn in colour and about one emoji wide; one they lack is a monochrome box, and a
// sequence they lack (🧑‍🧒) is drawn as its parts side by side, twice as wide.

const SIZE = 32;

interface Look { coloured: boolean; width: number }

function looker(font: string): ((emoji: string) => Look) | null {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = SIZE * 2;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) return null;
  ctx.font = `${SIZE}px ${font}`;
  ctx.textBaseline = "top";
  return (emoji) => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#000";
    ctx.fillText(emoji, 0, 0);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let coloured = false;
    for (let i = 0; i < px.length && !coloured; i += 4)
      coloured = px[i + 3]! > 64 && Math.max(px[i]!, px[i + 1]!, px[i + 2]!) - Math.min(px[i]!, px[i + 1]!, px[i + 2]!) > 48;
    return { coloured, width: ctx.measureText(emoji).width };
  };
}

/**
 * Whether the fonts draw each emoji version, from one probe emoji per version. Without a colour
 * emoji font (or a canvas) nothing tells the versions apart, and every version counts as drawn.
 */
export function drawnVersions(probes: Record<string, string>,
  font = getComputedStyle(document.documentElement).fontFamily): (version: number) => boolean {
  const look = looker(font);
  const base = look?.("😀");
  if (!look || !base?.coloured) return () => true;
  const drawn = new Set(Object.entries(probes).filter(([, e]) => {
    const l = look(e);
    return l.coloured && l.width < base.width * 1.4;
  }).map(([v]) => Number(v)));
  return (v) => drawn.has(v);
}
