// A modal dialog on the native <dialog> element: focus moves into it, Escape closes it and
// focus returns to what opened it.

import type { ComponentChildren, RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";

// Opens the <dialog> as a modal while the component is mounted; on unmount closes it and
// gives focus back to what had it before.
export function useModal(ref: RefObject<HTMLDialogElement>) {
  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    if (d && !d.open) d.showModal();
    return () => {
      // Outside an open modal dialog everything is inert: close it before moving focus back.
      if (d?.open) d.close();
      opener?.focus?.();
    };
  }, []);
}

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useModal(ref);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="dialog-title" onClose={onClose} onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <header class="dialog-head">
        <h2 id="dialog-title">{title}</h2>
        <button type="button" class="icon" aria-label="Close" onClick={onClose}>✕</button>
      </header>
      {children}
    </dialog>
  );
}
