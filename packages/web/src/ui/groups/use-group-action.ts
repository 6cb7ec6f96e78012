import { useCallback, useEffect, useRef, useState } from "react";
import { useStrings } from "../../i18n.js";
import { groupErrorText } from "./errors.js";

/**
 * Runs one group request at a time for a panel: `busy` while it runs, and
 * the server's refusal as a localized message afterwards.
 */
export function useGroupAction(): {
  busy: boolean;
  error: string;
  run(action: () => Promise<unknown>): Promise<boolean>;
  clear(): void;
} {
  const { t } = useStrings();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setBusy(true);
      setError("");
      try {
        await action();
        return true;
      } catch (err) {
        if (alive.current) setError(groupErrorText(err, t));
        return false;
      } finally {
        if (alive.current) setBusy(false);
      }
    },
    [t],
  );
  return { busy, error, run, clear: () => setError("") };
}
