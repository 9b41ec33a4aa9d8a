// Vite's `?raw` imports (a file's text), for the tests that read a file (public/sw.js).
declare module "*?raw" {
  const text: string;
  export default text;
}
