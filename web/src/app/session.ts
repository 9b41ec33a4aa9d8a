// The signed-in device, kept in localStorage so a reload stays signed in.

export interface Session {
  token: string;
  user: number;
  device: number;
  phone: string;
  /** The update-log position this device has processed (resume point after a reload). */
  position: number;
}

const KEY = "parley.session";

export function loadSession(storage: Storage = localStorage): Session | null {
  try {
    const v = JSON.parse(storage.getItem(KEY) ?? "null") as Partial<Session> | null;
    if (!v || typeof v.token !== "string" || typeof v.user !== "number" || typeof v.device !== "number") return null;
    return { token: v.token, user: v.user, device: v.device, phone: String(v.phone ?? ""), position: Number(v.position ?? 0) };
  } catch {
    return null;
  }
}

export function saveSession(s: Session, storage: Storage = localStorage): void {
  storage.setItem(KEY, JSON.stringify(s));
}

export function clearSession(storage: Storage = localStorage): void {
  storage.removeItem(KEY);
}
