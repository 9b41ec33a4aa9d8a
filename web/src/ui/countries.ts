// Countries for the sign-in picker: every region libphonenumber knows, with its calling code
// and its name in the browser's language; the default comes from the browser locale.

import { getCountries, getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { keptResults } from "./kept_results";

export interface Country { code: CountryCode; name: string; dial: string }

export function countries(locale: string): Country[] {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([locale, "en"], { type: "region" });
  } catch {
    names = null;
  }
  return getCountries()
    .map((code) => ({ code, name: names?.of(code) ?? code, dial: "+" + getCountryCallingCode(code) }))
    .sort((a, b) => a.name.localeCompare(b.name, locale));
}

/** The region of a locale like "en-US" or "pt_BR", if libphonenumber knows it. */
export function defaultCountry(locales: readonly string[]): CountryCode {
  const known = new Set<string>(getCountries());
  for (const l of locales) {
    let region: string | undefined;
    try {
      region = new Intl.Locale(l.replace("_", "-")).maximize().region;
    } catch {
      region = undefined;
    }
    if (region && known.has(region)) return region as CountryCode;
  }
  return "US";
}

/** E.164 for what the user typed in the given country, or null when it is not a valid number. */
export function toE164(input: string, country: CountryCode): string | null {
  const p = parsePhoneNumberFromString(input.trim(), input.trim().startsWith("+") ? undefined : country);
  return p && p.isValid() ? p.number : null;
}

/**
 * A phone number as people write it internationally: "+1 415 555 0101". Each is parsed once
 * and kept for the next page (kept_results.ts: libphonenumber's first parse costs milliseconds).
 */
export const formatPhone = keptResults("parley.phoneFormats", (e164) => {
  const p = parsePhoneNumberFromString(e164);
  return p ? p.formatInternational() : e164;
});
