// Uses CleverTap's official Node.js library, pointed at Tether by its base URL only.
// Usage: node clevertap-client.js BASE_URL ACCOUNT_ID PASSCODE; prints one JSON object of what it saw.
const CleverTap = require("clevertap");

const [baseUrl, accountId, passcode] = process.argv.slice(2);
const ct = CleverTap.init(accountId, passcode, CleverTap.REGIONS.INDIA);
ct.api.apiEndpoint = `${baseUrl}/1`;

async function main() {
  const phone = "+919213231415";
  const upload = await ct.upload([
    { type: "profile", identity: "node-user-1", ts: Math.floor(Date.now() / 1000),
      profileData: { Name: "Node User", Phone: phone, "MSG-sms": true } },
    { type: "event", identity: "node-user-1", ts: Math.floor(Date.now() / 1000),
      evtName: "Charged", evtData: { Amount: 300 } },
  ]);
  const profile = await ct.profile({ identity: "node-user-1" });
  const disassociate = await ct.disassociate({ d: [{ type: "phone", value: phone }] });
  const after = await ct.profile({ identity: "node-user-1" });
  console.log(JSON.stringify({ upload, profile, disassociate, after }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
