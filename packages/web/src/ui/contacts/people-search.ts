import type { DirectorySearchResult } from "@starling/sdk";
import { useEffect, useState } from "react";
import { useSdk } from "./people.js";

/** How long typing must pause before a search is sent. */
const DEBOUNCE_MS = 250;

export interface PeopleSearch {
  /** The answer to the latest query that came back; undefined before any or for an empty query. */
  result: DirectorySearchResult | undefined;
  /** The query that `result` answers. */
  answered: string;
  loading: boolean;
  error: unknown;
}

/** Directory search as the user types: debounced, and an answer to an older query never replaces a newer one. */
export function usePeopleSearch(query: string, limit = 30): PeopleSearch {
  const [state, setState] = useState<PeopleSearch>({
    result: undefined,
    answered: "",
    loading: false,
    error: undefined,
  });
  const q = query.trim();
  const sdk = useSdk();

  useEffect(() => {
    if (!q) {
      setState({ result: undefined, answered: "", loading: false, error: undefined });
      return;
    }
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      sdk()
        .directory.search(q, limit)
        .then(
          (result) => {
            if (current) setState({ result, answered: q, loading: false, error: undefined });
          },
          (error: unknown) => {
            if (current) setState({ result: undefined, answered: q, loading: false, error });
          },
        );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q, limit, sdk]);

  return state;
}
