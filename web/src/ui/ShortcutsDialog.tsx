// "Keyboard shortcuts": every shortcut and key of the app, opened by Ctrl+/ and from Settings.

import { Fragment } from "preact";
import { Dialog } from "./Dialog";
import { keysOf, OTHER_KEYS, SHORTCUTS } from "./shortcuts";

/** One way to press it: each key in a <kbd>, joined by "+". */
function Keys({ keys }: { keys: string[] }) {
  return <span class="keys">{keys.map((k, i) => <Fragment key={i}>{i > 0 && "+"}<kbd>{k}</kbd></Fragment>)}</span>;
}

function Row({ what, ways }: { what: string; ways: string[][] }) {
  return (
    <tr>
      <th scope="row">{what}</th>
      <td>{ways.map((w, i) => <Fragment key={i}>{i > 0 && <span class="or"> or </span>}<Keys keys={w} /></Fragment>)}</td>
    </tr>
  );
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <div class="shortcuts" data-shortcuts>
        <table>
          <caption class="sr-only">Shortcuts</caption>
          <tbody>
            {SHORTCUTS.map((s) => <Row key={s.command} what={s.what} ways={s.keys.map(keysOf)} />)}
            {OTHER_KEYS.map((o) => <Row key={o.what} what={o.what} ways={o.keys} />)}
          </tbody>
        </table>
        <p class="hint">On a Mac, Cmd works where Ctrl is shown.</p>
      </div>
    </Dialog>
  );
}
