import { useEffect, useRef } from "react";
import { chatInLink, isOpenChat } from "../chat-link.js";

/**
 * Chats the page is asked to open from outside: the address it was opened
 * at (`/?c=<id>`, from a notification clicked while no window was open),
 * taken out of the address once read so a reload does not open it again;
 * and the service worker's message when a notification is clicked while a
 * window is open.
 */
export function useChatRequests(open: (conversationId: string) => void): void {
  const latest = useRef(open);
  latest.current = open;
  useEffect(() => {
    const asked = chatInLink(location.search);
    if (asked) {
      history.replaceState(null, "", `${location.pathname}${location.hash}`);
      latest.current(asked);
    }
    const worker = "serviceWorker" in navigator ? navigator.serviceWorker : undefined;
    const onMessage = (e: MessageEvent) => {
      if (isOpenChat(e.data)) latest.current(e.data.conversationId);
    };
    worker?.addEventListener("message", onMessage);
    // Messages wait in the page's queue until it is started (Service Workers: the client message queue of ServiceWorkerContainer).
    worker?.startMessages();
    return () => worker?.removeEventListener("message", onMessage);
  }, []);
}
