// The rest of the profile API through CleverTap's official Node.js library, pointed at Tether by its base URL only:
// upload, profile, subscribe, counts, the events and profiles exports paged to the end, demerge and delete.
// Usage: node clevertap-profile-api.js BASE_URL ACCOUNT_ID PASSCODE EVENTS; prints one JSON object of what it saw.
// The account's conflict policy must be merge (the demerge step undoes a merge).
const CleverTap = require("clevertap");

const [baseUrl, accountId, passcode, eventCount] = process.argv.slice(2);
const ct = CleverTap.init(accountId, passcode, CleverTap.REGIONS.INDIA);
ct.api.apiEndpoint = `${baseUrl}/1`;

const NOV_1_2026 = 1793491200;
const USERS = 40;
const query = { event_name: "Charged", from: 20261101, to: 20261102 };

async function main() {
  const events = [];
  for (let i = 0; i < Number(eventCount); i++) {
    events.push({ type: "event", identity: `node-${i % USERS}`, ts: NOV_1_2026 + i, evtName: "Charged",
      evtData: { n: i } });
  }
  const uploads = await ct.upload(events, { batchSize: 100 });
  const uploaded = [].concat(uploads).reduce((sum, r) => sum + (r.processed || 0), 0);

  await ct.upload([{ type: "profile", identity: "node-0", profileData: { Phone: "+14155550123", Name: "Zero" } }]);
  const subscribe = await ct.subscribe({ d: [{ type: "phone", value: "+14155550123", status: "Unsubscribe" }] });
  const profile = await ct.profile({ identity: "node-0" });

  const eventsCount = await ct.getEventsCount(query);
  const profilesCount = await ct.getProfilesCount(query);

  const exported = await ct.events(query, { batchSize: 5000 });
  const seen = new Map();
  for (const e of exported) {
    seen.set(e.evtData.n, (seen.get(e.evtData.n) || 0) + 1);
  }
  const missing = [];
  for (let i = 0; i < Number(eventCount); i++) {
    if (seen.get(i) !== 1) missing.push(i);
  }
  const profiles = await ct.profiles(query, { batchSize: 7 });
  const profileIds = new Set(profiles.map((p) => p.objectId));

  await ct.upload([{ type: "profile", identity: "m-a", profileData: { Email: "shared@node.test", Kept: "a" } }]);
  const before = await ct.profile({ identity: "m-a" });
  await ct.upload([{ type: "profile", identity: "m-b", profileData: { Email: "shared@node.test", Own: "b" } }]);
  const merged = await ct.profile({ objectId: before.record.objectId });
  const demerge = await ct.demerge({ identities: ["m-b"] });
  const demerged = await ct.profile({ objectId: before.record.objectId });
  const survivor = await ct.profile({ objectId: merged.record.objectId });

  const deletion = await ct.delete({ identity: "node-39" });
  const deleted = await ct.profile({ identity: "node-39" });

  console.log(JSON.stringify({
    uploaded, subscribe, profile, eventsCount, profilesCount,
    exported: exported.length, duplicatesOrMissing: missing.length, firstEvent: exported[0],
    profilesExported: profiles.length, distinctProfiles: profileIds.size,
    mergedInto: merged.record.objectId, annaGuid: before.record.objectId, demerge, demerged, survivor,
    deletion, deleted,
  }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
