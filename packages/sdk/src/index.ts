// The browser-safe entry: nothing here may import node: modules or `ws`.
export * from "@starling/protocol";
export {
  type ActivatedSession,
  type ActivationInput,
  activate,
  type HttpFetch,
} from "./activation.js";
export { Backoff, type BackoffOptions } from "./backoff.js";
export { StarlingClient } from "./client.js";
export {
  ConnectionClosedError,
  isFatalClose,
  RequestTimeoutError,
  SendCancelledError,
} from "./client-errors.js";
export type { Compressor } from "./compression.js";
export { applyReaction } from "./conversation-cache.js";
export type { ClientAuth } from "./credentials.js";
export { DeviceState, type DeviceStorage, type StoredDevice } from "./device-state.js";
export {
  DirectoryClient,
  type DirectoryUpdate,
  type DoNotDisturbInput,
  type ProfileInput,
} from "./directory.js";
export { Emitter, type Listener } from "./emitter.js";
export { DEFAULT_TCP_PORT, type Endpoint, type EndpointScheme, parseEndpoint } from "./endpoint.js";
// The SDK's Favourite always carries a message; it takes the place of the wire type of that name.
export type { Favourite, FavouritesChange, FavouritesQuery } from "./favourites.js";
export {
  checkOnboardingDocument,
  formatInviteLink,
  type InviteLink,
  InviteLinkError,
  normaliseFingerprint,
  type OnboardingDocument,
  parseInviteLink,
} from "./invite-link.js";
export type { ClientOptions, DeviceInfo } from "./options.js";
export type { PushDevice, PushDeviceInput, PushDeviceRef } from "./push-devices.js";
export type { SeqLike } from "./seq.js";
export type { SyncState } from "./sync-state.js";
export { systemTimers, type Timers } from "./timers.js";
export type { Transport, TransportClose, TransportFactory, TransportHandlers } from "./transport.js";
export type {
  ClientState,
  EditInput,
  HistoryQuery,
  MentionInput,
  MessageEdit,
  ReactionChange,
  SearchOptions,
  SendInput,
  SendState,
  SettingsInput,
  StarlingClientEvents,
} from "./types.js";
export { WebSocketTransport, webSocketTransportFactory } from "./websocket-transport.js";
