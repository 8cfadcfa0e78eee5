// Drives the schema catalog site (`avrokit docs`) in headless Chromium through
// playwright-core: opens index.html from disk (file://), fails on any console error,
// page error or failed request, follows every link of every page (each target exists,
// renders a heading and has the anchor the link names), checks the graph has a node
// per topic, searches and follows results (by click and by Enter), checks a type's
// version history, and saves screenshots.
//
// node check_site.mjs SITE_DIR ARTIFACT_DIR PLAYWRIGHT_DIR
// Environment: CHROMIUM (the browser binary, default /usr/bin/chromium); EXPECT_HISTORY=1
// to require the seed's history (TelescopeCommand gained `priority`, compatible).

import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [siteDir, artifactDir, playwrightDir] = process.argv.slice(2);
if (!siteDir || !artifactDir || !playwrightDir) {
  console.error("usage: node check_site.mjs SITE_DIR ARTIFACT_DIR PLAYWRIGHT_DIR");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(playwrightDir), "package.json"));
const { chromium } = require("playwright-core");

const problems = [];
const fail = (message) => problems.push(message);
const pageUrl = (relative) => pathToFileURL(path.join(path.resolve(siteDir), relative)).href;
const withoutHash = (url) => url.split("#")[0];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme: "light" });
const page = await context.newPage();
page.setDefaultTimeout(15000);
page.on("console", (message) => {
  if (message.type() === "error") {
    fail(`console ${message.type()} on ${page.url()}: ${message.text()}`);
  }
});
page.on("pageerror", (error) => fail(`page error on ${page.url()}: ${error.message}`));
page.on("requestfailed", (request) => fail(`request failed: ${request.url()} (${request.failure()?.errorText})`));

// 1. Crawl every page reachable from index.html.
const start = pageUrl("index.html");
const queue = [start];
const visited = new Set();
const ids = new Map(); // page → its element ids
const anchors = []; // [from, page, id]
let links = 0;
while (queue.length > 0) {
  const url = queue.shift();
  if (visited.has(url)) continue;
  visited.add(url);
  await page.goto(url, { waitUntil: "load" });
  const heading = page.locator("main h1").first();
  if (!(await heading.isVisible()) || !(await heading.textContent())?.trim()) {
    fail(`${url}: no visible heading`);
  }
  const found = await page.evaluate(() => ({
    links: Array.from(document.querySelectorAll("a[href]")).map((a) => new URL(a.getAttribute("href"), location.href).href),
    ids: Array.from(document.querySelectorAll("[id]")).map((e) => e.id),
    searchLoaded: Array.isArray(window.AVROKIT_SEARCH) && window.AVROKIT_SEARCH.length > 0,
    styled: getComputedStyle(document.querySelector("header.top")).position === "sticky",
  }));
  if (!found.searchLoaded) fail(`${url}: the search index did not load`);
  if (!found.styled) fail(`${url}: the stylesheet did not apply`);
  ids.set(url, new Set(found.ids));
  for (const link of found.links) {
    links += 1;
    const target = new URL(link);
    if (target.protocol !== "file:") {
      fail(`${url}: external link ${link}`);
      continue;
    }
    const file = fileURLToPath(withoutHash(target.href));
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      fail(`${url}: link ${link} points at a missing file`);
      continue;
    }
    if (target.hash.length > 1) anchors.push([url, withoutHash(target.href), decodeURIComponent(target.hash.slice(1))]);
    if (!visited.has(withoutHash(target.href))) queue.push(withoutHash(target.href));
  }
}
for (const [from, target, id] of anchors) {
  if (!ids.get(target)?.has(id)) fail(`${from}: link to ${target}#${id}, which has no such id`);
}
// Every page of the site is reachable.
const pagesOnDisk = [];
for (const dir of ["", "topic", "type", "table"]) {
  const full = path.join(siteDir, dir);
  if (!fs.existsSync(full)) continue;
  for (const name of fs.readdirSync(full)) {
    if (name.endsWith(".html")) pagesOnDisk.push(pageUrl(path.join(dir, name)));
  }
}
for (const url of pagesOnDisk) {
  if (!visited.has(url)) fail(`${url} is not reachable from index.html`);
}

