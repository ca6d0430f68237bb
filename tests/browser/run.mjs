// Browser tests of the web UI: `storyline serve` on the sample corpus, driven by headless
// Chromium (Debian /usr/bin/chromium through playwright-core). Asserts what a person sees;
// screenshots go to target/screenshots/.
//
//   node tests/browser/run.mjs            (after `cargo build -p storyline-cli`)
//   STORYLINE_BIN=path/to/storyline CHROMIUM=/usr/bin/chromium node tests/browser/run.mjs

import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = process.env.STORYLINE_BIN || join(root, "target/debug/storyline");
const chromePath = process.env.CHROMIUM || "/usr/bin/chromium";
const shots = join(root, "target/screenshots");
mkdirSync(shots, { recursive: true });
const TOKEN = "browser-test-token";

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on("error", fail);
  });
}

async function waitFor(url, ms = 60000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not answer ${url}`);
}

async function settled(base) {
  for (let i = 0; i < 200; i++) {
    const h = await (await fetch(`${base}/api/health`)).json();
    if (h.articles === h.snapshot_articles) return h;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("stories were not recomputed");
}

const dir = mkdtempSync(join(tmpdir(), "storyline-browser-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(
  bin,
  ["serve", "--store", join(dir, "store"), "--addr", `127.0.0.1:${port}`, "--ingest", join(root, "examples/sample")],
  { env: { ...process.env, STORYLINE_TOKEN: TOKEN }, stdio: ["ignore", "inherit", "inherit"] },
);
let browser;
let failed = false;
const step = async (name, f) => {
  process.stdout.write(`browser: ${name} ... `);
  await f();
  console.log("ok");
};

try {
  await waitFor(`${base}/api/health`);
  await settled(base);

  // A hostile article: scripts, event handlers, javascript: links in every field.
  const hostile = {
    id: "hostile-article",
    title: "Pwned headline <script>window.__pwned = 1; alert('title')</script><img src=x onerror=\"window.__pwned=2\">",
    text:
      "Valeport harbour hostile test. <script>window.__pwned = 3</script> " +
      "<img src=x onerror=\"window.__pwned=4; alert('img')\"> <a href=\"javascript:window.__pwned=5\">click me</a> " +
      "<svg onload=\"window.__pwned=6\"></svg> <iframe srcdoc=\"<script>parent.__pwned=7</script>\"></iframe>",
    url: "javascript:window.__pwned=8",
    source: "<b onmouseover=\"window.__pwned=9\">Evil Wire</b>",
    author: "\"><script>window.__pwned=10</script>",
    published: "2025-03-20T10:00:00Z",
  };
  const post = await fetch(`${base}/api/articles`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(hostile),
  });
  assert.equal(post.status, 201);
  await settled(base);

  browser = await chromium.launch({
    executablePath: chromePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const dialogs = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));

  await step("story list", async () => {
    await page.goto(`${base}/`);
    assert.equal(await page.locator("h1").innerText(), "Stories");
    const items = page.locator("#stories li.story");
    assert.ok((await items.count()) >= 9, "at least the 9 sample stories");
    await page.getByRole("link", { name: "Valeport dockworkers walk out in pay and automation dispute" }).waitFor();
    await page.screenshot({ path: join(shots, "01-stories.png"), fullPage: true });
  });

  await step("open a story", async () => {
    await page.getByRole("link", { name: "Valeport dockworkers walk out in pay and automation dispute" }).click();
    await page.waitForURL(/\/stories\//);
    assert.equal(await page.locator("h1").innerText(), "Valeport dockworkers walk out in pay and automation dispute");
    const summary = await page.locator("p.summary").innerText();
    assert.match(summary, /^7 articles, 5 originals/);
    assert.ok(await page.getByText("Sources by lineage").isVisible());
    // The Harbor Daily page is shown as an exact copy of the wire story, under it.
    const copyItem = page.locator("ul.copies li", { hasText: "Port at a standstill as 2,300 dockers strike" });
    assert.match(await copyItem.innerText(), /exact copy of Valeport dockworkers walk out/);
    await page.screenshot({ path: join(shots, "02-story.png"), fullPage: true });
  });

  await step("follow a copy to its original", async () => {
    await page.locator("ul.copies").getByRole("link", { name: "Port at a standstill as 2,300 dockers strike" }).click();
    await page.waitForURL(/\/articles\/hd-port-strike-walkout$/);
    assert.match(await page.locator("p.copy-note").innerText(), /This article is an exact copy of Valeport dockworkers/);
    assert.ok((await page.locator("mark.copied").count()) > 3, "copied passages highlighted");
    assert.ok(await page.locator(".side-by-side .original-text").isVisible());
    await page.screenshot({ path: join(shots, "03-copy-side-by-side.png"), fullPage: true });
    await page.locator("p.copy-note a.original-link").click();
    await page.waitForURL(/\/articles\/cp-port-strike-walkout$/);
    assert.equal(await page.locator("h1").innerText(), "Valeport dockworkers walk out in pay and automation dispute");
    assert.match(await page.locator("p.meta").innerText(), /Continental Press/);
    assert.match(await page.locator("p.copies-note").innerText(), /Copied by: .*Port at a standstill/);
    await page.screenshot({ path: join(shots, "04-original.png"), fullPage: true });
  });

  await step("search", async () => {
    await page.getByRole("searchbox", { name: "Search" }).fill("wildfire evacuation");
    await page.getByRole("searchbox", { name: "Search" }).press("Enter");
    await page.waitForURL(/\?q=wildfire/);
    assert.match(await page.locator("h1").innerText(), /Stories matching .wildfire evacuation./);
    const first = await page.locator("#stories li.story a").first().innerText();
    assert.match(first, /Wildfire/);
    await page.screenshot({ path: join(shots, "05-search.png"), fullPage: true });
  });

  await step("hostile article runs nothing", async () => {
    for (const path of ["/", "/?q=hostile", "/articles/hostile-article"]) {
      await page.goto(`${base}${path}`);
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => typeof window.__pwned), "undefined", `${path}: script ran`);
    }
    // Its text is shown as text.
    assert.equal(
      await page.locator("h1").innerText(),
      "Pwned headline <script>window.__pwned = 1; alert('title')</script><img src=x onerror=\"window.__pwned=2\">",
    );
    assert.match(await page.locator("section.text").innerText(), /<img src=x onerror=/);
    assert.equal(await page.locator("main img, main svg, main iframe, main script").count(), 0);
    // The javascript: URL is not a link.
    assert.equal(await page.locator("a[href^='javascript:' i]").count(), 0);
    await page.screenshot({ path: join(shots, "06-hostile-article.png"), fullPage: true });
    // Its story page too; hovering the source does nothing.
    await page.locator("a.story-link").click();
    await page.waitForURL(/\/stories\//);
    await page.getByText("Evil Wire").first().hover();
    assert.equal(await page.evaluate(() => typeof window.__pwned), "undefined");
    await page.screenshot({ path: join(shots, "07-hostile-story.png"), fullPage: true });
    assert.deepEqual(dialogs, [], "no dialog fired");
  });

  await step("the story list updates by itself", async () => {
    await page.goto(`${base}/`);
    const title = "Lighthouse keepers of Valeport reopen the old tower";
    assert.equal(await page.getByText(title).count(), 0);
    const r = await fetch(`${base}/api/articles`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        id: "live-lighthouse",
        title,
        text: "The lighthouse keepers association reopened the old tower on the northern pier to visitors after a two year restoration funded by local donations.",
        source: "Live Wire",
        published: "2025-03-21T09:00:00Z",
      }),
    });
    assert.equal(r.status, 201);
    await page.getByText(title).waitFor({ timeout: 15000 });
    await page.screenshot({ path: join(shots, "08-live-update.png"), fullPage: true });
  });

  assert.deepEqual(pageErrors, [], "no script errors");
  console.log(`browser: all passed; screenshots in ${shots}`);
} catch (e) {
  failed = true;
  console.error("\nbrowser: FAILED:", e);
} finally {
  if (browser) await browser.close().catch(() => {});
  server.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
