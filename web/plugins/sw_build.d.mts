// Types of sw_build.mjs (plain JavaScript, so that Vite's config runs it in Node.js as it is).
import type { Plugin } from "vite";

export interface ShellBuild { id: string; files: string[] }
export function stampServiceWorker(source: string, build: ShellBuild): string;
export function serviceWorkerBuild(): Plugin;
