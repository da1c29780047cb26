/**
 * Every email CareAccess sends, as plain text plus a simple HTML version. Links are absolute
 * (NEXTAUTH_URL) and say how long they last.
 */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function layout(title: string, paragraphs: string[], action?: { label: string; url: string }, footer?: string): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 16px">${escape(p)}</p>`).join("");
  const button = action
    ? `<p style="margin:24px 0"><a href="${escape(action.url)}" style="background:#0f766e;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">${escape(action.label)}</a></p><p style="margin:0 0 16px;font-size:13px;color:#475569">Or paste this link into your browser: ${escape(action.url)}</p>`
    : "";
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#0f172a;max-width:560px;margin:0 auto;padding:24px"><h1 style="font-size:20px">${escape(title)}</h1>${body}${button}${footer ? `<p style="font-size:13px;color:#475569">${escape(footer)}</p>` : ""}<p style="font-size:12px;color:#64748b">CareAccess</p></body></html>`;
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours % 24 === 0 && hours >= 48 ? `${hours / 24} days` : `${hours} hours`;
}

export function invitationEmail(p: { name: string; inviter: string; places: string[]; url: string; ttlMs: number }): EmailContent {
  const where = p.places.join(", ");
  const lines = [`Hello ${p.name},`, `${p.inviter} invited you to join ${where} on CareAccess.`, `Set your password to activate your account. This link works once and expires in ${duration(p.ttlMs)}.`];
  return {
    subject: `You're invited to ${p.places[0] ?? "CareAccess"} on CareAccess`,
    text: `${lines.join("\n\n")}\n\nSet your password: ${p.url}\n\nIf you weren't expecting this, you can ignore this email.\n`,
    html: layout("You're invited to CareAccess", lines, { label: "Set your password", url: p.url }, "If you weren't expecting this, you can ignore this email."),
  };
}

export function activationEmail(p: { name: string; url: string; ttlMs: number }): EmailContent {
  const lines = [`Hello ${p.name},`, `An administrator created a CareAccess account for you.`, `Choose your password to activate it. This link works once and expires in ${duration(p.ttlMs)}.`];
  return {
    subject: "Activate your CareAccess account",
    text: `${lines.join("\n\n")}\n\nActivate your account: ${p.url}\n`,
    html: layout("Activate your CareAccess account", lines, { label: "Activate your account", url: p.url }),
  };
}

export function joinInvitationEmail(p: { name: string; inviter: string; places: string[]; url: string; ttlMs: number }): EmailContent {
  const lines = [
    `Hello ${p.name},`,
    `${p.inviter} invited you to join ${p.places.join(", ")} on CareAccess with your existing account.`,
    `Nothing changes until you accept. This link expires in ${duration(p.ttlMs)}; you can also accept or decline after signing in.`,
  ];
  return {
    subject: `You're invited to ${p.places[0] ?? "a new place"} on CareAccess`,
    text: `${lines.join("\n\n")}\n\nAccept or decline: ${p.url}\n\nIf you weren't expecting this, you can ignore this email.\n`,
    html: layout("You're invited on CareAccess", lines, { label: "Review the invitation", url: p.url }, "If you weren't expecting this, you can ignore this email."),
  };
}

export function resetEmail(p: { name: string; url: string; ttlMs: number; byAdmin: boolean }): EmailContent {
  const lines = [
    `Hello ${p.name},`,
    p.byAdmin ? "An administrator asked for your CareAccess password to be reset." : "Someone (hopefully you) asked to reset your CareAccess password.",
    `Choose a new password with the link below. It works once and expires in ${duration(p.ttlMs)}.`,
  ];
  const footer = "If you didn't ask for this, you can ignore this email: your password stays the same.";
  return {
    subject: "Reset your CareAccess password",
    text: `${lines.join("\n\n")}\n\nReset your password: ${p.url}\n\n${footer}\n`,
    html: layout("Reset your CareAccess password", lines, { label: "Reset your password", url: p.url }, footer),
  };
}

export function signInCodeEmail(p: { name: string; code: string; ttlMinutes: number }): EmailContent {
  const lines = [`Hello ${p.name},`, `Your CareAccess sign-in code is ${p.code}.`, `It expires in ${p.ttlMinutes} minutes and works once. Never share it: CareAccess staff will never ask for it.`];
  return { subject: `Your CareAccess sign-in code: ${p.code}`, text: `${lines.join("\n\n")}\n`, html: layout("Your sign-in code", lines) };
}

export function securityAlertEmail(p: { name: string; title: string; lines: string[]; url?: string }): EmailContent {
  const lines = [`Hello ${p.name},`, ...p.lines];
  return {
    subject: `Security alert: ${p.title}`,
    text: `${lines.join("\n\n")}\n${p.url ? `\n${p.url}\n` : ""}`,
    html: layout(`Security alert: ${p.title}`, lines, p.url ? { label: "Open CareAccess", url: p.url } : undefined),
  };
}

/** Access requests (issue 11): one email per step, to the approvers or to the requester. */
export function accessRequestEmail(p: { name: string; title: string; lines: string[]; url?: string }): EmailContent {
  const lines = [`Hello ${p.name},`, ...p.lines];
  return {
    subject: p.title,
    text: `${lines.join("\n\n")}\n${p.url ? `\n${p.url}\n` : ""}`,
    html: layout(p.title, lines, p.url ? { label: "Open access requests", url: p.url } : undefined),
  };
}

/** Access reviews (issue 9): a campaign opened, or its due date is near; to each reviewer with lines left. */
export function accessReviewEmail(p: { name: string; title: string; lines: string[]; url: string }): EmailContent {
  const lines = [`Hello ${p.name},`, ...p.lines];
  return { subject: p.title, text: `${lines.join("\n\n")}\n\n${p.url}\n`, html: layout(p.title, lines, { label: "Open the access review", url: p.url }) };
}

/** Inactivity expiry (issue 11): a membership nobody has used will be suspended on a date. */
export function inactivityWarningEmail(p: { name: string; tenant: string; days: number; suspendOn: string; url: string }): EmailContent {
  const title = `Your access to ${p.tenant} will be suspended on ${p.suspendOn}`;
  const lines = [`Hello ${p.name},`, `You haven't used your access to ${p.tenant} for a while. ${p.tenant} suspends access nobody has used for ${p.days} days, so yours will be suspended on ${p.suspendOn}.`, "To keep it, sign in and open any page of the organisation before then."];
  return { subject: title, text: `${lines.join("\n\n")}\n\n${p.url}\n`, html: layout(title, lines, { label: "Open CareAccess", url: p.url }) };
}
