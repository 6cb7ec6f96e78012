import { type RefObject, useEffect, useRef } from "react";

/** Marks the elements that the arrow keys move between. */
export const NAV = { "data-nav": "" } as const;

/**
 * Up and down arrows move the focus between the marked elements inside
 * `container`; down from a search box goes to the first.
 */
function moveFocus(container: HTMLElement, e: KeyboardEvent): void {
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
  const target = e.target as HTMLElement;
  const items = [...container.querySelectorAll<HTMLElement>("[data-nav]")].filter(
    (el) => el.offsetParent !== null,
  );
  let next: HTMLElement | undefined;
  if (target instanceof HTMLInputElement) {
    if (e.key !== "ArrowDown" || target.type !== "search") return;
    next = items[0];
  } else {
    const at = items.indexOf(target);
    if (at < 0) return;
    next = items[e.key === "ArrowDown" ? at + 1 : at - 1];
  }
  if (!next) return;
  e.preventDefault();
  next.focus();
}

/** A ref for an element within which the up and down arrows move between the marked elements. */
export function useArrowKeys<T extends HTMLElement>(): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onKey = (e: KeyboardEvent) => moveFocus(el, e);
    el.addEventListener("keydown", onKey);
    return () => el.removeEventListener("keydown", onKey);
  }, []);
  return ref;
}
