import {
  type KeyboardEvent,
  type PointerEvent,
  type RefObject,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
} from "react";
import { useStrings } from "../i18n.js";

/**
 * One entry of the message menu. The menu is this list: a feature adds an
 * entry where the list is built (`messageMenuActions` in menu/actions.ts),
 * and the menu, its keys and its focus handling stay as they are.
 */
export interface MenuAction {
  /** Stable and unique in the menu; tests and styles use it. */
  id: string;
  label: string;
  run(): void;
  /** Shown in red: it removes something. */
  danger?: boolean;
}

/** How long a finger rests on a message before its menu opens (the platforms' usual half second). */
const LONG_PRESS_MS = 500;
/** How far the finger may move during a long press before it counts as scrolling. */
const LONG_PRESS_SLOP_PX = 10;

/**
 * A long press on a touch screen: opens after LONG_PRESS_MS unless the
 * finger lifts or moves. iOS Safari sends no contextmenu event for a long
 * press, so this does what Android's contextmenu does on its own.
 */
export function useLongPress(onLongPress: () => void): {
  onPointerDown(e: PointerEvent): void;
  onPointerUp(): void;
  onPointerCancel(): void;
  onPointerMove(e: PointerEvent): void;
} {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const start = useRef({ x: 0, y: 0 });
  const stop = useCallback(() => {
    if (timer.current !== undefined) clearTimeout(timer.current);
    timer.current = undefined;
  }, []);
  useEffect(() => stop, [stop]);
  return {
    onPointerDown: (e) => {
      if (e.pointerType !== "touch") return;
      stop();
      start.current = { x: e.clientX, y: e.clientY };
      timer.current = setTimeout(() => {
        timer.current = undefined;
        onLongPress();
      }, LONG_PRESS_MS);
    },
    onPointerUp: stop,
    onPointerCancel: stop,
    onPointerMove: (e) => {
      if (timer.current === undefined) return;
      const dx = e.clientX - start.current.x;
      const dy = e.clientY - start.current.y;
      if (dx * dx + dy * dy > LONG_PRESS_SLOP_PX * LONG_PRESS_SLOP_PX) stop();
    },
  };
}

/**
 * The "⋯" button on a message (shown on hover or focus) and the menu it
 * opens: role=menu with one menuitem per action, focus on the first item,
 * arrow keys, Home and End move, Esc or Tab closes and focus returns to the
 * button, a click outside closes.
 */
export function MessageMenu(props: {
  actions: readonly MenuAction[];
  open: boolean;
  onOpenChange(open: boolean): void;
  /** The message the menu is about, for the button's accessible name. */
  subject: string;
  buttonRef?: RefObject<HTMLButtonElement | null>;
}) {
  const { t } = useStrings();
  const own = useRef<HTMLButtonElement>(null);
  const button = props.buttonRef ?? own;
  const menu = useRef<HTMLDivElement>(null);
  const { open, onOpenChange } = props;
  const menuId = useRef(`message-menu-${Math.random().toString(36).slice(2)}`).current;

  useLayoutEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const away = (e: Event) => {
      const target = e.target as Node | null;
      if (target && (menu.current?.contains(target) || button.current?.contains(target))) return;
      onOpenChange(false);
    };
    document.addEventListener("pointerdown", away, true);
    return () => document.removeEventListener("pointerdown", away, true);
  }, [open, onOpenChange, button]);

  const close = (refocus: boolean) => {
    if (refocus) button.current?.focus();
    onOpenChange(false);
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const go = (i: number) => {
      e.preventDefault();
      items[(i + items.length) % items.length]?.focus();
    };
    if (e.key === "ArrowDown") go(at + 1);
    else if (e.key === "ArrowUp") go(at - 1);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(items.length - 1);
    else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close(true);
    } else if (e.key === "Tab") close(false);
  };

  return (
    <span className="message-menu">
      <button
        ref={button}
        type="button"
        className="menu-button"
        aria-label={`${t.menuMore}: ${props.subject}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        data-testid="message-menu-button"
        onClick={() => onOpenChange(!open)}
      >
        ⋯
      </button>
      {open && (
        <div ref={menu} id={menuId} role="menu" aria-label={t.menuLabel} className="menu" onKeyDown={onKey}>
          {props.actions.map((a) => (
            <button
              key={a.id}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={a.danger ? "danger" : undefined}
              data-action={a.id}
              onClick={() => {
                close(false);
                a.run();
              }}
            >
              {a.label}
            </button>
          ))}
        </div>
      )}
    </span>
  );
}
