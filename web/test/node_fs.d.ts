// The one Node.js function the tests use to read a file outside web/ (Vite's `?raw` may not),
// declared here because the project has no @types/node.
declare module "node:fs" {
  export function readFileSync(path: URL, encoding: "utf8"): string;
}
