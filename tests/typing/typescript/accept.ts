// Usage tsc --strict must accept: the generated TypeScript types (generated/*.ts) with
// the browser client, the way a frontend uses them. tests/test_typescript.py runs it.
import { streamObject } from "../../../partialgen/static/partialgen.js";
import type { Catalog, PartialCatalog, PartialProduct } from "../../../generated/catalog";
import type { MeetingInfo, PartialMeetingInfo, PartialUser, User } from "../../../generated/meeting";
import type { PartialShape, PartialTags, Shape, Tags } from "../../../generated/roots";
import type { PartialSupportTicket, SupportTicket } from "../../../generated/ticket";

// Before the first field, a snapshot's JSON may hold nothing, or nulls.
const empty: PartialMeetingInfo = {};
const nulls: PartialMeetingInfo = { users: null, date: null, budget: null };
const growing: PartialMeetingInfo = { users: [{ name: "Ja" }, {}], budget: 12 };

function names(doc: PartialMeetingInfo): string[] {
  return (doc.users ?? []).map((u: PartialUser) => u.name ?? "…");
}

// The full model's JSON (the `done` event) has every key.
const done: MeetingInfo = {
  users: [{ name: "Jason", email: "j@x.io", twitter: "@j" }],
  date: "2024-03-15",
  location: "Room B",
  budget: 12500,
  deadline: "2024-03-01",
};
const first: User | undefined = done.users[0];

// Literals are only ever whole values; discriminated unions narrow on their tag.
function price(p: PartialProduct): string {
  if (p.color === "red") return "red";
  const details = p.details;
  if (details?.kind === "physical") return String(details.weight_kg ?? 0);
  if (details?.kind === "digital") return details.download_url ?? "";
  return p.price ?? "";
}

function area(shape: Shape): number {
  return shape.kind === "circle" ? shape.radius : shape.side * shape.side;
}

// A RootModel: its full JSON is the root value; its snapshot is `{root: ...}`.
const tags: Tags = [{ name: "a", weight: 1 }];
const partialTags: PartialTags = { root: [{ name: "a" }] };
const partialShape: PartialShape = { root: { kind: "square" } };

function ticket(t: PartialSupportTicket): string {
  const last = t.events?.at(-1);
  if (last?.type === "comment") return last.body ?? "";
  return t.priority ?? "low";
}

const full: SupportTicket | null = null;
const catalog: PartialCatalog = { title: "Spring", products: [{ name: "Widget" }] };
const whole: Catalog | null = null;

const stream = streamObject<PartialMeetingInfo, MeetingInfo, User>("/meeting", {
  onUpdate: (doc) => console.log(names(doc)),
  onItem: (path, user) => console.log(path, user.email),
  onDone: (meeting) => console.log(meeting.budget.toFixed(0)),
});
void stream.result.then((m) => m.users.length);

console.log(empty, nulls, growing, first, price, area, tags, partialTags, partialShape);
console.log(ticket, full, catalog, whole);
