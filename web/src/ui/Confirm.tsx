// A question before a step that cannot be taken back (remove a member, leave a chat, sign out):
// a modal <dialog> that says what will happen. Cancel has the focus, so Enter does no harm;
// Escape cancels; focus returns to the button that asked.

import type { VNode } from "preact";
import { useRef, useState } from "preact/hooks";
import { useModal } from "./Dialog";

export interface Question {
  title: string;          // "Remove Carol?"
  text: string;           // what will happen, in a sentence or two
  confirm: string;        // the button that does it: "Remove"
  onConfirm: () => void;
}

export function ConfirmDialog({ title, text, confirm, onConfirm, onCancel }: Omit<Question, "onConfirm"> & { onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useModal(ref);   // showModal() focuses the first button: Cancel
  return (
    <dialog ref={ref} class="dialog confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text"
      onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <h2 id="confirm-title">{title}</h2>
      <p id="confirm-text">{text}</p>
      <div class="dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" class="danger" data-confirm onClick={onConfirm}>{confirm}</button>
      </div>
    </dialog>
  );
}

/** [ask, the dialog to render]: `ask(question)` shows it; the answer closes it (and runs `onConfirm` if yes). */
export function useConfirm(): [(q: Question) => void, VNode | null] {
  const [q, setQ] = useState<Question | null>(null);
  const dialog = q && (
    <ConfirmDialog title={q.title} text={q.text} confirm={q.confirm} onCancel={() => setQ(null)}
      onConfirm={() => { setQ(null); q.onConfirm(); }} />
  );
  return [setQ, dialog];
}
