import type { StarlingClient, UserCard } from "@starling/sdk";
import { useCallback } from "react";
import { useChat } from "../../use-chat.js";
import { shortName } from "../format.js";

/** The signed-in client, as a function: a request made after signing out fails like any other. */
export function useSdk(): () => StarlingClient {
  const { session } = useChat();
  return useCallback(() => {
    const client = session.client;
    if (!client) throw new Error("signed out");
    return client;
  }, [session]);
}

/** The name to show for a person: their display name, else the local part of their id. */
export function nameOf(card: UserCard | undefined, userId = card?.id ?? ""): string {
  return card?.displayName || shortName(userId);
}

/** The letter in a person's round avatar. */
export function initialOf(name: string): string {
  return (Array.from(name)[0] ?? "?").toUpperCase();
}
