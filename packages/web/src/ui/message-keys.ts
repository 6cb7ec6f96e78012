import { type RefObject, useEffect } from "react";

const CONTROLS = "a[href], button, input, select, textarea, [tabindex]:not([data-seq])";

/**
 * Makes a chat's message list one Tab stop. A chat holds hundreds of links and
 * buttons (reply, recall, receipts, pictures, files); in the Tab order they
 * would stand between the chat list and the composer. Instead the list itself
 * takes the focus; the up and down arrows (and Home, End) move between
 * messages, and only the message moved to has its controls in the Tab order,
 * until the focus leaves the list.
 */
export function useMessageKeys(list: RefObject<HTMLElement | null>, shown: boolean): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: the list element is there only once the chat is shown
  useEffect(() => {
    const el = list.current;
    if (!el) return;
    let active: HTMLElement | undefined;
    const messages = () => [...el.querySelectorAll<HTMLElement>(":scope > [data-seq]")];
    const settle = () => {
      for (const m of messages()) {
        // Attributes, not the tabIndex property: an <li> reads -1 without being focusable.
        if (m.getAttribute("tabindex") !== "-1") m.setAttribute("tabindex", "-1");
        for (const c of m.querySelectorAll<HTMLElement>(CONTROLS)) {
          const want = active?.contains(c) ? "0" : "-1";
          if (c.getAttribute("tabindex") !== want) c.setAttribute("tabindex", want);
        }
      }
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp" && e.key !== "Home" && e.key !== "End") return;
      const target = e.target as HTMLElement;
      // The keys stay with text being written or edited inside a message, and with an open menu.
      if (target.closest('input, textarea, [contenteditable], [role="menu"]')) return;
      const all = messages();
      if (all.length === 0) return;
      const at = all.findIndex((m) => m.contains(target));
      const next =
        e.key === "Home"
          ? 0
          : e.key === "End"
            ? all.length - 1
            : at < 0
              ? // From the list itself: the newest message is where reading starts.
                all.length - 1
              : at + (e.key === "ArrowDown" ? 1 : -1);
      const item = all[Math.max(0, Math.min(all.length - 1, next))];
      if (!item) return;
      e.preventDefault();
      active = item;
      settle();
      item.focus();
    };
    const onFocusIn = (e: FocusEvent) => {
      const item = (e.target as HTMLElement).closest<HTMLElement>("[data-seq]");
      if (item && item !== active && el.contains(item)) {
        active = item;
        settle();
      }
    };
    const onFocusOut = (e: FocusEvent) => {
      if (e.relatedTarget instanceof Node && el.contains(e.relatedTarget)) return;
      active = undefined;
      settle();
    };
    // Messages arrive, load and change (a recall, a picture's link) after the list is drawn.
    const watch = new MutationObserver(settle);
    watch.observe(el, { childList: true, subtree: true });
    settle();
    el.addEventListener("keydown", onKey);
    el.addEventListener("focusin", onFocusIn);
    el.addEventListener("focusout", onFocusOut);
    return () => {
      watch.disconnect();
      el.removeEventListener("keydown", onKey);
      el.removeEventListener("focusin", onFocusIn);
      el.removeEventListener("focusout", onFocusOut);
    };
  }, [list, shown]);
}
