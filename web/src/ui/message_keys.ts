// The message list from the keyboard: the list is one Tab stop; inside it the arrow keys move
// from message to message (Home and End to the first and last loaded), and Enter, the context
// menu key or Shift+F10 opens the focused message's actions (its ⌄ menu, MessageMenu.tsx).

/** The list's rows that are messages (not day separators or the unread line). */
const ITEMS = "li[data-seq], li[data-pending]";

function items(list: HTMLElement): HTMLElement[] {
  return [...list.querySelectorAll<HTMLElement>(ITEMS)];
}

function focusItem(el: HTMLElement | undefined): void {
  if (!el) return;
  el.tabIndex = -1;   // focusable from script only: the list keeps one Tab stop
  el.focus();
}

/** The key handler of the list (role="log", tabIndex 0) that holds the messages. */
export function onMessageListKey(e: KeyboardEvent): void {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const list = e.currentTarget as HTMLElement;
  const target = e.target as HTMLElement;
  const all = items(list);
  if (!all.length) return;
  const i = target === list ? -1 : all.indexOf(target);
  if (target !== list && i < 0) return;   // a button inside a message: its own keys
  let next: HTMLElement | undefined;
  if (e.key === "ArrowUp") next = i < 0 ? all[all.length - 1] : all[Math.max(0, i - 1)];
  else if (e.key === "ArrowDown") next = i < 0 ? all[all.length - 1] : all[Math.min(all.length - 1, i + 1)];
  else if (e.key === "Home" && i >= 0) next = all[0];
  else if (e.key === "End" && i >= 0) next = all[all.length - 1];
  else if (i >= 0 && (e.key === "Enter" || e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey))) {
    const menu = all[i].querySelector<HTMLButtonElement>(".menu-button");
    if (!menu) return;
    e.preventDefault();
    menu.click();
    return;
  } else return;
  e.preventDefault();
  focusItem(next);
}
