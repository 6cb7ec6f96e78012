import type { Message } from "@starling/sdk";
import type { Strings } from "../../i18n.js";
import type { MessageExtras } from "../../stores/message-extras.js";
import type { MenuAction } from "../message-menu.js";

/** What the chat does for each entry of a message's menu. */
export interface MessageHandlers {
  reply(m: Message): void;
  quote(m: Message): void;
  copy(m: Message): void;
  forward(m: Message): void;
  select(m: Message): void;
  pin(m: Message, pinned: boolean): void;
  favourite(m: Message, add: boolean): void;
  hide(m: Message): void;
}

/**
 * The entries of one message's menu, in the order they show. Pins,
 * favourites and delete-for-me appear only when the SDK has them; recall
 * only on what the user may recall (their own messages; the server has the
 * last word, group admins included).
 */
export function messageMenuActions(
  m: Message,
  opts: {
    t: Strings;
    extras: MessageExtras;
    handlers: MessageHandlers;
    recall?: () => void;
    /** Set on the user's own messages while the edit window is open. */
    edit?: () => void;
  },
): MenuAction[] {
  const { t, extras, handlers: h } = opts;
  const can = extras.can;
  const pinned = can.pin && extras.isPinned(m.conversationId, m.seq);
  const saved = can.favourites && extras.favouriteOf(m.conversationId, m.seq) !== undefined;
  const hasText = (m.content?.text ?? "") !== "";
  const list: (MenuAction | false)[] = [
    { id: "reply", label: t.menuReply, run: () => h.reply(m) },
    opts.edit !== undefined && { id: "edit", label: t.editAction, run: opts.edit },
    hasText && { id: "quote", label: t.menuQuote, run: () => h.quote(m) },
    hasText && { id: "copy", label: t.menuCopy, run: () => h.copy(m) },
    { id: "forward", label: t.menuForward, run: () => h.forward(m) },
    { id: "select", label: t.menuSelect, run: () => h.select(m) },
    can.pin && {
      id: "pin",
      label: pinned ? t.menuUnpin : t.menuPin,
      run: () => h.pin(m, !pinned),
    },
    can.favourites && {
      id: "favourite",
      label: saved ? t.menuUnfavourite : t.menuFavourite,
      run: () => h.favourite(m, !saved),
    },
    can.hide && { id: "hide", label: t.menuDelete, run: () => h.hide(m), danger: true },
    opts.recall !== undefined && { id: "recall", label: t.menuRecall, run: opts.recall, danger: true },
  ];
  return list.filter((a): a is MenuAction => a !== false);
}
