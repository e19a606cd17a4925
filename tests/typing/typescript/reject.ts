// Usage tsc --strict must reject, each line where its `// E: TSxxxx` says.
import type { MeetingInfo, PartialMeetingInfo } from "../../../generated/meeting";
import type { PartialProduct } from "../../../generated/catalog";
import type { PartialShape, Tags } from "../../../generated/roots";

const half: PartialProduct = { color: "gre" }; // E: TS2322
const wrong: PartialMeetingInfo = { budget: "12" }; // E: TS2322
const unknownKey: PartialMeetingInfo = { title: "x" }; // E: TS2353
const missing: MeetingInfo = { users: [], date: "d", location: "l", budget: 1 }; // E: TS2741

function firstName(doc: PartialMeetingInfo): string {
  return doc.users[0].name; // E: TS18049 TS2532 TS2322
}

function radius(shape: PartialShape): number | null | undefined {
  return shape.root?.radius; // E: TS2339
}

const notAnObject: Tags = { root: [] }; // E: TS2353

console.log(half, wrong, unknownKey, missing, firstName, radius, notAnObject);
