/**
 * Server-action requests Next would choke on, refused in the proxy with a 400 in the API's error
 * shape. Next decodes a server action's body (React's decodeReply) before our action() wrapper
 * runs, and answers anything it can't decode, or anything over its body limit, with a 500 we
 * can't catch. Next's own client sends a JSON array (the arguments) as text/plain, or
 * multipart/form-data when an argument is a file.
 */

/** Keep equal to `experimental.serverActions.bodySizeLimit` in next.config.mjs (a 2 MB photo is ≈2.7 MB as base64). */
export const ACTION_BODY_LIMIT_BYTES = 3 * 1024 * 1024;
const ACTION_CONTENT_TYPES = new Set(["text/plain", "multipart/form-data"]);

export interface ActionRefusal {
  status: 400;
  body: { error: { code: "invalid"; message: string } };
}

const refuse = (message: string): ActionRefusal => ({ status: 400, body: { error: { code: "invalid", message } } });

/** Null when `request` is not a server-action call or one Next can decode; otherwise the 400 to send. */
export async function checkActionRequest(request: Request): Promise<ActionRefusal | null> {
  if (request.method !== "POST" || !request.headers.has("next-action")) return null;
  const contentType = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (!ACTION_CONTENT_TYPES.has(contentType)) return refuse("This request's content type is not accepted. Send the form again from the page.");
  const declared = Number(request.headers.get("content-length"));
  if (declared > ACTION_BODY_LIMIT_BYTES) return refuse(tooLarge);
  if (contentType === "multipart/form-data") return null;
  const text = await request.clone().text();
  if (new TextEncoder().encode(text).length > ACTION_BODY_LIMIT_BYTES) return refuse(tooLarge);
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch {
    return refuse("The request body is not valid JSON.");
  }
  return Array.isArray(args) ? null : refuse("The request body is not a list of arguments.");
}

const tooLarge = `The request is too large: at most ${ACTION_BODY_LIMIT_BYTES / 1024 / 1024} MB.`;
