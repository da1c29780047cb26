/**
 * A built-in blocklist of passwords seen most often in breach corpora (NIST SP 800-63B 5.1.1.2
 * asks for one). Compared lowercased, and also with trailing digits/symbols removed, so
 * "Password123!" is caught as "password". Passwords shorter than 8 are caught by the length rule.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  "password", "password1", "password12", "password123", "password1234", "passw0rd", "p@ssw0rd", "p@ssword",
  "123456789", "1234567890", "12345678", "123123123", "987654321", "11111111", "111111111", "00000000",
  "qwertyuiop", "qwerty123", "qwertyui", "qwerty12", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "zaq12wsx", "asdfghjkl",
  "iloveyou", "sunshine", "princess", "football", "baseball", "basketball", "superman", "batman", "starwars",
  "trustno1", "welcome", "welcome1", "welcome123", "letmein", "letmein1", "changeme", "changeme123", "default",
  "administrator", "admin123", "admin1234", "adminadmin", "rootroot", "master", "mastermaster", "whatever",
  "dragon", "monkey", "shadow", "michael", "jennifer", "jordan23", "charlie", "computer", "internet",
  "freedom", "mustang", "maggie", "ginger", "pepper", "summer", "winter", "spring", "autumn", "abcdefgh",
  "abc12345", "abcd1234", "aa123456", "a1b2c3d4", "iloveyou1", "lovelove", "hello123", "helloworld",
  "secret", "secret123", "mypassword", "yourpassword", "newpassword", "password!", "passwordpassword",
  "healthcare", "hospital", "clinic", "clinic123", "doctor", "nurse", "patient", "medical", "dental", "dentist",
  "careaccess", "caregiver", "physio", "therapy", "pharmacy", "covid19", "vaccine",
  "january", "february", "december", "monday", "friday", "sunday", "qazwsxedc", "zxcvbnm", "zxcvbnm123",
  "asdf1234", "asdfasdf", "qweasdzxc", "1234qwer", "q1w2e3r4", "q1w2e3r4t5", "1234abcd", "987654321a",
  "michelle", "jessica", "ashley", "daniel", "matthew", "andrew", "joshua", "anthony", "thomas", "robert",
  "soccer", "hockey", "killer", "hunter", "ranger", "tigger", "buster", "cookie", "chocolate", "butterfly",
  "flower", "blessed", "forever", "family", "friends", "loveme", "lovely", "angel", "jesus", "jesuschrist",
  "liverpool", "chelsea", "arsenal", "manchester", "yankees", "cowboys", "eagles", "steelers",
  "access", "access123", "login", "login123", "temp1234", "temppass", "test1234", "testtest", "testing123",
  "passpass", "pass1234", "guest", "guest123", "user1234", "office", "office123", "company", "summer2024",
  "summer2025", "winter2024", "winter2025", "spring2025", "autumn2025", "january2025", "welcome2024", "welcome2025",
  "correcthorsebatterystaple", "letmeinplease", "iloveyouforever", "thisismypassword", "myhealthcare",
]);

export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return true;
  const stripped = lower.replace(/[\d!@#$%^&*?._\-\s]+$/, "").replace(/^[\d!@#$%^&*?._\-\s]+/, "");
  if (stripped.length > 0 && COMMON_PASSWORDS.has(stripped)) return true;
  // One character repeated, or a straight run like "abcdefghijkl" / "123456789012".
  if (/^(.)\1+$/.test(lower)) return true;
  const codes = [...lower].map((c) => c.charCodeAt(0));
  return codes.length >= 8 && codes.every((c, i) => i === 0 || c - codes[i - 1] === 1);
}
