import { Type } from "@sinclair/typebox";
import {
  ADMIN_PAGE_MAX,
  type CoreLimits,
  MAX_DOMAIN_LENGTH,
  MAX_ID_LENGTH,
  MAX_USER_ID_LENGTH,
} from "../../core/kernel/limits.js";

/*
 * Request and response shapes shared by several route modules. Every bound is the core's
 * (kernel/limits.ts, or the limits the server runs with), so a schema refuses nothing the core
 * accepts; the core still checks each value, these only refuse early what it would refuse.
 */

/** A user id, full (`name@domain`) or bare (the caller's domain is meant). */
export const UserId = Type.String({ minLength: 1, maxLength: MAX_USER_ID_LENGTH });
/** The user ids of one request: at most limits.maxIdsPerRequest. */
export const userIds = (l: CoreLimits) => Type.Array(UserId, { maxItems: l.maxIdsPerRequest });
export const DomainName = Type.String({ minLength: 1, maxLength: MAX_DOMAIN_LENGTH });
/** A domain to act in; absent or "" for the caller's own. */
export const OptionalDomain = Type.Optional(Type.String({ maxLength: MAX_DOMAIN_LENGTH }));
/** The id in a path: a user, conversation, group, department or file. */
export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }) });
export const Paging = Type.Object(
  {
    domain: OptionalDomain,
    after: Type.Optional(Type.String({ maxLength: MAX_ID_LENGTH })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ADMIN_PAGE_MAX })),
  },
  { additionalProperties: false },
);
export const Ok = Type.Object({ ok: Type.Boolean() });

/** The one error shape of the HTTP API, with the protocol's error codes. */
export const ErrorBody = Type.Object({
  code: Type.String({ description: "The error code's name, e.g. NOT_FOUND (proto/starling/v1/error.proto)" }),
  number: Type.Integer({ description: "The same code as a number" }),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.String()),
});
