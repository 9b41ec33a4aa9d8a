// Draws the app's icons (public/icons/*.png, referenced by public/manifest.webmanifest, and the
// tab's icon, icon-32.png, referenced by index.html) from public/favicon.svg in Chromium. Run by
// hand when the logo changes; the PNGs are committed.
//   node scripts/make-icons.mjs
// "any" icons are the logo as it is (rounded corners); the maskable one fills the square with
// the logo's green and keeps the speech bubble inside the central 80 % circle a launcher may
// cut out (https://web.dev/articles/maskable-icon).

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../e2e/harness.mjs";

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const logo = readFileSync(path.join(web, "public/favicon.svg"), "utf8");
const green = /<rect[^>]*fill="(#[0-9a-f]{6})"/i.exec(logo)[1];
const bubble = /<path d="([^"]+)"/.exec(logo)[1];
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="${green}"/>` +
  `<path transform="translate(16 16) scale(.72) translate(-16 -17.5)" d="${bubble}" fill="#fff"/></svg>`;

const browser = await launchChromium();
const page = await browser.newPage();
for (const [name, svg, size] of [["icon-32.png", logo, 32], ["icon-192.png", logo, 192], ["icon-512.png", logo, 512], ["maskable-512.png", maskable, 512]]) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
  await page.locator("svg").screenshot({ path: path.join(web, "public/icons", name), omitBackground: true });
  console.log(`public/icons/${name}`);
}
await browser.close();
