import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * The contacts panel in a real browser against a real server: the
 * organisation tree made through the server's admin API, a colleague's card
 * and a chat started from it, the filter box, paging of a large department,
 * and a group made and managed from the panel. Screenshots go to
 * test-output/web.
 */
if (browserMissing) console.log(`# contacts panel tests SKIPPED: ${browserMissing}`);

const ctx = { actor: "system", source: "test", scope: "*" };
/** More than one page of members (the panel asks for 50 at a time). */
const FIELD_STAFF = 60;

async function openContacts(page: Page): Promise<void> {
  await page.getByRole("tab", { name: "Contacts" }).click();
  await page.getByRole("heading", { name: "Organisation" }).waitFor();
}

describe("the contacts panel", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users(
      ["alice", "Alice Wang"],
      ["bob", "Bob Li"],
      ["carol", "Carol Chen"],
      ["dave", "Dave Zhou"],
      ["erin", "Erin Sun"],
    );
    const admin = h.server.admin;
    await admin.saveDepartment(ctx, undefined, { id: "eng", parentId: "", name: "Engineering" });
    await admin.saveDepartment(ctx, undefined, { id: "eng-web", parentId: "eng", name: "Web" });
    await admin.saveDepartment(ctx, undefined, { id: "sales", parentId: "", name: "Sales", sortOrder: 1 });
    await admin.updateProfile(ctx, "bob@starling.local", {
      departmentId: "eng",
      title: "Staff Engineer",
      email: "bob@corp.example",
      phone: "+86 10 5555 0101",
    });
    await admin.updateProfile(ctx, "alice@starling.local", {
      departmentId: "eng",
      title: "Engineering Manager",
    });
    await admin.updateProfile(ctx, "carol@starling.local", {
      departmentId: "eng-web",
      title: "Frontend Engineer",
    });
    await admin.updateProfile(ctx, "dave@starling.local", {
      departmentId: "sales",
      title: "Account Manager",
    });
    const staff = Array.from({ length: FIELD_STAFF }, (_, i) => ({
      id: `field${String(i + 1).padStart(2, "0")}`,
      name: `Field Agent ${i + 1}`,
      department: "Sales/Field",
    }));
    const report = await admin.importUsers(ctx, undefined, JSON.stringify(staff), "json", {
      dryRun: false,
      initialPasswords: false,
    });
    assert.deepEqual(report.errors, []);
    assert.equal(report.created, FIELD_STAFF);
  });
  after(() => h.close());

  test("a colleague found in the tree is messaged from their card", async () => {
    const alice = await h.login("alice");
    const bob = await h.login("bob");
    await openContacts(alice);
    const engineering = alice.getByRole("button", { name: "Engineering", exact: true });
    assert.equal(await engineering.getAttribute("aria-expanded"), "false");
    // By keyboard: down from the filter box to the first department, right to expand it.
    await alice.getByLabel("Find people").press("ArrowDown");
    assert.ok(await engineering.evaluate((el) => el === document.activeElement));
    await alice.keyboard.press("ArrowRight");
    assert.equal(await engineering.getAttribute("aria-expanded"), "true");
    await alice.getByRole("button", { name: "Web", exact: true }).waitFor();
    await alice.getByRole("button", { name: /Bob Li/ }).waitFor();
    await h.shot(alice, "contacts-tree");

    await alice.getByRole("button", { name: /Bob Li/ }).click();
    const card = alice.locator(".contacts-card");
    await card.getByRole("heading", { name: "Bob Li" }).waitFor();
    await card.getByText("Engineering", { exact: true }).waitFor();
    const text = (await card.textContent()) ?? "";
    for (const want of ["Staff Engineer", "bob@corp.example", "+86 10 5555 0101"])
      assert.ok(text.includes(want), `the card shows ${want}: ${text}`);
    await h.shot(alice, "contacts-card");

    await card.getByRole("button", { name: "Message" }).click();
    await alice.getByRole("main").getByRole("heading", { name: "Bob Li", exact: true }).waitFor();
    await alice.getByLabel("Write a message").fill("Hi Bob, found you in Contacts");
    await alice.getByLabel("Write a message").press("Enter");
    await alice.locator(".message .bubble", { hasText: "found you in Contacts" }).waitFor();

    const chat = bob.getByTestId("conversation-alice");
    await chat.waitFor();
    await chat.click();
    await bob.locator(".message .bubble", { hasText: "Hi Bob, found you in Contacts" }).waitFor();

    // Back from the card, the tree is as it was left, and goes on expanding.
    await card.getByRole("button", { name: "Back" }).click();
    await alice.getByRole("button", { name: /Bob Li/ }).waitFor();
    assert.equal(await alice.getByRole("button", { name: /Carol Chen/ }).count(), 0);
    await alice.getByRole("button", { name: "Web", exact: true }).press("Enter");
    await alice.getByRole("button", { name: /Carol Chen/ }).waitFor();
  });

  test("the filter finds people, a large department pages with More, and errors are told", async () => {
    const alice = await h.login("alice");
    await openContacts(alice);
    const filter = alice.getByLabel("Find people");
    await filter.fill("carol");
    await alice.getByRole("button", { name: /Carol Chen/ }).click();
    await alice.locator(".contacts-card").getByText("Web", { exact: true }).waitFor();
    await alice.getByRole("button", { name: "Back" }).click();

    await filter.fill("x".repeat(70));
    const alert = alice.getByRole("alert");
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /longer than/);
    await filter.fill("");

    await alice.getByRole("button", { name: "Sales", exact: true }).click();
    await alice.getByRole("button", { name: /Dave Zhou/ }).waitFor();
    await alice.getByRole("button", { name: "Field", exact: true }).click();
    const staff = alice.locator('.contacts-person[data-user^="field"]');
    await alice.getByRole("button", { name: "More" }).waitFor();
    assert.equal(await staff.count(), 50);
    await alice.getByRole("button", { name: "More" }).click();
    await alice.getByRole("button", { name: /Field Agent 60\b/ }).waitFor();
    assert.equal(await staff.count(), FIELD_STAFF);
    assert.equal(await alice.getByRole("button", { name: "More" }).count(), 0);

    const zh = await h.login("erin", { locale: "zh-CN" });
    await zh.getByRole("tab", { name: "通讯录" }).click();
    await zh.getByRole("button", { name: "Engineering", exact: true }).click();
    await zh.getByRole("button", { name: /Bob Li/ }).click();
    await zh.getByRole("button", { name: "发消息" }).waitFor();
    await h.shot(zh, "contacts-card-zh");
  });

  test("a group is made from the panel, its members see it, and its members are managed", async () => {
    const alice = await h.login("alice");
    const carol = await h.login("carol");
    await openContacts(alice);
    await alice.getByRole("button", { name: "New group" }).click();
    await alice.getByLabel("Group name").fill("Launch crew");
    const add = alice.getByLabel("Add people");
    await add.fill("bob");
    await alice.getByRole("button", { name: "Add Bob Li" }).click();
    await add.fill("carol");
    await alice.getByRole("button", { name: "Add Carol Chen" }).click();
    await alice.getByRole("list", { name: "Chosen" }).getByText("Carol Chen").waitFor();
    await h.shot(alice, "contacts-new-group");
    await alice.getByRole("button", { name: "Create group" }).click();
    await alice.getByRole("heading", { name: "Launch crew", level: 2 }).waitFor();

    await carol.getByTestId("conversation-Launch crew").waitFor();
    await alice.getByLabel("Write a message").fill("Welcome to the launch crew");
    await alice.getByLabel("Write a message").press("Enter");
    await carol.getByTestId("conversation-Launch crew").click();
    await carol.locator(".message .bubble", { hasText: "Welcome to the launch crew" }).waitFor();

    // The owner adds Dave and removes Carol.
    await alice.getByRole("button", { name: "Manage Launch crew" }).click();
    const members = alice.getByRole("list", { name: "Members" });
    await members.getByText("Carol Chen").waitFor();
    assert.equal(await members.locator("li").count(), 3);
    await alice.getByLabel("Add people").fill("dave");
    await alice.getByRole("button", { name: "Add Dave Zhou" }).click();
    await alice.getByRole("button", { name: "Add to group" }).click();
    await members.getByText("Dave Zhou").waitFor();
    await alice.getByRole("button", { name: "Remove Carol Chen" }).click();
    await members.getByText("Carol Chen").waitFor({ state: "detached" });
    assert.equal(await members.locator("li").count(), 3);
    assert.equal(await alice.getByRole("button", { name: "Remove Alice Wang" }).count(), 0);
    await h.shot(alice, "contacts-group-members");
    const groups = await h.server.admin.listGroups(ctx, undefined);
    assert.equal(groups.find((g) => g.name === "Launch crew")?.memberCount, 3);
  });
});
