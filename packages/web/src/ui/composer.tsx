import type { Message } from "@starling/sdk";
import { type ClipboardEvent, type FormEvent, type KeyboardEvent, useRef, useState } from "react";
import { store } from "../chat-store.js";
import { useStrings } from "../i18n.js";
import { shortName } from "./format.js";
import type { FileSender } from "./use-file-sender.js";

/**
 * Writing: Enter sends, Shift+Enter breaks the line, a reply quotes its
 * message; files come from the attach button, a paste or a drop on the
 * chat, each uploaded with a progress bar and sent as its own message.
 */
export function Composer(props: {
  conversationId: string;
  replyTo: Message | undefined;
  onReplied(): void;
  sender: FileSender;
}) {
  const { t } = useStrings();
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const picker = useRef<HTMLInputElement>(null);
  const id = props.conversationId;
  const { progress, sendFiles } = props.sender;

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText("");
    setError("");
    const reply = props.replyTo;
    props.onReplied();
    try {
      await store.send(id, body, reply ? { replyToSeq: reply.seq } : {});
    } catch (err) {
      setError(`${t.sendFailed}${(err as Error).message}`);
      setText(body);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
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
      {props.replyTo && (
        <div className="replying">
          {t.replyingTo} {shortName(props.replyTo.senderId)}: {props.replyTo.content?.text.slice(0, 80)}
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
      <button type="button" className="attach" aria-label={t.attach} onClick={() => picker.current?.click()}>
        +
      </button>
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
      <textarea
        aria-label={t.typeMessage}
        placeholder={t.typeMessage}
        rows={2}
        maxLength={16384}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          store.typing(id);
        }}
        onKeyDown={onKey}
        onPaste={onPaste}
      />
      <button type="submit">{t.send}</button>
    </form>
  );
}
