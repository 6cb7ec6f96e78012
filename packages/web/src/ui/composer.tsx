import type { Message } from "@starling/sdk";
import {
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { useStrings } from "../i18n.js";
import { useChat } from "../use-chat.js";
import { EmojiPicker } from "./emoji/emoji-picker.js";
import { MENTION_LIST_ID, MentionList, mentionOptionId } from "./mentions/mention-list.js";
import { useMentionCandidates } from "./mentions/use-mention-candidates.js";
import {
  insertMention,
  type Mention,
  type MentionCandidate,
  type MentionQuery,
  mentionAt,
  mentionsIn,
  shiftMentions,
} from "./mentions.js";
import { withQuote } from "./menu/quote.js";
import { contentSummary } from "./plain-text.js";
import { editErrorText } from "./recall-errors.js";
import type { FileSender } from "./use-file-sender.js";

/**
 * Writing: Enter sends, Shift+Enter breaks the line, a reply quotes its
 * message; files come from the attach button, a paste or a drop on the
 * chat, each uploaded with a progress bar and sent as its own message.
 * What is written and not sent stays as the chat's draft (across chats and reloads).
 * Opening a chat puts the focus here: writing is what a chat is opened for.
 * Editing one's message borrows the box: its text replaces the draft until
 * Enter saves or Escape cancels, and the draft comes back.
 */
export function Composer(props: {
  conversationId: string;
  replyTo: Message | undefined;
  onReplied(): void;
  editing?: Message | undefined;
  onEdited?(): void;
  sender: FileSender;
  /** Text to add to what is written (a quote from the message menu); `n` grows with each one. */
  insert?: { text: string; n: number } | undefined;
}) {
  const { t } = useStrings();
  const { session, windows, typing, drafts, people } = useChat();
  const id = props.conversationId;
  const [text, setShown] = useState(() => drafts.get(id).text);
  const [error, setError] = useState("");
  const [query, setQuery] = useState<MentionQuery | undefined>(undefined);
  const [choice, setChoice] = useState(0);
  const mentions = useRef<Mention[]>([...drafts.get(id).mentions]);
  const area = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const editing = props.editing;
  /**
   * Shows `next` in the box and keeps it as the chat's draft (an edit is no
   * draft); the mentions in it follow the edit (moved, or dropped when the
   * edit cut into one).
   */
  const setText = (next: string, added?: Mention) => {
    mentions.current = shiftMentions(text, next, mentions.current);
    if (added) mentions.current.push(added);
    setShown(next);
    if (!editing) drafts.set(id, next, mentions.current);
  };
  const editingSeq = editing?.seq;
  // Entering edit mode shows the message's text; leaving it brings the draft back.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a change of the edited message switches the box
  useEffect(() => {
    const source = editing?.content ?? drafts.get(id);
    mentions.current = [...source.mentions];
    setShown(source.text);
    setError("");
    if (editingSeq === undefined) return;
    const el = area.current;
    el?.focus();
    el?.setSelectionRange(source.text.length, source.text.length);
  }, [editingSeq]);
  const { progress, sendFiles } = props.sender;
  useEffect(() => area.current?.focus({ preventScroll: true }), []);
  const candidates = useMentionCandidates(id, query);
  const candidateKey = candidates.map((c) => c.userId).join(" ");
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new list starts at its top
  useEffect(() => setChoice(0), [candidateKey]);
  const inserted = props.insert;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per insert, not per keystroke
  useEffect(() => {
    if (!inserted) return;
    const next = withQuote(text, inserted.text);
    setText(next);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(next.length, next.length);
    });
  }, [inserted?.n]);
  // A reply is written at once: the box takes the focus.
  useEffect(() => {
    if (props.replyTo) area.current?.focus();
  }, [props.replyTo]);

  // Where the caret goes once React has written a changed text into the box: set in the same
  // commit, before the browser handles the next keystroke (a frame later, fast typing would land
  // before it and be split around the caret).
  const caretAfterRender = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    const at = caretAfterRender.current;
    if (at === undefined) return;
    caretAfterRender.current = undefined;
    area.current?.focus();
    area.current?.setSelectionRange(at, at);
  });

  const insertText = (piece: string) => {
    const el = area.current;
    const at = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? at;
    caretAfterRender.current = at + piece.length;
    setText(`${text.slice(0, at)}${piece}${text.slice(end)}`);
  };

  const choose = (c: MentionCandidate) => {
    const el = area.current;
    if (!el || !query) return;
    const done = insertMention(text, el.selectionStart, query, c.userId, c.name);
    // The text around the "@query" is unchanged: shifting moves the others, then the new one is added.
    caretAfterRender.current = done.caret;
    setText(done.text, done.mention);
    setQuery(undefined);
  };

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body) return;
    const standing = mentionsIn(body, text.length - text.trimStart().length, mentions.current);
    if (editing) {
      setError("");
      try {
        await windows.edit(id, editing.seq, { text: body, mentions: standing });
        props.onEdited?.();
      } catch (err) {
        setError(editErrorText(err, t));
      }
      return;
    }
    mentions.current = [];
    setText("");
    setError("");
    const reply = props.replyTo;
    props.onReplied();
    // The outbox shows the message at once and, if it is refused, why, with a retry.
    await windows
      .send(id, body, {
        ...(reply ? { replyToSeq: reply.seq } : {}),
        ...(standing.length > 0 ? { mentions: standing } : {}),
      })
      .catch(() => {});
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (candidates.length > 0) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setChoice((choice + (e.key === "ArrowDown" ? 1 : candidates.length - 1)) % candidates.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        const c = candidates[Math.min(choice, candidates.length - 1)];
        if (c) choose(c);
        return;
      }
      if (e.key === "Escape") {
        // Closes the list only; the chat stays open (see ChatView).
        e.preventDefault();
        setQuery(undefined);
        return;
      }
    }
    if (e.key === "Escape" && editing && !e.nativeEvent.isComposing) {
      // Cancels the edit only; the chat stays open (see ChatView).
      e.preventDefault();
      props.onEdited?.();
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };
  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...e.clipboardData.files];
    if (files.length === 0) return;
    e.preventDefault();
    void sendFiles(files);
  };
  const shownError = error || props.sender.error;

  return (
    <form className="composer" onSubmit={send}>
      {editing && (
        <div className="editing" data-testid="editing-bar">
          {t.editing}
          <button type="button" className="link" onClick={props.onEdited}>
            {t.editCancel}
          </button>
        </div>
      )}
      {props.replyTo && (
        <div className="replying">
          {t.replyingTo} {people.displayName(props.replyTo.senderId)}:{" "}
          {props.replyTo.content ? contentSummary(props.replyTo.content).slice(0, 80) : ""}
          <button type="button" className="link" onClick={props.onReplied}>
            {t.cancel}
          </button>
        </div>
      )}
      {progress && (
        <div className="upload">
          <label>
            {t.uploading} {progress.name}
            <progress value={progress.fraction} max={1} />
          </label>
          <button type="button" className="link" onClick={props.sender.cancel}>
            {t.cancel}
          </button>
        </div>
      )}
      {shownError && (
        <p role="alert" className="error">
          {shownError}
        </p>
      )}
      {/* The box comes first in the Tab order (shown after the tools): two Tabs from the chat
          list reach it. */}
      <textarea
        ref={area}
        id="composer-input"
        aria-label={t.typeMessage}
        role="combobox"
        aria-expanded={candidates.length > 0}
        aria-controls={candidates.length > 0 ? MENTION_LIST_ID : undefined}
        aria-activedescendant={candidates.length > 0 ? mentionOptionId(choice) : undefined}
        aria-autocomplete="list"
        placeholder={t.typeMessage}
        rows={2}
        maxLength={session.maxTextLength}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setQuery(mentionAt(e.target.value, e.target.selectionStart));
          if (!editing) typing.typing(id);
        }}
        onKeyDown={onKey}
        onPaste={onPaste}
      />
      <span className="composer-tools">
        <button
          type="button"
          className="attach"
          aria-label={t.attach}
          onClick={() => picker.current?.click()}
        >
          +
        </button>
        <EmojiPicker onPick={insertText} />
      </span>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = "";
          void sendFiles(files);
        }}
      />
      {candidates.length > 0 && (
        <MentionList candidates={candidates} choice={choice} label={t.mentionSomeone} onPick={choose} />
      )}
      <button type="submit">{editing ? t.editSave : t.send}</button>
    </form>
  );
}
