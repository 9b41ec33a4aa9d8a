// Sign-in: phone number (country picker defaulting from the browser locale), then the code, with
// "Resend code" after a countdown. Refusals are told in words (app/error_text.ts).

import { useMemo, useRef, useEffect, useState } from "preact/hooks";
import type { CountryCode } from "libphonenumber-js";
import { Api, ApiError, type Verified } from "../app/api";
import { countries, defaultCountry, formatPhone, toE164 } from "./countries";
import { RESEND_AFTER_MS, ResendCode } from "./ResendCode";

function deviceName(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome"
    : /Safari\//.test(ua) ? "Safari" : "Browser";
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS/.test(ua) ? "macOS"
    : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
  return os ? `${browser} on ${os}` : browser;
}

export function SignIn({ api, onSignedIn }: { api: Api; onSignedIn: (v: Verified) => void }) {
  const locale = navigator.language || "en-US";
  const list = useMemo(() => countries(locale), [locale]);
  const [country, setCountry] = useState<CountryCode>(() => defaultCountry(navigator.languages ?? [locale]));
  const [number, setNumber] = useState("");
  const [phone, setPhone] = useState<string | null>(null);   // set once a code was sent
  const [code, setCode] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [resendAt, setResendAt] = useState(0);   // when "Resend code" is offered
  const [resent, setResent] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  useEffect(() => { if (phone) codeRef.current?.focus(); }, [phone]);
  const dial = list.find((c) => c.code === country)?.dial ?? "";

  async function requestCode(e: Event) {
    e.preventDefault();
    const e164 = toE164(number, country);
    if (!e164) {
      setError(`That is not a valid phone number for ${list.find((c) => c.code === country)?.name ?? country}.`);
      return;
    }
    setBusy(true);
    setError("");
    try {
      const r = await api.requestCode(e164);
      setPhone(r.phone);
      setCode("");
      setResent(false);
      setResendAt(Date.now() + RESEND_AFTER_MS);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  /** A new code for the same number; a refusal (too many codes) says when, and the countdown waits that long. */
  async function resend() {
    if (!phone) return;
    setBusy(true);
    setError("");
    setResent(false);
    try {
      await api.requestCode(phone);
      setCode("");
      setResent(true);
      setResendAt(Date.now() + RESEND_AFTER_MS);
      codeRef.current?.focus();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      if (err instanceof ApiError && err.retry_after_ms) setResendAt(Date.now() + err.retry_after_ms);
    } finally {
      setBusy(false);
    }
  }

  async function verify(e: Event) {
    e.preventDefault();
    if (!phone) return;
    setBusy(true);
    setError("");
    try {
      onSignedIn(await api.verify(phone, code.trim(), deviceName()));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));   // in words (error_text.ts)
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="signin">
      <div class="card">
        <h1><span class="logo" aria-hidden="true">●</span> parley</h1>
        {!phone ? (
          <form onSubmit={requestCode} aria-describedby="signin-help">
            <p id="signin-help">Sign in with your phone number. We will send you a code.</p>
            <label for="country">Country</label>
            <select id="country" value={country} onChange={(e) => setCountry((e.target as HTMLSelectElement).value as CountryCode)}>
              {list.map((c) => <option key={c.code} value={c.code}>{c.name} ({c.dial})</option>)}
            </select>
            <label for="phone">Phone number</label>
            <div class="phone-row">
              <span class="dial" aria-hidden="true">{dial}</span>
              <input id="phone" type="tel" autoComplete="tel" inputMode="tel" required autoFocus value={number}
                onInput={(e) => setNumber((e.target as HTMLInputElement).value)} placeholder="415 555 0101" />
            </div>
            {error && <p class="error" role="alert">{error}</p>}
            <button type="submit" class="primary" disabled={busy}>{busy ? "Sending…" : "Send code"}</button>
          </form>
        ) : (
          <form onSubmit={verify}>
            <p>Enter the code we sent to <strong>{formatPhone(phone)}</strong>.</p>
            <label for="code">Code</label>
            <input id="code" ref={codeRef} inputMode="numeric" autoComplete="one-time-code" required maxLength={16}
              value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value)} />
            {error && <p class="error" role="alert">{error}</p>}
            <p class="hint sent-note" role="status">{resent ? "A new code is on its way." : ""}</p>
            <button type="submit" class="primary" disabled={busy}>{busy ? "Checking…" : "Sign in"}</button>
            <ResendCode until={resendAt} busy={busy} onResend={() => void resend()} />
            <button type="button" class="link" onClick={() => { setPhone(null); setError(""); }}>Use another number</button>
          </form>
        )}
      </div>
    </main>
  );
}
