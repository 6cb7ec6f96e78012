import { type Attachment, ErrorCode, type Message, StarlingError } from "@starling/protocol";
import { MAX_ATTACHMENTS } from "../../core/files/attachments.js";
import type { RouterSession, XmppContext } from "./context.js";
import { child, childElements, el, NS, stanzaError, textOf, type XElement } from "./stanza.js";
import type { XmppUpload } from "./xmpp-config.js";

/**
 * HTTP file upload (XEP-0363) through the file service: the upload service
 * at `upload.<domain>` hands out slots, and download URLs in messages map to
 * Starling attachments both ways.
 *
 * A download URL is a bearer capability, as with Prosody and ejabberd:
 * whoever holds it may read the file for as long as the file exists. It is
 * only ever given to people who can read the file: the uploader (in the
 * slot) and the members of a conversation where a message shared it (when
 * that message is rendered for them).
 */

/** Answers an IQ sent to the upload service: disco#info, or a slot request. */
export function uploadIq(ctx: XmppContext, iq: XElement): void {
  const type = iq.attrs.type;
  if (type === "result" || type === "error") return;
  const payload = childElements(iq);
  if ((type !== "get" && type !== "set") || !iq.attrs.id || payload.length !== 1) {
    ctx.error(iq, "modify", "bad-request");
    return;
  }
  const q = payload[0] as XElement;
  const upload = ctx.config.upload;
  if (!upload || !ctx.core.files) {
    ctx.error(iq, "cancel", "service-unavailable");
    return;
  }
  if (type === "get" && q.name === "query" && q.ns === NS.discoInfo && !q.attrs.node) {
    ctx.answer(iq, async () => discoInfo(await upload.slots.maxSize(ctx.session.userId)));
    return;
  }
  if (type === "get" && q.name === "query" && q.ns === NS.discoItems && !q.attrs.node) {
    ctx.result(iq, el("query", { xmlns: NS.discoItems }));
    return;
  }
  if (type === "get" && q.name === "ping" && q.ns === NS.ping) {
    ctx.result(iq);
    return;
  }
  if (q.name === "request" && q.ns === NS.upload) {
    if (type === "get") slot(ctx, iq, q, upload);
    else ctx.error(iq, "modify", "bad-request", "a slot request is an IQ get");
    return;
  }
  ctx.error(iq, "cancel", "service-unavailable");
}

/** The service's identity, feature and largest file (XEP-0363 section 3, XEP-0128). */
function discoInfo(maxFileSize: number): XElement {
  return el(
    "query",
    { xmlns: NS.discoInfo },
    el("identity", { category: "store", type: "file", name: "HTTP File Upload" }),
    el("feature", { var: NS.discoInfo }),
    el("feature", { var: NS.upload }),
    el(
      "x",
      { xmlns: NS.dataForms, type: "result" },
      el("field", { var: "FORM_TYPE", type: "hidden" }, el("value", {}, NS.upload)),
      el("field", { var: "max-file-size" }, el("value", {}, String(maxFileSize))),
    ),
  );
}

/** A slot (XEP-0363 section 4): the URL to PUT the file to and the one to GET it from. */
function slot(ctx: XmppContext, iq: XElement, request: XElement, upload: XmppUpload): void {
  upload.slots
    .grant(ctx.session.userId, {
      filename: request.attrs.filename,
      size: request.attrs.size,
      contentType: request.attrs["content-type"],
    })
    .then(
      ({ putPath, getPath }) => {
        const base = upload.baseUrl(ctx.session.domain, ctx.session.reachedHost);
        ctx.result(
          iq,
          el(
            "slot",
            { xmlns: NS.upload },
            el("put", { url: `${base}${putPath}` }),
            el("get", { url: `${base}${getPath}` }),
          ),
        );
      },
      (err) => refused(ctx, iq, err),
    );
}

