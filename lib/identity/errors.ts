/**
 * Why an SSO sign-in was refused. The code travels in the redirect to /login (never a message from
 * the URL: a link can't make the sign-in page say something we didn't write); the message is logged
 * in the audit event and shown from SSO_MESSAGES.
 */
export type SsoErrorCode =
  | "expired"
  | "replay"
  | "unavailable"
  | "idp_unreachable"
  | "idp_error"
  | "invalid_token"
  | "no_email"
  | "unsigned"
  | "bad_signature"
  | "wrong_audience"
  | "assertion_expired"
  | "wrong_recipient"
  | "domain_not_verified"
  | "no_account"
  | "disabled"
  | "browser"
  | "no_sso";

export const SSO_MESSAGES: Record<SsoErrorCode, string> = {
  expired: "That single sign-on attempt took too long or was already finished. Start again.",
  replay: "This sign-in response was already used or wasn't started here, so it was refused. Start again.",
  unavailable: "This single sign-on connection isn't available. Ask your administrator.",
  idp_unreachable: "We couldn't reach your organisation's identity provider. Try again in a moment.",
  idp_error: "Your identity provider didn't complete the sign-in.",
  invalid_token: "Your identity provider's answer failed validation (its signature or contents), so it was refused.",
  no_email: "Your identity provider didn't send a verified email address.",
  unsigned: "The identity provider's assertion wasn't signed. CareAccess only accepts signed assertions.",
  bad_signature: "The identity provider's response failed its signature check (it was changed on the way, or signed with another key), so it was refused.",
  wrong_audience: "The identity provider's assertion was meant for another application (wrong audience), so it was refused.",
  assertion_expired: "The identity provider's assertion has expired. Sign in again.",
  wrong_recipient: "The identity provider's assertion was addressed to another sign-in URL, so it was refused.",
  domain_not_verified: "Your email's domain isn't verified by the organisation behind this sign-in, so it can't sign you in.",
  no_account: "There is no CareAccess account for you yet, and your organisation doesn't create them at sign-in. Ask your administrator.",
  disabled: "Your account is disabled. Ask your administrator.",
  browser: "Finish signing in in the browser where you started.",
  no_sso: "Your email's domain has no single sign-on. Sign in with your password.",
};

export class SsoError extends Error {
  constructor(
    readonly code: SsoErrorCode,
    /** For the audit log: what exactly failed. */
    readonly detail?: string,
  ) {
    super(SSO_MESSAGES[code]);
    this.name = "SsoError";
  }
}

export function ssoMessage(code: string | undefined): string | null {
  return code && code in SSO_MESSAGES ? SSO_MESSAGES[code as SsoErrorCode] : null;
}
