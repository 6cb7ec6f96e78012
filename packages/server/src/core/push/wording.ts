import { plainText } from "@starling/protocol";

/** Whether a notification may show what was written ("text"), or only that something was ("none"). */
export type PreviewPolicy = "none" | "text";

/** The longest preview, in characters: a lock screen shows two lines or so. */
export const PREVIEW_CHARS = 120;

export interface WordingInput {
  /** The device's locale (BCP 47); zh* gets Chinese, anything else English. */
  locale: string;
  senderName: string;
  /** The group's name, for a group message. */
  groupName?: string;
  /** How many messages the notification stands for. */
  count: number;
  /** The newest message's markdown text, when previews are allowed. */
  text?: string;
}

const zh = (locale: string) => locale.toLowerCase().startsWith("zh");

/**
 * A notification's title and body as a person reads them. The title names
 * who wrote (and in which group); the body is the message itself only when
 * the domain allows previews and there is a single message with text, else
 * "new message" or "N new messages", so nothing written leaves the server
 * for a provider's cloud unless the operator chose so.
 */
export function notificationWording(w: WordingInput): { title: string; body: string } {
  const title = w.groupName ? `${w.groupName} · ${w.senderName}` : w.senderName;
  // By code points, so an emoji or a character outside the BMP is never cut in half.
  const preview = w.count === 1 && w.text ? [...plainText(w.text)] : [];
  if (preview.length > 0)
    return {
      title,
      body:
        preview.length > PREVIEW_CHARS
          ? `${preview.slice(0, PREVIEW_CHARS - 1).join("")}…`
          : preview.join(""),
    };
  if (zh(w.locale)) return { title, body: w.count > 1 ? `${w.count} 条新消息` : "新消息" };
  return { title, body: w.count > 1 ? `${w.count} new messages` : "New message" };
}
