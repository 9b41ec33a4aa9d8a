// The server side of a WebSocket, scripted by the tests.
import type { SocketLike } from "../src/protocol/client";

export class FakeSocket implements SocketLike {
  sent: Record<string, unknown>[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string) { this.sent.push(JSON.parse(data)); }
  close() { this.closed = true; }
  // The server's side.
  open() { this.onopen?.({}); }
  push(frame: Record<string, unknown>) { this.onmessage?.({ data: JSON.stringify(frame) }); }
  drop(code = 1006) { this.onclose?.({ code }); }
  hello(user = 1, position = 0) { this.push({ type: "hello", protocol: 1, user, device: 7, head: position, position, server_time: 0, max_text_chars: 4096, presence: { heartbeat_ms: 300, online_ms: 1000, typing_ms: 800 } }); }
  types() { return this.sent.map((f) => f.type); }
}

