import { Type } from "@sinclair/typebox";

/** Request and response shapes shared by several route modules. */

export const UserId = Type.String({ minLength: 1, maxLength: 200 });
export const UserIds = Type.Array(UserId, { maxItems: 500 });
export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) });
export const Paging = Type.Object(
  {
    domain: Type.Optional(Type.String({ maxLength: 253 })),
    after: Type.Optional(Type.String({ maxLength: 300 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
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
