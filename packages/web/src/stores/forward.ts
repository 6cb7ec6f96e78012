import { AttachmentKind, type Message } from "@starling/sdk";
import type { Session } from "./session.js";

/** The `content.custom.type` of a merged forward: several messages sent on as one. */
export const FORWARD_TYPE = "starling.forward";
/** Attachments one message may carry (the server's MAX_ATTACHMENTS). */
const MAX_ATTACHMENTS = 10;
/** Under the server's 32 KiB `custom.json` limit, with room for the JSON around the items. */
const MAX_JSON_BYTES = 30 * 1024;

/** A file named in a forwarded item: enough to show it and to fetch it by id. */
export interface ForwardedFile {
  fileId: string;
  name: string;
  mime: string;
  size: number;
  kind: number;
  hasThumbnail: boolean;
}

/** One message inside a merged forward, as its sender's display name and time showed it. */
export interface ForwardItem {
  sender: string;
  senderId: string;
  /** Milliseconds since the epoch. */
  time: number;
  text: string;
  files: ForwardedFile[];
  /** A merged forward forwarded again: its items, one level deep. */
  forward?: ForwardBody;
}

/** The JSON body of a `starling.forward` message. */
export interface ForwardBody {
  v: 1;
  /** Where the messages came from, e.g. "Chat history of Alice and Bob". */
  title: string;
  items: ForwardItem[];
}

/** Where a forward went, and what the server said when it refused. */
export interface ForwardResult {
  sent: string[];
  failed: { conversationId: string; error: Error }[];
}

const filesOf = (m: Message): ForwardedFile[] =>
  (m.content?.attachments ?? []).map((a) => ({
    fileId: a.fileId,
    name: a.name,
    mime: a.mime,
    size: Number(a.size),
    kind: a.kind,
    hasThumbnail: a.hasThumbnail,
  }));

/** A forwardable message: not an event, not recalled, with something in it. */
export function forwardable(m: Message): boolean {
  return !m.event && !m.recalled && m.content !== undefined;
}

/** The merged forward of `messages` (in seq order), each under its sender's display name. */
export function forwardBody(
  messages: readonly Message[],
  title: string,
  nameOf: (userId: string) => string,
): ForwardBody {
  const items = [...messages]
    .filter(forwardable)
    .sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))
    .map((m): ForwardItem => {
      const nested = parseForward(m);
      return {
        sender: nameOf(m.senderId),
        senderId: m.senderId,
        time: Number(m.serverTime),
        text: m.content?.text ?? "",
        files: filesOf(m),
        ...(nested ? { forward: { ...nested, items: nested.items.map(({ forward: _, ...i }) => i) } } : {}),
      };
    });
  return { v: 1, title, items };
}

/** The body of a merged forward, or undefined when `m` is not one (or its JSON is not the expected shape). */
export function parseForward(m: Message | undefined): ForwardBody | undefined {
  const custom = m?.content?.custom;
  if (!custom || custom.type !== FORWARD_TYPE) return undefined;
  try {
    const body = JSON.parse(custom.json) as Partial<ForwardBody>;
    if (typeof body.title !== "string" || !Array.isArray(body.items)) return undefined;
    const items = body.items.filter(
      (i): i is ForwardItem =>
        typeof i?.sender === "string" && typeof i.text === "string" && typeof i.time === "number",
    );
    return {
      v: 1,
      title: body.title,
      items: items.map((i) => ({ ...i, files: Array.isArray(i.files) ? i.files : [] })),
    };
  } catch {
    return undefined;
  }
}

/**
 * The plain text of a merged forward, for the clients that do not know the
 * custom type (XMPP, the CLI): the title, then "name: text" per item, cut to
 * what the server accepts.
 */
export function forwardFallback(
  body: ForwardBody,
  maxLength: number,
  filesLabel: (n: number) => string,
): string {
  const lines = [`[${body.title}]`];
  for (const i of body.items) {
    const parts = [i.text, i.files.length > 0 ? filesLabel(i.files.length) : ""].filter((p) => p !== "");
    lines.push(`${i.sender}: ${parts.join(" ")}`);
  }
  const text = lines.join("\n");
  return text.length <= maxLength ? text : `${text.slice(0, Math.max(0, maxLength - 1))}…`;
}

/** The body as JSON under the size limit: items are dropped from the end until it fits. */
function fitted(body: ForwardBody): string {
  let items = body.items;
  for (;;) {
    const json = JSON.stringify({ ...body, items });
    if (new TextEncoder().encode(json).length <= MAX_JSON_BYTES || items.length <= 1) return json;
    items = items.slice(0, Math.max(1, Math.floor(items.length * 0.8)));
  }
}

/**
 * Forwarding: each message sent on as it is (its text and its files, by file
 * id: the server lets anyone who can read a file attach it), or several as
 * one merged "chat history" message. Files of a merged forward go on the
 * message as attachments too, since the read rule grants a file to the
 * members of a conversation it was sent in, and that is what lets the
 * recipients open them.
 */
export class Forwarding {
  constructor(private readonly session: Session) {}

  /** Sends every message to every target, one by one, in seq order. */
  async each(messages: readonly Message[], targets: readonly string[]): Promise<ForwardResult> {
    const list = [...messages]
      .filter(forwardable)
      .sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    return this.toEach(targets, async (conversationId, client) => {
      for (const m of list) {
        const c = m.content;
        if (!c) continue;
        await client.send({
          conversationId,
          text: c.text,
          ...(c.custom ? { custom: { type: c.custom.type, json: c.custom.json } } : {}),
          ...(c.attachments.length > 0
            ? {
                attachments: c.attachments.map((a) => ({ fileId: a.fileId, kind: a.kind as AttachmentKind })),
              }
            : {}),
        });
      }
    });
  }

  /** Sends one merged forward of `body` to every target. */
  async merged(body: ForwardBody, fallback: string, targets: readonly string[]): Promise<ForwardResult> {
    const json = fitted(body);
    const files = body.items.flatMap((i) => i.files).slice(0, MAX_ATTACHMENTS);
    return this.toEach(targets, (conversationId, client) =>
      client
        .send({
          conversationId,
          text: fallback,
          custom: { type: FORWARD_TYPE, json },
          ...(files.length > 0
            ? { attachments: files.map((f) => ({ fileId: f.fileId, kind: AttachmentKind.UNSPECIFIED })) }
            : {}),
        })
        .then(() => {}),
    );
  }

  private async toEach(
    targets: readonly string[],
    sendTo: (conversationId: string, client: NonNullable<Session["client"]>) => Promise<void>,
  ): Promise<ForwardResult> {
    const result: ForwardResult = { sent: [], failed: [] };
    const client = this.session.client;
    if (!client)
      return { sent: [], failed: targets.map((id) => ({ conversationId: id, error: new Error("offline") })) };
    for (const id of targets) {
      try {
        await sendTo(id, client);
        result.sent.push(id);
      } catch (error) {
        result.failed.push({ conversationId: id, error: error as Error });
      }
    }
    return result;
  }
}
