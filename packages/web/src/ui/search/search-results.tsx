import type { FileHit, GroupHit, MessageHit, UserCard } from "@starling/sdk";
import { type ReactNode, useId } from "react";
import { type Strings, useStrings } from "../../i18n.js";
import type { Chat as ChatStores } from "../../stores/chat.js";
import { useChat } from "../../use-chat.js";
import { shortName, shortTime, title } from "../format.js";
import type { PanelActions } from "../workspace.js";
import { matchRanges } from "./highlight-parts.js";
import { Highlighted } from "./highlighted.js";
import type { Found } from "./use-search.js";

/** What was found, grouped by kind, each a list of buttons under a heading. */
export function SearchResults(props: {
  found: Found;
  actions: PanelActions;
  loadingMore: boolean;
  onMore(): void;
}) {
  const { t } = useStrings();
  const { found, actions } = props;
  return (
    <div className="search-results">
      {found.people.length > 0 && (
        <Section title={t.searchPeople}>
          {found.people.map((p) => (
            <PersonHit key={p.id} person={p} query={found.query} onClick={() => actions.onStartChat(p.id)} />
          ))}
        </Section>
      )}
      {found.groups.length > 0 && (
        <Section title={t.searchGroups}>
          {found.groups.map((g) => (
            <GroupResult key={g.conversationId} group={g} onClick={() => actions.onOpen(g.conversationId)} />
          ))}
        </Section>
      )}
      {found.messages.length > 0 && (
        <Section
          title={t.searchMessages}
          after={
            found.cursor ? (
              <button
                type="button"
                className="link search-more"
                disabled={props.loadingMore}
                onClick={props.onMore}
              >
                {props.loadingMore ? t.searchLoadingMore : t.searchMoreMessages}
              </button>
            ) : undefined
          }
        >
          {found.messages.map((h) =>
            h.message ? (
              <MessageResult
                key={`${h.message.conversationId}#${h.message.seq}`}
                hit={h}
                onOpen={(conversationId, seq) => actions.onOpen(conversationId, seq)}
              />
            ) : null,
          )}
        </Section>
      )}
      {found.files.length > 0 && (
        <Section title={t.searchFiles}>
          {found.files.map((f) => (
            <FileResult key={`${f.fileId}@${f.conversationId}#${f.seq}`} file={f} actions={actions} />
          ))}
        </Section>
      )}
    </div>
  );
}

function Section(props: { title: string; children: ReactNode; after?: ReactNode }) {
  const id = useId();
  return (
    <section className="search-section" aria-labelledby={id}>
      <h3 id={id}>{props.title}</h3>
      <ul className="search-list">{props.children}</ul>
      {props.after}
    </section>
  );
}

/** A user's name as the directory has it, "You" for the signed-in user. */
function personName(chat: ChatStores, userId: string, t: Strings): string {
  if (userId === chat.session.userId) return t.you;
  return chat.people.displayName(userId);
}

function PersonHit(props: { person: UserCard; query: string; onClick(): void }) {
  const p = props.person;
  const name = p.displayName || shortName(p.id);
  const details = [p.title, shortName(p.id)].filter(Boolean).join(" · ");
  return (
    <li>
      <button type="button" className="search-hit" onClick={props.onClick}>
        <span className="avatar" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
        <span className="search-hit-main">
          <Highlighted className="search-hit-title" text={name} ranges={matchRanges(name, props.query)} />
          <span className="search-hit-detail">{details}</span>
        </span>
      </button>
    </li>
  );
}

function GroupResult(props: { group: GroupHit; onClick(): void }) {
  const { t } = useStrings();
  const g = props.group;
  const name = g.snippet?.text || g.name;
  return (
    <li>
      <button type="button" className="search-hit" onClick={props.onClick}>
        <span className="avatar group" aria-hidden="true">
          {g.name.slice(0, 1)}
        </span>
        <span className="search-hit-main">
          <Highlighted className="search-hit-title" text={name} ranges={g.snippet?.highlights ?? []} />
          <span className="search-hit-detail">
            {g.memberCount} {t.members}
          </span>
        </span>
      </button>
    </li>
  );
}

function MessageResult(props: { hit: MessageHit; onOpen(conversationId: string, seq: bigint): void }) {
  const { t } = useStrings();
  const chat = useChat("people");
  const m = props.hit.message;
  if (!m) return null;
  const where = chat.conversations.get(m.conversationId);
  const snippet = props.hit.snippet;
  const attachment = m.content?.attachments[0]?.name;
  return (
    <li>
      <button
        type="button"
        className="search-hit message-hit"
        data-seq={String(m.seq)}
        onClick={() => props.onOpen(m.conversationId, m.seq)}
      >
        <span className="search-hit-head">
          <span className="search-hit-title">{personName(chat, m.senderId, t)}</span>
          {where && (where.name || where.peerId !== m.senderId) && (
            <span className="search-hit-where">{title(where, chat.people.displayName)}</span>
          )}
          <time dateTime={new Date(Number(m.serverTime)).toISOString()}>
            {shortTime(Number(m.serverTime), t)}
          </time>
        </span>
        {snippet?.text ? (
          <Highlighted className="search-snippet" text={snippet.text} ranges={snippet.highlights} />
        ) : (
          <span className="search-snippet">{attachment || t.searchAttachment}</span>
        )}
      </button>
    </li>
  );
}

/** "12 KB", "3.4 MB". */
function fileSize(bytes: bigint | number): string {
  const n = Number(bytes);
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

function FileResult(props: { file: FileHit; actions: PanelActions }) {
  const { t } = useStrings();
  const chat = useChat("people");
  const f = props.file;
  const name = f.snippet?.text || f.name;
  const shared = f.conversationId !== "";
  const body = (
    <span className="search-hit-main">
      <Highlighted className="search-hit-title" text={name} ranges={f.snippet?.highlights ?? []} />
      <span className="search-hit-detail">
        {[
          fileSize(f.size),
          personName(chat, f.uploader, t),
          shortTime(Number(f.time), t),
          shared ? "" : t.searchNotShared,
        ]
          .filter(Boolean)
          .join(" · ")}
      </span>
    </span>
  );
  return (
    <li>
      {shared ? (
        <button
          type="button"
          className="search-hit"
          onClick={() => props.actions.onOpen(f.conversationId, f.seq)}
        >
          {body}
        </button>
      ) : (
        <div className="search-hit">{body}</div>
      )}
    </li>
  );
}
