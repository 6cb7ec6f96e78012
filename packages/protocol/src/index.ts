// First: the generated code below decodes its descriptors as it loads, which needs UTF-8.
import "./text-encoding.js";

export { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
export * from "./codec.js";
export * from "./dnd.js";
export * from "./errors.js";
export * from "./framing.js";
export * as federation from "./gen/starling/federation/v1/federation_pb.js";
export * from "./gen/starling/v1/conversation_pb.js";
export * from "./gen/starling/v1/directory_pb.js";
export * from "./gen/starling/v1/envelope_pb.js";
export {
  type Error as WireError,
  ErrorSchema as WireErrorSchema,
  type Goodbye,
  GoodbyeSchema,
} from "./gen/starling/v1/error_pb.js";
export * from "./gen/starling/v1/favourite_pb.js";
export * from "./gen/starling/v1/group_pb.js";
export * from "./gen/starling/v1/message_pb.js";
export * from "./gen/starling/v1/pins_pb.js";
export * from "./gen/starling/v1/presence_pb.js";
export * from "./gen/starling/v1/push_pb.js";
export * from "./gen/starling/v1/search_pb.js";
export * from "./gen/starling/v1/session_pb.js";
export * from "./gen/starling/v1/settings_pb.js";
export * from "./gen/starling/v1/sync_pb.js";
export * from "./ids.js";
export * from "./markdown.js";
export * from "./splice.js";
export { ensureTextEncoding, fallbackUtf8 } from "./text-encoding.js";
export * from "./version.js";
