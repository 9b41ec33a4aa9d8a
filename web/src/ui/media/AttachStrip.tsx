// The files chosen for the next message, before it is sent: a small preview of each (the
// picture, or an icon and the name) with a button to take it out.

import { useEffect, useState } from "preact/hooks";
import { FileIcon } from "../Icons";
import { humanSize } from "./measure";

function Chosen({ file, onRemove }: { file: File; onRemove: () => void }) {
  const picture = /^image\/(jpeg|png|webp|gif)$/.test(file.type);
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!picture) return;
    const u = URL.createObjectURL(file);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [file, picture]);
  return (
    <li class="chosen" data-chosen={file.name}>
      {url ? <img src={url} alt={file.name} width={56} height={56} /> : (
        <span class="chosen-file"><FileIcon /><span class="chosen-name">{file.name}</span></span>
      )}
      <span class="sr-only">{humanSize(file.size)}</span>
      <button type="button" class="chosen-remove" aria-label={`Remove ${file.name}`} onClick={onRemove}>✕</button>
    </li>
  );
}

export function AttachStrip({ files, onChange }: { files: File[]; onChange: (files: File[]) => void }) {
  if (!files.length) return null;
  return (
    <div class="attach-strip">
      <ul aria-label="Files to send">
        {files.map((f, i) => <Chosen key={`${i}-${f.name}-${f.size}`} file={f} onRemove={() => onChange(files.filter((_, j) => j !== i))} />)}
      </ul>
      <p class="hint">{files.length === 1 ? "The message becomes its caption." : "The message becomes the caption of the first file."}</p>
    </div>
  );
}