/** A refused slot request, with the conditions and details XEP-0363 section 5 gives. */
function refused(ctx: XmppContext, iq: XElement, err: unknown): void {
  if (!(err instanceof StarlingError)) {
    ctx.failed(iq, err);
    return;
  }
  const answer = (type: "modify" | "wait", condition: string, extra?: XElement) => {
    const e = stanzaError(iq, {
      type,
      condition,
      from: iq.attrs.to ?? ctx.session.domain,
      to: ctx.session.fullJid,
      text: err.message,
    });
    const error = child(e, "error", "");
    if (extra) error?.children.push(extra);
    ctx.session.send(e);
  };
  switch (err.code) {
    case ErrorCode.FILE_TOO_LARGE:
      answer(
        "modify",
        "not-acceptable",
        el("file-too-large", { xmlns: NS.upload }, el("max-file-size", {}, err.details.limit ?? "")),
      );
      return;
    case ErrorCode.QUOTA_EXCEEDED:
      answer("wait", "resource-constraint");
      return;
    case ErrorCode.RATE_LIMITED:
      answer(
        "wait",
        "resource-constraint",
        el("retry", {
          xmlns: NS.upload,
          stamp: new Date(Date.now() + Math.max(1000, err.retryAfterMs)).toISOString(),
        }),
      );
      return;
    default:
      ctx.failed(iq, err);
  }
}

/**
 * The text and attachments a message from an XMPP client is stored with:
 * download URLs of files this server holds (in the body or XEP-0066 data)
 * become attachments and leave the text.
 *
 * A body that is nothing but such URLs (as clients send an upload) becomes
 * attachments and no text; a body with anything else in it stays the text as
 * written. A URL counts only when its signature holds and the sender may read
 * its file, so a pasted or forged URL can never attach someone else's file:
 * it stays text. Which host the URL names does not matter, since the
 * signature shows it is ours (and a cluster's nodes may have several names).
 */
export async function attachmentsOf(
  ctx: XmppContext,
  stanza: XElement,
  body: string,
): Promise<{ text: string; fileIds: string[] }> {
  const upload = ctx.config.upload;
  const files = ctx.core.files;
  if (!upload || !files) return { text: body, fileIds: [] };
  const mayRead = async (fileId: string): Promise<boolean> => {
    try {
      await files.readable(ctx.session.userId, fileId);
      return true;
    } catch (err) {
      if (err instanceof StarlingError && err.code === ErrorCode.NOT_FOUND) return false;
      throw err;
    }
  };

  let text = body;
  const fileIds: string[] = [];
  // Most bodies are plain text: only a body of a few words that all look like URLs is parsed.
  const words = body.includes("://") ? body.trim().split(/\s+/).filter(Boolean) : [];
  const ids: string[] = [];
  if (words.length > 0 && words.length <= MAX_ATTACHMENTS && words.every((w) => /^https?:\/\//i.test(w))) {
    for (const w of words) {
      const id = fileOfUrl(upload, w);
      if (id === undefined) break;
      ids.push(id);
    }
  }
  if (ids.length > 0 && ids.length === words.length) {
    let all = true;
    for (const id of ids) if (!(await mayRead(id))) all = false;
    if (all) {
      text = "";
      fileIds.push(...ids);
    }
  }
  for (const x of childElements(stanza)) {
    if (x.name !== "x" || x.ns !== NS.oob) continue;
    const url = child(x, "url", NS.oob);
    const id = url && fileOfUrl(upload, textOf(url).trim());
    if (id && !fileIds.includes(id) && (await mayRead(id))) fileIds.push(id);
  }
  return { text, fileIds: [...new Set(fileIds)].slice(0, MAX_ATTACHMENTS) };
}

/** The file a URL names, when it is one of our download URLs and its signature holds. */
function fileOfUrl(upload: XmppUpload, raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.search || url.hash || url.username || url.password) return undefined;
  return upload.slots.fileOfPath(url.pathname);
}

/** The download URL an XMPP client is given for an attachment, if there is one. */
export function attachmentUrl(session: RouterSession, _msg: Message, a: Attachment): string | undefined {
  const upload = session.config.upload;
  if (!upload || !a.fileId) return undefined;
  const path = upload.slots.downloadPath(a.fileId, a.name);
  return path && `${upload.baseUrl(session.domain, session.reachedHost)}${path}`;
}
