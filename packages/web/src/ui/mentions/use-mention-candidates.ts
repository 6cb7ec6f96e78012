import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { type MentionCandidate, type MentionQuery, matchesMention } from "../mentions.js";

/** Suggestions shown at once; typing more narrows them. */
const SHOWN = 8;
/** What finds "everyone" besides its name in either language. */
const EVERYONE_KEYS = ["all", "everyone", "所有人", "suoyouren", "syr"];

/**
 * Whom a mention being typed may mean: in a group its other members (and
 * everyone, for its owner and admins: the server refuses it from others),
 * in a 1:1 chat the peer; each shown by display name and found by name, id,
 * pinyin, initials or any other reading of the name.
 */
export function useMentionCandidates(
  conversationId: string,
  query: MentionQuery | undefined,
): MentionCandidate[] {
  const { t } = useStrings();
  const { session, conversations, receipts, people } = useChat("people", "receipts");
  if (!query) return [];
  const conv = conversations.get(conversationId);
  const group = !!conv?.name;
  const ids = group
    ? (receipts.groupMembers(conversationId) ?? []).map((m) => m.userId)
    : [conv?.peerId ?? conversations.drafts.get(conversationId) ?? ""];
  const others = ids
    .filter((u) => u !== "" && u !== session.userId)
    .map((userId) => ({ userId, name: people.displayName(userId), keys: people.searchKeys(userId) }));
  const mayCallAll = group && (conv?.role === "owner" || conv?.role === "admin");
  const all = mayCallAll ? [{ userId: "@all", name: t.mentionAll, keys: EVERYONE_KEYS }] : [];
  return [...all, ...others].filter((c) => matchesMention(query.prefix, c)).slice(0, SHOWN);
}
