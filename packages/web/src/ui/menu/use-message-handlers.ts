import type { Message } from "@starling/sdk";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import type { MessageHandlers } from "./actions.js";
import { copyText } from "./clipboard.js";
import { quoteMarkdown } from "./quote.js";

/** What the chat view shows or changes for the menu's actions. */
export interface ChatControls {
  replyTo(m: Message): void;
  insert(text: string): void;
  forward(messages: Message[], merged: boolean): void;
  /** A short status line (`alert` for failures). */
  notice(text: string, alert?: boolean): void;
}

/** The menu's actions for one chat, wired to its stores and to what the chat view shows. */
export function useMessageHandlers(conversationId: string, controls: ChatControls): MessageHandlers {
  const { t } = useStrings();
  const { people, selection, extras } = useChat();
  const failed = (e: unknown) => controls.notice(`${t.menuFailed}${(e as Error).message}`, true);
  return {
    reply: (m) => controls.replyTo(m),
    quote: (m) => controls.insert(quoteMarkdown(people.displayName(m.senderId), m.content?.text ?? "")),
    copy: (m) =>
      void copyText(m.content?.text ?? "")
        .then(() => controls.notice(t.menuCopied))
        .catch(failed),
    forward: (m) => controls.forward([m], false),
    select: (m) => selection.start(conversationId, m.seq),
    pin: (m, pinned) => void extras.pin(conversationId, m.seq, pinned).catch(failed),
    favourite: (m, add) => {
      const saved = extras.favouriteOf(conversationId, m.seq);
      const done =
        add || !saved ? extras.addFavourite(conversationId, m.seq) : extras.removeFavourite(saved.id);
      void done.catch(failed);
    },
    hide: (m) => void extras.hide(conversationId, [m.seq]).catch(failed),
  };
}
