import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import type { StoreTx } from "../../src/core/store.js";
import { freshStore, postgresUnavailable, type StoreUnderTest } from "../helpers/stores.js";

/**
 * Every method of the combined port, each once: `satisfies` makes the
 * compiler refuse this list when a method is added to a module's port and
 * not here, or removed there and left here.
 */
const METHODS = {
  advanceConversations: true,
  changedConversations: true,
  changedDepartments: true,
  changedUsers: true,
  childDepartments: true,
  countFavourites: true,
  countUnread: true,
  countUnreadMentions: true,
  createDomain: true,
  deleteFavourite: true,
  deleteSession: true,
  deleteSessionsOfUser: true,
  departmentMembers: true,
  directoryVersion: true,
  ensureSecret: true,
  findByClientIds: true,
  findDepartment: true,
  findFavourite: true,
  firstSeqAtTime: true,
  getAvatar: true,
  getConversation: true,
  getConversations: true,
  getDepartment: true,
  getDomain: true,
  getFavourite: true,
  getFile: true,
  getInvite: true,
  getMember: true,
  getMessage: true,
  getMessages: true,
  getScramCredential: true,
  getSession: true,
  getUser: true,
  getUserSettings: true,
  getUsers: true,
  groupsOf: true,
  hiddenSeqs: true,
  hideMessages: true,
  indexMessages: true,
  insertAudit: true,
  insertConversation: true,
  insertFavourite: true,
  insertFile: true,
  insertInvite: true,
  insertMessages: true,
  insertSession: true,
  insertUser: true,
  listAudit: true,
  listDomains: true,
  listFavourites: true,
  listGroups: true,
  listMembers: true,
  listSessionsOfUser: true,
  listUsers: true,
  nextDirectoryVersions: true,
  nextVersions: true,
  otherDepartments: true,
  otherDepartmentsInRange: true,
  pinMessage: true,
  pinnedSeqs: true,
  putScramCredentials: true,
  putUserSettings: true,
  readableFile: true,
  readableFileWithHash: true,
  recallMessage: true,
  editMessage: true,
  setReactions: true,
  recentDirectConversations: true,
  searchFiles: true,
  searchMessages: true,
  setAvatar: true,
  setDomainDisabled: true,
  setDomainFileLimits: true,
  setDomainPushPreviews: true,
  setOtherDepartments: true,
  shareFiles: true,
  indexMentions: true,
  listMentions: true,
  touchSession: true,
  unpinMessage: true,
  updateConversation: true,
  updateMember: true,
  updateUser: true,
  upsertDepartment: true,
  revokeInvites: true,
  upsertMember: true,
  getFederationLink: true,
  listFederationLinks: true,
  federationOutboxAfter: true,
  federationOutboxDepth: true,
  federationInboxMark: true,
  listFederationPings: true,
  insertFederationLink: true,
  setFederationLinkState: true,
  deleteFederationLink: true,
  nextFederationSeq: true,
  insertFederationFrame: true,
  deleteFederationFramesThrough: true,
  advanceFederationInboxMark: true,
  insertFederationPing: true,
  listPushDevices: true,
  pushDevicesOf: true,
  unreadTotals: true,
  upsertPushDevice: true,
  deletePushDevice: true,
  deletePushDevicesById: true,
  touchPushDevices: true,
  getActivationCode: true,
  putActivationCode: true,
  useActivationCode: true,
  getBotToken: true,
  listBotTokens: true,
  insertBotToken: true,
  deleteBotToken: true,
  getWebhook: true,
  listWebhooks: true,
  insertWebhook: true,
  deleteWebhook: true,
} satisfies Record<keyof StoreTx, true>;

const names = Object.keys(METHODS).sort();

/** The composed object has exactly the port's methods, each a repository's own method bound to it. */
function assertComposed(composed: object): void {
  assert.deepEqual(Object.keys(composed).sort(), names);
  for (const name of names) {
    const method = (composed as Record<string, unknown>)[name];
    assert.equal(typeof method, "function", name);
    assert.equal((method as () => unknown).name, `bound ${name}`, name);
  }
}

const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# postgres store composition SKIPPED: ${pgProblem}`);

for (const name of ["sqlite", "postgres"] as const) {
  describe(`store composition on ${name}`, { skip: name === "postgres" ? pgProblem : undefined }, () => {
    let sut: StoreUnderTest;
    let store: KyselyStore;
    before(async () => {
      sut = await freshStore(name);
      store = await sut.open();
    });
    after(async () => {
      await store.close();
      await sut.drop();
    });

    test("the reader outside transactions has every method of the port, bound", async () => {
      assertComposed(store.read);
      // Called without its object: a method that needed `this` would fail here.
      const { getUser, listDomains } = store.read;
      assert.equal(await getUser("nobody@example.com"), undefined);
      assert.deepEqual(await listDomains(), []);
    });

    test("a transaction's object has every method of the port, bound", async () => {
      await store.transaction(async (tx) => {
        assertComposed(tx);
        const { createDomain, getDomain } = tx;
        assert.equal(await createDomain("compose.example", 1), true);
        assert.equal((await getDomain("compose.example"))?.name, "compose.example");
      });
    });
  });
}
