// Settings → Theme: System (the browser's light or dark), Light or Dark, for this browser.

import { useEffect, useState } from "preact/hooks";
import { onThemeChange, setThemeChoice, themeChoice, type ThemeChoice } from "./theme";

const CHOICES: [ThemeChoice, string][] = [["system", "System"], ["light", "Light"], ["dark", "Dark"]];

export function ThemeSetting() {
  const [choice, setChoice] = useState(themeChoice);
  useEffect(() => onThemeChange(() => setChoice(themeChoice())), []);   // another tab's choice
  return (
    <fieldset class="theme-setting" aria-describedby="theme-hint">
      <legend>Theme</legend>
      {CHOICES.map(([v, label]) => (
        <label class="check" key={v}>
          <input type="radio" name="theme" value={v} checked={choice === v} onChange={() => setThemeChoice(v)} /> {label}
        </label>
      ))}
      <p class="hint" id="theme-hint">System follows your device's light or dark setting. Kept in this browser only.</p>
    </fieldset>
  );
}