// 2. The graph: a node per topic, each a link to the topic's page.
await page.goto(start);
const topics = fs.readdirSync(path.join(siteDir, "topic")).filter((n) => n.endsWith(".html")).map((n) => n.slice(0, -5));
const nodes = await page.$$eval("svg.graph a.node.topic", (all) =>
  all.map((a) => {
    const box = a.getBBox();
    return { name: a.getAttribute("data-name"), href: a.getAttribute("href"), box: { width: box.width, height: box.height } };
  }),
);
for (const topic of topics) {
  const node = nodes.find((n) => n.name === topic);
  if (!node) fail(`the graph has no node for topic ${topic}`);
  else if (node.href !== `topic/${topic}.html`) fail(`the graph node of ${topic} links to ${node.href}`);
  else if (!(node.box.width > 0 && node.box.height > 0)) fail(`the graph node of ${topic} is not drawn`);
}
if (nodes.length !== topics.length) fail(`the graph has ${nodes.length} topic nodes for ${topics.length} topics`);
const graphCounts = await page.$$eval("svg.graph", ([svg]) => ({
  types: svg.querySelectorAll("a.node.record, a.node.enum, a.node.fixed").length,
  tables: svg.querySelectorAll("a.node.table").length,
  edges: svg.querySelectorAll("path.edge").length,
}));
if (graphCounts.types === 0 || graphCounts.tables === 0 || graphCounts.edges === 0) {
  fail(`the graph is missing types, tables or edges: ${JSON.stringify(graphCounts)}`);
}
// Clicking a node opens its page.
await Promise.all([page.waitForURL("**/topic/telescope.commands.html"), page.click('svg.graph a.node[data-name="telescope.commands"]')]);
await page.screenshot({ path: path.join(artifactDir, "docs-site-topic.png"), fullPage: true });

// 3. Search: from the index (root "") and from a page one directory down ("../").
await page.goto(start);
await page.screenshot({ path: path.join(artifactDir, "docs-site.png"), fullPage: true });
async function search(query) {
  await page.fill("#search", "");
  await page.click("#search");
  await page.keyboard.type(query);
  await page.waitForSelector("#search-results:not([hidden])");
  return page.$$eval("#search-results a.result", (all) =>
    all.map((a) => ({ href: a.getAttribute("href"), text: a.textContent, kind: a.getAttribute("data-kind") })),
  );
}
let results = await search("priority");
const priority = results.find((r) => r.href === "type/astro.beam.TelescopeCommand.html#field-priority");
if (!priority || !priority.text.includes("TelescopeCommand.priority")) {
  fail(`searching "priority" does not offer TelescopeCommand.priority: ${JSON.stringify(results)}`);
}
await page.screenshot({ path: path.join(artifactDir, "docs-site-search.png") });
await Promise.all([
  page.waitForURL("**/type/astro.beam.TelescopeCommand.html#field-priority"),
  page.click('#search-results a.result[href="type/astro.beam.TelescopeCommand.html#field-priority"]'),
]);
const target = await page.evaluate(() => document.querySelector(":target")?.id);
if (target !== "field-priority") fail(`after the search, the targeted element is ${target}, not field-priority`);

// From a type page: links are relative to its directory.
results = await search("raw_access");
const table = results.find((r) => r.kind === "table");
if (!table || table.href !== "../table/raw_access_events.html") {
  fail(`searching "raw_access" from a type page does not offer the table: ${JSON.stringify(results)}`);
}
results = await search("fail");
if (!results.some((r) => r.kind === "symbol" && r.text.includes("AccessEventType.fail"))) {
  fail(`searching "fail" does not offer the enum symbol: ${JSON.stringify(results)}`);
}
// Enter opens the best result: the exact topic name.
await search("telescope.commands");
await Promise.all([page.waitForURL("**/topic/telescope.commands.html"), page.keyboard.press("Enter")]);
results = await search("zzzz-nothing");
if (results.length !== 0 || !(await page.textContent("#search-results")).includes("Nothing named like")) {
  fail("a search without results does not say so");
}

// 4. A type page: fields, history with verdicts.
await page.goto(pageUrl("type/astro.beam.TelescopeCommand.html"));
const fields = await page.$$eval("table.fields tbody tr", (rows) => rows.map((r) => r.id));
if (!fields.includes("field-priority") || !fields.includes("field-command_id")) {
  fail(`TelescopeCommand's fields table lacks rows: ${fields}`);
}
const history = await page.$$eval("table.history tbody tr", (rows) =>
  rows.map((r) => ({ subject: r.cells[2].textContent, verdict: r.querySelector(".verdict")?.textContent })),
);
if (process.env.EXPECT_HISTORY === "1") {
  const change = history.find((h) => h.subject.includes("priority"));
  if (!change || change.verdict !== "compatible") {
    fail(`TelescopeCommand's history lacks the compatible priority change: ${JSON.stringify(history)}`);
  }
  if (!history.some((h) => h.verdict === "added")) fail(`TelescopeCommand's history lacks its first version`);
}
await page.screenshot({ path: path.join(artifactDir, "docs-site-type.png"), fullPage: true });

await browser.close();
const summary = { pages: visited.size, links, anchors: anchors.length, topicNodes: nodes.length, history: history.length };
if (problems.length > 0) {
  console.error(`${problems.length} problem(s):`);
  for (const problem of problems) console.error(`  ${problem}`);
  console.error(JSON.stringify(summary));
  process.exit(1);
}
console.log(JSON.stringify(summary));
