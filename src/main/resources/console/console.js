// Tether's web console: plain script, no build step. It calls the same /1/ API as any client. The credentials
// live in `session`, in this page's memory only: never in a URL, a cookie or any storage, so reloading the page
// or signing out forgets them.
"use strict";
(function () {
  let session = null; // {account, passcode, name}
  let pending = null; // the disassociate record a preview was shown for, awaiting confirmation

  const $ = (id) => document.getElementById(id);

  function show(id, visible) { $(id).hidden = !visible; }
  function say(text) { $("status").textContent = text; }
  function fail(id, text) { $(id).textContent = text; }

  // 1764480000 -> "2025-11-30 05:20:00 UTC"
  function time(epochSeconds) {
    if (epochSeconds === null || epochSeconds === undefined) return "";
    return new Date(epochSeconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  }

  function cell(row, text, asCode) {
    const td = document.createElement("td");
    if (asCode) {
      const code = document.createElement("code");
      code.textContent = text;
      td.appendChild(code);
    } else {
      td.textContent = text;
    }
    row.appendChild(td);
    return td;
  }

  function fill(tableId, rows, render) {
    const body = $(tableId).querySelector("tbody");
    body.replaceChildren();
    if (rows.length === 0) {
      const tr = body.insertRow();
      const td = cell(tr, "none");
      td.colSpan = $(tableId).querySelectorAll("th").length;
      return;
    }
    for (const item of rows) render(body.insertRow(), item);
  }

  // A call of the API with the signed-in credentials; resolves to {status, body}.
  async function api(method, path, body, credentials) {
    const who = credentials || session;
    const headers = {
      "X-CleverTap-Account-Id": who.account,
      "X-CleverTap-Passcode": who.passcode,
      // the audit trail names the console's changes console:<passcode name>, not passcode:<name>
      "X-Tether-Console": "1",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
      });
    } catch (e) {
      return { status: 0, body: { status: "fail", error: "The server did not answer: " + e.message } };
    }
    let parsed;
    try {
      parsed = await response.json();
    } catch (e) {
      parsed = { status: "fail", error: "The server answered HTTP " + response.status };
    }
    if (response.status === 401 && credentials === undefined) {
      signOut("The server no longer takes these credentials; sign in again.");
    }
    return { status: response.status, body: parsed };
  }

  function errorText(result) {
    return (result.body && result.body.error) || ("HTTP " + result.status);
  }

  function query(name, value) {
    // phone numbers keep their "+": the API reads a literal + as +
    return "?" + name + "=" + encodeURIComponent(value).replace(/%2B/g, "+");
  }

  async function signIn(event) {
    event.preventDefault();
    fail("sign-in-error", "");
    const credentials = { account: $("account").value.trim(), passcode: $("passcode").value };
    const result = await api("GET", "/1/account.json", undefined, credentials);
    $("passcode").value = "";
    if (result.status !== 200) {
      fail("sign-in-error", "Not signed in: " + errorText(result));
      $("passcode").focus();
      return;
    }
    session = { account: result.body.account.id, passcode: credentials.passcode, name: result.body.account.name,
      passcodeName: result.body.passcode.name, scopes: result.body.passcode.scopes };
    $("account-name").textContent = session.name;
    $("account-id").textContent = session.account;
    $("passcode-name").textContent = session.passcodeName;
    // what the passcode may not do is not offered: the server would refuse it (403)
    show("disassociate-section", may("disassociate"));
    show("sign-in", false);
    show("who", true);
    show("workspace", true);
    say("Signed in to " + session.name + ".");
    $("find-value").focus();
  }

  function may(scope) {
    return session !== null && session.scopes.includes(scope);
  }

  /**
   * Who made a change and in which request: with the audit scope, a button that shows the request's audit entry
   * (looked up a day either side of the change); without it, the request id as text.
   */
  function byCell(tr, by, requestId, at) {
    cell(tr, by === null ? "(before the audit trail)" : by);
    const td = document.createElement("td");
    tr.appendChild(td);
    if (requestId === null) return;
    if (!may("audit")) {
      td.textContent = requestId;
      td.className = "mono";
      return;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link mono";
    button.textContent = requestId;
    button.addEventListener("click", () => showAuditEntry(requestId, at));
    td.appendChild(button);
  }

  async function showAuditEntry(requestId, at) {
    const result = await api("GET", "/1/audit.json?requestId=" + encodeURIComponent(requestId)
      + "&from=" + Math.max(0, at - 86400) + "&to=" + (at + 86400));
    // a proxy may repeat its request ids: every entry of the id is shown
    const entries = result.status === 200 ? result.body.records : [];
    $("audit-entry").textContent = entries.length === 0
      ? (result.status === 200 ? "No audit entry of request " + requestId + " is kept." : errorText(result))
      : entries.map((entry) => "Request " + entry.requestId + ": " + entry.action + " by " + entry.actor + " at "
        + time(entry.at) + ", " + entry.processed + " processed, " + entry.unprocessed + " not"
        + (entry.idempotencyKey ? ", Idempotency-Key " + entry.idempotencyKey : "")
        + (entry.replayed ? " (a replay)" : "") + ".").join(" ");
    show("audit-entry", true);
  }

  function signOut(message) {
    session = null;
    pending = null;
    for (const id of ["profile", "history", "preview", "workspace", "who", "audit-entry"]) show(id, false);
    for (const id of ["find-error", "history-error", "disassociate-error", "disassociate-result"]) fail(id, "");
    for (const form of ["find-form", "history-form", "disassociate-form", "sign-in-form"]) $(form).reset();
    show("sign-in", true);
    say(typeof message === "string" ? message : "Signed out.");
    $("account").focus();
  }

  async function find(event) {
    event.preventDefault();
    fail("find-error", "");
    say("");
    show("profile", false);
    $("profile-guid").textContent = "";
    const kind = $("find-kind").value;
    const value = $("find-value").value.trim();
    const result = await api("GET", "/1/profile.json" + query(kind, value));
    if (result.status !== 200) {
      fail("find-error", result.status === 404 ? "No profile has that " + $("find-kind").selectedOptions[0].text
        + "." : errorText(result));
      return;
    }
    await showProfile(result.body.record);
    say("Profile " + result.body.record.objectId + " found.");
  }

  /** The profile on show read again (after a change made here), or hidden when it is gone. */
  async function refreshProfile() {
    if ($("profile").hidden || $("profile-guid").textContent === "") return;
    const result = await api("GET", "/1/profile.json" + query("objectId", $("profile-guid").textContent));
    if (result.status === 200) {
      await showProfile(result.body.record);
    } else {
      show("profile", false);
    }
  }

  async function showProfile(record) {
    $("profile-guid").textContent = record.objectId;
    // the standard fields the API lifts out of profileData, then the rest, then the addresses' subscriptions
    const properties = [["Name", record.name], ["Identity", record.identity], ["Email", record.email],
      ["Phone", record.phone]].filter(([, value]) => value !== undefined && value !== null)
      .concat(Object.entries(record.profileData || {}))
      .concat(Object.entries(record.subscriptions || {}).map(([address, status]) =>
        ["Subscription (" + address + ")", status]));
    fill("profile-properties", properties, (tr, [key, value]) => {
      cell(tr, key);
      cell(tr, typeof value === "string" ? value : JSON.stringify(value), typeof value !== "string");
    });
    fill("profile-identities", record.identities || [], (tr, identity) => {
      cell(tr, identity.kind);
      cell(tr, identity.value, true);
      cell(tr, time(identity.since));
    });
    fill("profile-events", Object.entries(record.events || {}), (tr, [name, stats]) => {
      cell(tr, name);
      cell(tr, String(stats.count));
      cell(tr, time(stats.first_seen));
      cell(tr, time(stats.last_seen));
    });
    const timeline = await api("GET", "/1/identity/history.json" + query("objectId", record.objectId));
    fill("profile-timeline", timeline.status === 200 ? timeline.body.history : [], (tr, entry) => {
      cell(tr, entry.kind);
      cell(tr, entry.value, true);
      cell(tr, time(entry.from));
      cell(tr, entry.to === null ? "now" : time(entry.to));
      cell(tr, entry.startReason);
      cell(tr, entry.endReason || "");
      byCell(tr, entry.by, entry.requestId, entry.to === null ? entry.from : entry.to);
    });
    show("profile", true);
  }

  async function showHistory(phone) {
    fail("history-error", "");
    show("history", false);
    const result = await api("GET", "/1/identity/history.json" + query("phone", phone));
    if (result.status !== 200) {
      fail("history-error", errorText(result));
      return;
    }
    const entries = result.body.history;
    const active = entries.find((entry) => entry.to === null);
    $("history-summary").textContent = entries.length === 0 ? "Tether has never seen " + phone + "."
      : (active ? "Held now by profile " + active.objectId + "." : "Held by no profile now.")
        + " " + entries.length + (entries.length === 1 ? " binding" : " bindings") + ", newest first.";
    fill("history-table", entries, (tr, entry) => {
      cell(tr, entry.objectId === null ? "(deleted)" : entry.objectId, entry.objectId !== null);
      cell(tr, time(entry.from));
      cell(tr, entry.to === null ? "now" : time(entry.to));
      cell(tr, entry.startReason);
      cell(tr, entry.endReason || "");
      byCell(tr, entry.by, entry.requestId, entry.to === null ? entry.from : entry.to);
    });
    show("history", true);
  }

  async function history(event) {
    event.preventDefault();
    await showHistory($("history-phone").value.trim());
  }

  /** The record the form names: the number, and the day it was disconnected when one is given. */
  function disassociateRecord() {
    const record = { type: "phone", value: $("disassociate-phone").value.trim() };
    const day = $("disassociate-day").value.trim();
    if (day) record.disconnectedOn = day;
    return record;
  }

  async function preview(event) {
    event.preventDefault();
    fail("disassociate-error", "");
    $("disassociate-result").textContent = "";
    show("preview", false);
    pending = null;
    const record = disassociateRecord();
    const phone = record.value;
    const dry = await api("POST", "/1/disassociate?dryRun=1", { d: [record] });
    if (dry.status !== 200) {
      fail("disassociate-error", errorText(dry));
      return;
    }
    if (dry.body.processed !== 1) {
      const failure = dry.body.unprocessed && dry.body.unprocessed[0];
      if (failure && failure.code === 552) {
        fail("disassociate-error", await whoKeepsIt(phone, record.disconnectedOn));
        return;
      }
      fail("disassociate-error", failure ? failure.error.replace(/\. Skipped record number : \d+$/, "")
        + " (code " + failure.code + ")" : "The server would not disassociate it.");
      return;
    }
    $("preview-text").textContent = "The number " + phone + " will leave profile " + await holderOf(phone)
      + ". That profile keeps its GUID, its other properties, its events and its other identities.";
    pending = record;
    show("preview", true);
    $("confirm-button").focus();
  }

  /** The profile that holds the number now, as the page names it: its GUID, and its name when it has one. */
  async function holderOf(phone) {
    const holder = await api("GET", "/1/profile.json" + query("phone", phone));
    const held = holder.status === 200 ? holder.body.record : null;
    return held ? held.objectId + (held.name ? " (" + held.name + ")" : "") : "(unknown)";
  }

  /**
   * Why a number sent with a day of disconnection stays (552): who holds it. When its holder took it is the server's
   * to say (through merges), so the page names the day, not a date of its own.
   */
  async function whoKeepsIt(phone, day) {
    return "The number " + phone + " stays with profile " + await holderOf(phone) + ": it took the number after " + day
      + ", the day it was disconnected, so it is the number's new owner (code 552). Nothing was changed.";
  }

  async function confirm() {
    if (pending === null) return;
    const record = pending;
    const phone = record.value;
    pending = null;
    show("preview", false);
    const result = await api("POST", "/1/disassociate", { d: [record] });
    if (result.status !== 200 || result.body.processed !== 1) {
      const failure = result.body.unprocessed && result.body.unprocessed[0];
      fail("disassociate-error", failure ? failure.error + " (code " + failure.code + ")" : errorText(result));
      return;
    }
    $("history-phone").value = phone;
    await Promise.all([showHistory(phone), refreshProfile()]);
    $("disassociate-result").textContent = phone + " was disassociated.";
    say(phone + " was disassociated.");
  }

  function cancel() {
    pending = null;
    show("preview", false);
    say("Nothing was changed.");
    $("disassociate-phone").focus();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("sign-in-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", signOut);
    $("find-form").addEventListener("submit", find);
    $("history-form").addEventListener("submit", history);
    $("disassociate-form").addEventListener("submit", preview);
    $("confirm-button").addEventListener("click", confirm);
    $("cancel-button").addEventListener("click", cancel);
    $("account").focus();
  });
})();
