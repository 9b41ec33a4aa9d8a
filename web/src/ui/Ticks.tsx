import type { Tick } from "../app/state";
import { ClockIcon } from "./Icons";

const LABEL: Record<Tick, string> = { pending: "Pending", sent: "Sent", delivered: "Delivered", read: "Read", failed: "Not sent" };

// Drawn, not typed: a ✓ glyph at the meta line's 12 px was too small to tell one tick from two.
// 18×12 px; grey (--tick) for sent and delivered, blue (--read) for read, 3:1 or more on the bubble.
const ONE = "M3.5 6.5l3 3 7-7.5";
const TWO = ["M1 6.5l3 3 7-7.5", "M8.6 8.3l1.2 1.2 7-7.5"];

function Glyph({ double }: { double: boolean }) {
  return (
    <svg class="tick-svg" width={18} height={12} viewBox="0 0 18 12" fill="none" stroke="currentColor" stroke-width={1.7}
      stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
      {double ? TWO.map((d) => <path key={d} d={d} />) : <path d={ONE} />}
    </svg>
  );
}

/** ✓ sent, ✓✓ delivered, blue ✓✓ read, a clock while queued. */
export function Ticks({ tick }: { tick: Tick }) {
  const glyph = tick === "pending" ? <ClockIcon /> : tick === "failed" ? "!" : <Glyph double={tick !== "sent"} />;
  return <span class={`tick tick-${tick}`} data-tick={tick} role="img" aria-label={LABEL[tick]} title={LABEL[tick]}>{glyph}</span>;
}
