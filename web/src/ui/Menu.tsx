// A menu behind a button (a message's actions, the chat header's menu): the button says whether
// it is open (aria-expanded); the items take focus when it opens, move with the arrow keys,
// Home and End; Escape closes it and gives focus back to the button, as does choosing an item;
// Tab and a click outside close it. It opens upwards when there is no room below.

import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";

const ITEMS = "[role=menuitem],[role=menuitemradio],[role=menuitemcheckbox]";

export function Menu({ label, button, open, onOpen, class: cls = "", children }: {
  label: string;
  button: ComponentChildren;
  open: boolean;
  onOpen: (open: boolean) => void;
  class?: string;
  /** The items; each calls `close` (focus back on the button) when chosen. */
  children: (close: () => void) => ComponentChildren;
}) {
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [up, setUp] = useState(false);
  const close = () => { onOpen(false); trigger.current?.focus(); };

  useLayoutEffect(() => {
    if (!open || !menu.current || !trigger.current) return;
    const box = trigger.current.closest(".messages, .chat-view, body") as HTMLElement | null;
    const bottom = box ? box.getBoundingClientRect().bottom : window.innerHeight;
    setUp(trigger.current.getBoundingClientRect().bottom + menu.current.offsetHeight + 8 > bottom);
    menu.current.querySelector<HTMLElement>(ITEMS)?.focus();
  }, [open]);
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!menu.current?.contains(t) && !trigger.current?.contains(t)) onOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open]);

  function keys(e: KeyboardEvent) {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>(ITEMS) ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const go = (n: number) => { e.preventDefault(); items[(n + items.length) % items.length]?.focus(); };
    if (e.key === "ArrowDown" || e.key === "ArrowRight") go(i + 1);
    else if (e.key === "ArrowUp" || e.key === "ArrowLeft") go(i - 1);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(items.length - 1);
    else if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); close(); }
    else if (e.key === "Tab") onOpen(false);
  }

  return (
    <span class={`menu-wrap ${cls}`}>
      <button ref={trigger} type="button" class="icon menu-button" aria-label={label} aria-haspopup="menu" aria-expanded={open ? "true" : "false"}
        onClick={() => onOpen(!open)}>{button}</button>
      {open && (
        <div ref={menu} role="menu" aria-label={label} class={`menu${up ? " up" : ""}`} onKeyDown={keys}>
          {children(close)}
        </div>
      )}
    </span>
  );
}

/** One item of a menu. */
export function MenuItem({ onSelect, children, danger = false }: { onSelect: () => void; children: ComponentChildren; danger?: boolean }) {
  return <button type="button" role="menuitem" tabIndex={-1} class={`menu-item${danger ? " danger" : ""}`} onClick={onSelect}>{children}</button>;
}
