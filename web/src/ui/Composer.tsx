// The message box: Enter sends and Shift+Enter is a new line; the paperclip picks files, and
// pasted images join them. With files chosen, the text is the caption of the first.

import { useEffect, useRef, useState } from "preact/hooks";
import type { AppState, Chat } from "../app/state";
import { AttachStrip } from "./media/AttachStrip";
import { PaperclipIcon } from "./Icons";

export function Composer({ state, chat, files, onFiles }: {
  state: AppState; chat?: Chat; files: File[]; onFiles: (files: File[]) => void;
}) {
  const [text, setText] = useState("");
  const ref = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const key = chat?.chat ?? 0;
  useEffect(() => { ref.current?.focus(); setText(""); }, [key]);
  const over = [...text].length > state.maxTextChars;
  const ready = (text.trim() !== "" || files.length > 0) && !over;
  function submit() {
    if (!ready) return;
    if (files.length) state.sendFiles(files, text);
    else state.send(text);
    onFiles([]);
    setText("");
    ref.current?.focus();
  }
  function paste(e: ClipboardEvent) {
    const pasted = [...(e.clipboardData?.files ?? [])];
    if (!pasted.length) return;
    e.preventDefault();
    onFiles([...files, ...pasted]);
  }
  return (
    <form class="composer" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <AttachStrip files={files} onChange={onFiles} />
      <button type="button" class="icon attach" aria-label="Attach files" onClick={() => picker.current?.click()}><PaperclipIcon /></button>
      <input ref={picker} type="file" multiple hidden aria-label="Files to attach" data-picker
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          if (input.files?.length) onFiles([...files, ...input.files]);
          input.value = "";
        }} />
      <label for="composer-text" class="sr-only">Message</label>
      <textarea id="composer-text" ref={ref} rows={1} placeholder={files.length ? "Add a caption" : "Type a message"} value={text}
        aria-invalid={over ? "true" : undefined}
        onInput={(e) => { setText((e.target as HTMLTextAreaElement).value); if (chat) state.typed(chat.chat); }}
        onBlur={() => chat && state.stopTyping(chat.chat)}
        onPaste={paste}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
        }} />
      {over && <span class="error" role="alert">Too long: at most {state.maxTextChars} characters.</span>}
      <button type="submit" class="send" aria-label="Send" disabled={!ready}>➤</button>
    </form>
  );
}
