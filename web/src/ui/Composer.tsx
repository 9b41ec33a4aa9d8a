// The message box: Enter sends and Shift+Enter is a new line; it grows with its text up to six
// lines (autogrow.ts); the smiley opens the emoji picker; the paperclip picks files, and
// pasted images join them. With files chosen, the text is the caption of the first. Replying,
// the quoted message shows above it; editing, the message's text is in it and Enter saves it.
// Escape cancels a reply or an edit.

import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { AppState, Chat, Message } from "../app/state";
import { AttachStrip } from "./media/AttachStrip";
import { ComposeQuote } from "./Quote";
import { PaperclipIcon } from "./Icons";
import { useAutoGrow } from "./autogrow";
import { EmojiButton } from "./emoji/EmojiButton";

export function Composer({ state, chat, files, onFiles, reply, editing, onCancel, onSent }: {
  state: AppState; chat?: Chat; files: File[]; onFiles: (files: File[]) => void;
  reply?: Message | null; editing?: Message | null; onCancel: () => void;
  onSent?: () => void;       // a message went (not an edit): the chat scrolls to its end
}) {
  const [text, setText] = useState("");
  const ref = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  useAutoGrow(ref, text);
  const key = chat?.chat ?? 0;
  // (The box is always in view: not scrolled to it, which would lay the page out while the chat is first drawn.)
  useEffect(() => ref.current?.focus({ preventScroll: true }), [key]);
  // Another chat empties the box before the frame is painted, so what is typed at once in the
  // new chat stays (an effect after the paint would wipe it).
  useLayoutEffect(() => setText(""), [key]);
  // Before the frame is painted: the box never shows "Editing" empty (a fresh-clone CI run read
  // an empty box right after the quote appeared), and a key pressed at once lands in the text.
  useLayoutEffect(() => { if (editing) setText(editing.text); else setText(""); }, [editing?.chat, editing?.seq]);
  useEffect(() => { if (reply || editing) ref.current?.focus(); }, [reply?.seq, editing?.seq]);
  const over = [...text].length > state.maxTextChars;
  const ready = editing ? (text.trim() !== "" || !!editing.media) && !over : (text.trim() !== "" || files.length > 0) && !over;
  function submit() {
    if (!ready) return;
    if (editing) {
      state.messageActions.edit(editing, text);
      onCancel();
    } else {
      if (files.length) state.sendFiles(files, text);
      else state.send(text, reply?.seq);
      onSent?.();
    }
    if (reply) onCancel();
    onFiles([]);
    setText("");
    ref.current?.focus();
  }
  // An emoji from the picker goes where the caret is (over the selection); the caret follows it.
  function insert(emoji: string) {
    const el = ref.current;
    if (!el) return;
    el.setRangeText(emoji, el.selectionStart, el.selectionEnd, "end");
    setText(el.value);
    if (chat && !editing) state.typed(chat.chat);
  }
  function paste(e: ClipboardEvent) {
    const pasted = [...(e.clipboardData?.files ?? [])];
    if (!pasted.length || editing) return;
    e.preventDefault();
    onFiles([...files, ...pasted]);
  }
  const quoted = editing ?? reply;
  return (
    <form class="composer" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      {quoted && <ComposeQuote state={state} m={quoted} editing={!!editing} onCancel={onCancel} />}
      <AttachStrip files={files} onChange={onFiles} />
      <EmojiButton onPick={insert} onDone={() => ref.current?.focus()} />
      {!editing && <button type="button" class="icon attach" aria-label="Attach files" onClick={() => picker.current?.click()}><PaperclipIcon /></button>}
      <input ref={picker} type="file" multiple hidden aria-label="Files to attach" data-picker
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          if (input.files?.length) onFiles([...files, ...input.files]);
          input.value = "";
        }} />
      <label for="composer-text" class="sr-only">Message</label>
      <textarea id="composer-text" ref={ref} rows={1} placeholder={files.length ? "Add a caption" : "Type a message"} value={text}
        aria-invalid={over ? "true" : undefined}
        onInput={(e) => { setText((e.target as HTMLTextAreaElement).value); if (chat && !editing) state.typed(chat.chat); }}
        onBlur={() => chat && state.stopTyping(chat.chat)}
        onPaste={paste}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
          if (e.key === "Escape" && quoted) { e.preventDefault(); onCancel(); }
        }} />
      {over && <span class="error" role="alert">Too long: at most {state.maxTextChars} characters.</span>}
      <button type="submit" class="send" aria-label={editing ? "Save" : "Send"} disabled={!ready}>{editing ? "✓" : "➤"}</button>
    </form>
  );
}
