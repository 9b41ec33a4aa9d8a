// The smiley beside the message box: it opens and closes the emoji picker. The picker and its
// data are loaded on first use (a dynamic import), so the first paint does not pay for them;
// pointing at the button or focusing it starts the load early.

import { useEffect, useRef, useState } from "preact/hooks";
import type { EmojiPicker as PickerType } from "./EmojiPicker";

// The smiley, drawn like the icons of Icons.tsx (decorative: the button has the name).
const SmileyIcon = () => (
  <svg width={22} height={22} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width={2} stroke-linecap="round"
    stroke-linejoin="round" aria-hidden="true">
    <circle cx="12" cy="12" r="10" /><path d="M8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01" />
  </svg>
);

let Picker: typeof PickerType | null = null;
const load = () => import("./EmojiPicker").then((m) => (Picker = m.EmojiPicker));

/**
 * `onPick` inserts an emoji where the caret is; `onDone` is called when the picker closes from
 * inside (Escape), to give focus back to the message box.
 */
export function EmojiButton({ onPick, onDone }: { onPick: (emoji: string) => void; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  // A press outside the button and the picker closes it, leaving focus where it went.
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => { if (!box.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open]);

  async function toggle() {
    if (open) { setOpen(false); return; }
    try {
      await load();
      setFailed(false);
      setOpen(true);
    } catch {
      setFailed(true);   // offline before the picker was ever loaded
    }
  }
  return (
    <div class="emoji-anchor" ref={box}>
      <button type="button" class="icon emoji-toggle" aria-label="Emoji" aria-haspopup="dialog" aria-expanded={open ? "true" : "false"}
        onClick={() => void toggle()} onPointerEnter={() => void load().catch(() => {})} onFocus={() => void load().catch(() => {})}>
        <SmileyIcon />
      </button>
      {failed && <span class="sr-only" role="alert">The emoji picker could not be loaded.</span>}
      {open && Picker && <Picker onPick={onPick} onClose={() => { setOpen(false); onDone(); }} />}
    </div>
  );
}
