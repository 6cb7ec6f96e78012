import type { StarlingClient, UserCard } from "@starling/sdk";
import { store } from "../../chat-store.js";
import { shortName } from "../format.js";

/** The signed-in client; a request made after signing out fails like any other. */
export function sdk(): StarlingClient {
  const client = store.sdk();
  if (!client) throw new Error("signed out");
  return client;
}

/** The name to show for a person: their display name, else the local part of their id. */
export function nameOf(card: UserCard | undefined, userId = card?.id ?? ""): string {
  return card?.displayName || shortName(userId);
}

/** The letter in a person's round avatar. */
export function initialOf(name: string): string {
  return (Array.from(name)[0] ?? "?").toUpperCase();
}
