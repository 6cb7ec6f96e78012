import { createContext, useCallback, useContext, useSyncExternalStore } from "react";
import type { Chat } from "./stores/chat.js";
import type { Store } from "./stores/store.js";

/** The app's stores, provided once by `App`. */
export const ChatContext = createContext<Chat | undefined>(undefined);

type Watchable = { [K in keyof Chat]: Chat[K] extends Store ? K : never }[keyof Chat];

/**
 * The app's stores, re-rendering the component when any of the `watched`
 * ones changes (the stores it reads from; children that do not watch read
 * what their parent watches).
 */
export function useChat(...watched: Watchable[]): Chat {
  const chat = useContext(ChatContext);
  if (!chat) throw new Error("useChat outside <ChatContext>");
  const key = watched.join(" ");
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `watched`
  const subscribe = useCallback(
    (listener: () => void) => {
      const offs = watched.map((name) => chat[name].subscribe(listener));
      return () => {
        for (const off of offs) off();
      };
    },
    [chat, key],
  );
  // The versions only grow, so their sum changes whenever one of them does.
  useSyncExternalStore(subscribe, () => watched.reduce((sum, name) => sum + chat[name].version(), 0));
  return chat;
}
