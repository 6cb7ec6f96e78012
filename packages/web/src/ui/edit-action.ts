import type { Message } from "@starling/sdk";
import { useEffect, useState } from "react";

/** The longest timer a browser keeps (about 24.8 days); a longer window is checked again then. */
const MAX_TIMER = 2 ** 31 - 1;

/**
 * Whether "edit" is still offered on a message: one's own, not an event nor
 * recalled, and within the server's edit window (0: no limit). Re-renders
 * when the window closes, so the action disappears on its own; the server
 * still has the last word (EDIT_WINDOW_EXPIRED).
 */
export function useCanEdit(m: Message, mine: boolean, windowMs: number): boolean {
  const editable = mine && !m.event && !m.recalled && m.content !== undefined;
  const closesAt = windowMs > 0 ? Number(m.serverTime) + windowMs : Number.POSITIVE_INFINITY;
  const [now, setNow] = useState(Date.now);
  const open = editable && now < closesAt;
  useEffect(() => {
    if (!open || closesAt === Number.POSITIVE_INFINITY) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(MAX_TIMER, closesAt - Date.now() + 1));
    return () => clearTimeout(timer);
  }, [open, closesAt]);
  return open;
}
