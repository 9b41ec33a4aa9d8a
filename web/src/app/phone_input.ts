// Phone numbers typed into New chat, New group, Add members and Add contact: checked with
// libphonenumber (as the server does) before the server is asked, so "abc" reads "not a valid
// number" rather than "not on parley yet". A number without "+" is read in my own country.

import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

/** The country of my own number, to read numbers typed without their country code. */
function homeCountry(myPhone?: string): CountryCode | undefined {
  return myPhone ? parsePhoneNumberFromString(myPhone)?.country : undefined;
}

/** E.164 of a typed number, or null when it is not a valid number. */
export function toPhone(typed: string, myPhone?: string): string | null {
  const t = typed.trim();
  if (!/\d/.test(t)) return null;
  const p = parsePhoneNumberFromString(t, t.startsWith("+") ? undefined : homeCountry(myPhone));
  return p && p.isValid() ? p.number : null;
}

/** E.164 of a typed number; throws a sentence for the user when it is not one. */
export function checkPhone(typed: string, myPhone?: string): string {
  const phone = toPhone(typed, myPhone);
  if (!phone) throw new Error(`"${typed.trim()}" is not a valid phone number. Include the country code, like +14155550102.`);
  return phone;
}

/** E.164 of each typed number (blanks left out); throws one sentence naming every one that is not valid. */
export function checkPhones(typed: string[], myPhone?: string): string[] {
  const list = typed.map((t) => t.trim()).filter(Boolean);
  const bad = list.filter((t) => !toPhone(t, myPhone));
  if (bad.length === 1) throw new Error(`"${bad[0]}" is not a valid phone number. Include the country code, like +14155550102.`);
  if (bad.length) throw new Error(`These are not valid phone numbers: ${bad.map((b) => `"${b}"`).join(", ")}. Include the country code, like +14155550102.`);
  return list.map((t) => toPhone(t, myPhone)!);
}
