"use strict";
// The playground's cases: each makes real fetch() calls and reports the browser's verdict.
// Results go into the table, into window.playground.results and, when every case has
// settled, <html data-done="true">: what the browser test suite waits for and reads.

const API = document.querySelector('meta[name="api"]').content;
const PORT = location.port;
const PROBE_TIMEOUT_MS = 60000;  // generous: a loaded machine can take long to start a frame
// Chromium caches a preflight without Access-Control-Max-Age for 5 seconds.
const CACHE_WAIT_MS = 6000;

const state = { done: false, results: {} };
window.playground = state;
document.getElementById("page-origin").textContent = location.origin;

async function call(path, init = {}) {
  try {
    const response = await fetch(API + path, init);
    return { ok: true, response, body: await response.text() };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}

function allowedOrBlocked(result) {
  if (!result.ok) return { verdict: "blocked", detail: `${result.error} (the browser hid the response)` };
  return { verdict: "allowed", detail: `${result.response.status} ${result.body}` };
}

function readHeader(result, name) {
  if (!result.ok) return { verdict: "blocked", detail: result.error };
  const value = result.response.headers.get(name);
  if (value === null) return { verdict: "hidden", detail: `headers.get("${name}") is null` };
  return { verdict: "readable", detail: `headers.get("${name}") = "${value}"` };
}

// A frame on another origin makes the call; the verdict comes back by postMessage.
function probe(name, host, extra = "") {
  return new Promise((resolve) => {
    const frame = document.createElement("iframe");
    const timer = setTimeout(() => resolve({ verdict: "no answer", detail: `probe ${host} did not report` }),
                             PROBE_TIMEOUT_MS);
    const origin = `http://${host}:${PORT}`;
    window.addEventListener("message", (event) => {
      if (event.origin !== origin || !event.data || event.data.probe !== name) return;
      clearTimeout(timer);
      resolve({ verdict: event.data.verdict, detail: event.data.detail });
    });
    const query = new URLSearchParams({ case: name, api: API, parent: location.origin });
    frame.src = `${origin}/probe.html?${query}${extra}`;
    frame.allow = "local-network-access; loopback-network; local-network";
    document.body.appendChild(frame);
  });
}

const JSON_HEADERS = { "Content-Type": "application/json" };
const CUSTOM = { "Content-Type": "application/json", "X-Custom-Header": "playground" };

const CASES = [
  ["simple-get", "GET /api/items", () => call("/api/items").then(allowedOrBlocked)],
  ["json-post", "POST /api/items, Content-Type: application/json (preflighted)",
    () => call("/api/items", { method: "POST", headers: JSON_HEADERS, body: '{"name": "x"}' }).then(allowedOrBlocked)],
  ["put-custom-header", "PUT /api/items/1, X-Custom-Header (preflighted)",
    () => call("/api/items/1", { method: "PUT", headers: CUSTOM, body: '{"name": "y"}' }).then(allowedOrBlocked)],
  ["delete-custom-header", "DELETE /api/items/1, X-Custom-Header (preflighted)",
    () => call("/api/items/1", { method: "DELETE", headers: { "X-Custom-Header": "playground" } }).then(allowedOrBlocked)],
  ["credentialed-cookie", "POST /api/login then GET /api/whoami, credentials: 'include'", async () => {
    const login = await call("/api/login", { method: "POST", credentials: "include" });
    const who = await call("/api/whoami", { credentials: "include" });
    const loginNote = login.ok ? "login read" : "login blocked";
    if (!who.ok) return { verdict: "blocked", detail: `${loginNote}; whoami: ${who.error}` };
    const session = JSON.parse(who.body).session;
    if (session === null) return { verdict: "allowed, no cookie", detail: `${loginNote}; whoami: ${who.body}` };
    return { verdict: "allowed", detail: `${loginNote}; cookie sent back, whoami: ${who.body}` };
  }],
  ["read-exposed-header", "GET /api/items, read X-Request-Id",
    async () => readHeader(await call("/api/items?read=exposed"), "X-Request-Id")],
  ["read-unexposed-header", "GET /api/items, read X-Secret",
    async () => readHeader(await call("/api/items?read=unexposed"), "X-Secret")],
  ["preflight-cache", `PUT twice, ${CACHE_WAIT_MS / 1000} s apart: preflights seen by the server`, async () => {
    const path = `/api/items/cache-${Math.random().toString(36).slice(2)}`;
    const put = () => call(path, { method: "PUT", headers: CUSTOM, body: "{}" });
    const first = await put();
    if (!first.ok) return { verdict: "blocked", detail: first.error };
    await fetch(`/_sleep?ms=${CACHE_WAIT_MS}`);
    const second = await put();
    if (!second.ok) return { verdict: "blocked", detail: `second call: ${second.error}` };
    const { count } = await (await fetch(`/_preflights?path=${encodeURIComponent(path)}`)).json();
    const verdict = count === 1 ? "cached" : "not cached";
    return { verdict, detail: `${count} preflight(s) for 2 calls` };
  }],
  ["unlisted-origin", "GET /api/items from a frame on http://evil.localhost",
    () => probe("unlisted-origin", "evil.localhost")],
  ["subdomain-origin", "GET /api/items from a frame on http://sub.app.localhost",
    () => probe("subdomain-origin", "sub.app.localhost")],
  ["bare-domain-origin", "GET /api/items from a frame on http://app.localhost",
    () => probe("bare-domain-origin", "app.localhost")],
  ["private-network", "GET /api/items from a frame in the public address space", async () => {
    const result = await probe("private-network", location.hostname, "&public=1");
    const { private_network } = await (await fetch("/_preflights")).json();
    result.detail += `; private-network preflights seen by the server: ${private_network}`;
    return result;
  }],
];

function show(name, request) {
  const row = document.createElement("tr");
  row.dataset.case = name;
  row.innerHTML = '<td class="name"></td><td class="request"></td>' +
    '<td><span class="verdict running">running</span></td><td class="detail"></td>';
  row.querySelector(".name").textContent = name;
  row.querySelector(".request").textContent = request;
  document.getElementById("rows").appendChild(row);
  return row;
}

function settle(row, name, outcome) {
  state.results[name] = outcome;
  row.dataset.verdict = outcome.verdict;
  const badge = row.querySelector(".verdict");
  badge.textContent = outcome.verdict;
  badge.className = "verdict " + outcome.verdict.replace(/[^a-z]+/g, "-");
  row.querySelector(".detail").textContent = outcome.detail;
}

async function runAll() {
  await Promise.all(CASES.map(async ([name, request, run]) => {
    const row = show(name, request);
    let outcome;
    try {
      outcome = await run();
    } catch (error) {
      outcome = { verdict: "error", detail: String(error) };
    }
    settle(row, name, outcome);
  }));
  state.done = true;
  document.documentElement.dataset.done = "true";
  document.getElementById("status").textContent = `All ${CASES.length} cases settled.`;
}

runAll();
