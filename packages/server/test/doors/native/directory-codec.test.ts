import assert from "node:assert/strict";
import { test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import {
  DepartmentSchema,
  DirectoryChangesSchema,
  decodeEnvelope,
  EmploymentStatus,
  UserCardSchema,
} from "@starling/protocol";
import fc from "fast-check";
import { encodeDirectoryChanges, encodeResponseEnvelope } from "../../../src/doors/native/directory-codec.js";

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.constantFrom("", "重庆", "a\u0000b", "😀x"),
);
const version = fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) });

const card = fc.record({
  id: text,
  displayName: text,
  pinyin: text,
  pinyinInitials: text,
  title: text,
  email: text,
  phone: text,
  avatar: text,
  departmentId: text,
  otherDepartmentIds: fc.array(text, { maxLength: 3 }),
  status: fc.constantFrom(EmploymentStatus.UNSPECIFIED, EmploymentStatus.ACTIVE, EmploymentStatus.LEFT),
  frozen: fc.boolean(),
  version,
  statusText: text,
  doNotDisturb: fc.option(
    fc.record({
      on: fc.boolean(),
      until: version,
      daily: fc.boolean(),
      fromMinute: fc.integer({ min: 0, max: 1439 }),
      toMinute: fc.integer({ min: 0, max: 1439 }),
      timeZone: fc.constantFrom("", "Asia/Shanghai", "UTC"),
    }),
    { nil: undefined },
  ),
});
const department = fc.record({
  id: text,
  parentId: text,
  name: text,
  sortOrder: fc.integer({ min: -2147483648, max: 2147483647 }),
  version,
});
const changes = fc.record({
  departments: fc.array(department, { maxLength: 4 }),
  users: fc.array(card, { maxLength: 6 }),
  removedDepartmentIds: fc.array(text, { maxLength: 3 }),
  removedUserIds: fc.array(text, { maxLength: 3 }),
  version,
  hasMore: fc.boolean(),
  domainVersion: version,
});

test("the hand-written DirectoryChanges encoder writes exactly the generated codec's bytes", () => {
  fc.assert(
    fc.property(changes, (c) => {
      const msg = create(DirectoryChangesSchema, {
        ...c,
        departments: c.departments.map((d) => create(DepartmentSchema, d)),
        users: c.users.map((u) => create(UserCardSchema, u)),
      });
      assert.deepEqual(
        Buffer.from(encodeDirectoryChanges(msg)),
        Buffer.from(toBinary(DirectoryChangesSchema, msg)),
      );
    }),
    { numRuns: 2000 },
  );
});

test("a large page (long length prefixes) and the response envelope around it decode", () => {
  const users = Array.from({ length: 3000 }, (_, i) =>
    create(UserCardSchema, {
      id: `u${i}@x.example`,
      displayName: "王小明".repeat(i % 50),
      version: BigInt(i),
    }),
  );
  const msg = create(DirectoryChangesSchema, { users, version: 99n, hasMore: true, domainVersion: 5000n });
  const body = encodeDirectoryChanges(msg);
  assert.deepEqual(Buffer.from(body), Buffer.from(toBinary(DirectoryChangesSchema, msg)));
  const env = decodeEnvelope(encodeResponseEnvelope(300, 60, body));
  assert.equal(env.kind.case, "response");
  const res = env.kind.case === "response" ? env.kind.value : undefined;
  assert.equal(res?.id, 300);
  assert.equal(res?.body.case, "directoryChanges");
  const got = res?.body.case === "directoryChanges" ? res.body.value : undefined;
  assert.equal(got?.users.length, 3000);
  assert.equal(got?.users[2999]?.displayName, "王小明".repeat(2999 % 50));
  assert.equal(got?.domainVersion, 5000n);
});
