import { describe, expect, it } from "vitest";
import { commandOf, keysOf, SHORTCUTS, type KeyLike } from "../src/ui/shortcuts";

const press = (code: string, mods: Partial<KeyLike> = {}, key = ""): KeyLike =>
  ({ key: key || code.replace(/^Key/, "").toLowerCase(), code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...mods });

describe("keyboard shortcuts", () => {
  it("know WhatsApp Web's keys, by their place on the keyboard", () => {
    expect(commandOf(press("KeyN", { ctrlKey: true, altKey: true }))).toBe("new-chat");
    expect(commandOf(press("KeyN", { ctrlKey: true, altKey: true, shiftKey: true }, "N"))).toBe("new-group");
    expect(commandOf(press("Slash", { ctrlKey: true, altKey: true }, "/"))).toBe("search");
    expect(commandOf(press("KeyK", { ctrlKey: true }))).toBe("search");
    expect(commandOf(press("BracketRight", { ctrlKey: true, altKey: true, shiftKey: true }, "}"))).toBe("next-chat");
    expect(commandOf(press("BracketLeft", { ctrlKey: true, altKey: true, shiftKey: true }, "{"))).toBe("previous-chat");
    expect(commandOf(press("ArrowDown", { altKey: true }, "ArrowDown"))).toBe("next-chat");
    expect(commandOf(press("KeyU", { ctrlKey: true, altKey: true, shiftKey: true }, "U"))).toBe("mark-read");
    expect(commandOf(press("KeyE", { ctrlKey: true, altKey: true }))).toBe("archive");
    expect(commandOf(press("Slash", { ctrlKey: true }, "/"))).toBe("shortcuts");
    expect(commandOf(press("Slash", { metaKey: true }, "/"))).toBe("shortcuts");   // Cmd on a Mac
  });

  it("leave other keys alone: plain typing, other modifiers, and characters typed with AltGr", () => {
    expect(commandOf(press("KeyN"))).toBeNull();
    expect(commandOf(press("KeyN", { ctrlKey: true }))).toBeNull();
    expect(commandOf(press("KeyE", { ctrlKey: true, altKey: true, shiftKey: true }, "E"))).toBeNull();
    expect(commandOf(press("KeyE", { ctrlKey: true, altKey: true }, "ę"))).toBeNull();   // Polish AltGr+E
    expect(commandOf(press("KeyE", { ctrlKey: true, altKey: true, altGraph: true }, "€"))).toBeNull();
  });

  it("are listed with their keys as shown", () => {
    expect(keysOf(SHORTCUTS.find((s) => s.command === "new-group")!.keys[0])).toEqual(["Ctrl", "Alt", "Shift", "N"]);
    const combos = SHORTCUTS.flatMap((s) => s.keys.map((k) => `${k.ctrl}${k.alt}${k.shift}${k.code}`));
    expect(new Set(combos).size).toBe(combos.length);   // no key does two things
  });
});
