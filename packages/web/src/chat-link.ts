/**
 * The address that opens one chat, `/?c=<conversation id>`: what a Web Push
 * notification opens when no window of the app is open, and the message the
 * service worker posts to a window it focuses instead. Shared by the page
 * and the service worker, so both read and write the same form.
 */
const PARAM = "c";

/** The `type` of the message a focused window gets from the service worker. */
export const OPEN_CHAT = "starling.open-chat";

export interface OpenChatMessage {
  type: typeof OPEN_CHAT;
  conversationId: string;
}

/** The path (with its query) that opens `conversationId`. */
export function chatLink(conversationId: string): string {
  return `/?${PARAM}=${encodeURIComponent(conversationId)}`;
}

/** The chat a page address (its `search` part) asks to open, if any. */
export function chatInLink(search: string): string | undefined {
  const id = new URLSearchParams(search).get(PARAM);
  return id ? id : undefined;
}

/** Whether a message posted to the page is the service worker asking it to open a chat. */
export function isOpenChat(data: unknown): data is OpenChatMessage {
  const m = data as Partial<OpenChatMessage> | null;
  return m?.type === OPEN_CHAT && typeof m.conversationId === "string" && m.conversationId !== "";
}
