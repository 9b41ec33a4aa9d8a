import type { Tick } from "../app/state";
import { ClockIcon } from "./Icons";

const LABEL: Record<Tick, string> = { pending: "Pending", sent: "Sent", delivered: "Delivered", read: "Read", failed: "Not sent" };

/** ✓ sent, ✓✓ delivered, blue ✓✓ read, a clock while queued. */
export function Ticks({ tick }: { tick: Tick }) {
  const glyph = tick === "pending" ? <ClockIcon /> : tick === "failed" ? "!" : tick === "sent" ? "✓" : "✓✓";
  return <span class={`tick tick-${tick}`} data-tick={tick} role="img" aria-label={LABEL[tick]} title={LABEL[tick]}>{glyph}</span>;
}
