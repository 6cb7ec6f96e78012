import { type RawBuilder, type SqlBool, sql } from "kysely";

/**
 * The read rule (core/messaging/visibility.ts) in SQL, for queries across a
 * user's conversations: the message at `seq` (a column) is readable through
 * the member row aliased `member` while it is active, or up to the seq at
 * which they left. Queries over one conversation take the bound from the
 * core as a parameter instead.
 */
export function readableSeq(member: string, seq: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.ref(`${member}.active`)} = 1 or ${sql.ref(seq)} <= ${sql.ref(`${member}.left_seq`)})`;
}
