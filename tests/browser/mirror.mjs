// Browser test: a copy of the site works anywhere and loads nothing from
// elsewhere.
//
//   node mirror.mjs TAMIZDAT
//
// Builds the demo, copies its public/ folder, and in Debian's Chromium:
//  - opens the copy from disk (file://) and follows links as a reader
//    would: root -> English home -> an article -> its section through the
//    breadcrumb -> back to the article -> the language switch -> that
//    language's home through the masthead -> the root; every step must
//    land on a page of the copy (a folder link or a root-relative one
//    lands on an error page from file://);
//  - does the same on a copy served under a path prefix
//    (http://127.0.0.1:PORT/some/prefix/), where every request must stay
//    under the prefix and be answered 200;
//  - loads a sample of pages of every kind over HTTP with the network log
//    on: no request may go to another origin (they are blocked and
//    counted).
// A canary page with an image from elsewhere must be caught, so that the
// harness cannot pass by seeing nothing.  Screenshots go to tests/artifacts/.
//
// Exit status: 0 all good, 1 failures, 77 (skip) without playwright-core.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tz = process.argv[2];
const PREFIX = '/some/prefix/';
if (!tz) {
	console.error('usage: node mirror.mjs TAMIZDAT');
	process.exit(2);
}

let chromium;
try {
	({ chromium } = await import('playwright-core'));
} catch {
	console.error('mirror.mjs: playwright-core missing; run "npm ci" in tests/browser (skipping)');
	process.exit(77);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-mirror-browser-'));
const artifacts = path.join(here, '..', 'artifacts');
fs.mkdirSync(artifacts, { recursive: true });
let failures = 0;
let passes = 0;
const fail = (m) => {
	console.log(`FAIL ${m}`);
	failures++;
};
const ok = () => passes++;

const r = spawnSync(tz, ['-q', 'demo', path.join(work, 'site'), '--no-serve'], { stdio: 'inherit' });
if (r.status !== 0) {
	console.error('mirror.mjs: tamizdat demo failed');
	process.exit(1);
}
const copy = path.join(work, 'copy');
fs.cpSync(path.join(work, 'site', 'public'), copy, { recursive: true });
// The canary: a page of the copy that loads an image from elsewhere.
fs.writeFileSync(path.join(copy, 'canary.html'),
	'<!DOCTYPE html><html lang="en"><title>canary</title><img src="https://example.invalid/x.png" alt="">');

// A static server for the copy under PREFIX, nothing else.
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.xml': 'application/xml',
	'.json': 'application/json', '.txt': 'text/plain' };
const served = [];
const server = http.createServer((req, res) => {
	const u = new URL(req.url, 'http://x');
	served.push(u.pathname);
	if (!u.pathname.startsWith(PREFIX)) {
		res.writeHead(404).end('outside the prefix');
		return;
	}
	const rel = decodeURIComponent(u.pathname.slice(PREFIX.length));
	const file = path.join(copy, rel);
	if (rel.includes('..') || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
		res.writeHead(404).end('not found');
		return;
	}
	res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
	res.end(fs.readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-mirror-profile-'));
const context = await chromium.launchPersistentContext(profile, {
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync',
		'--allow-file-access-from-files'],
});
// Every request is logged; anything not from the copy is blocked and counted.
let external = [];
let requests = [];
await context.route('**/*', (route) => {
	const u = new URL(route.request().url());
	requests.push(u.href);
	if (u.protocol === 'file:' || u.protocol === 'data:' || u.origin === origin) {
		route.continue();
	} else {
		external.push(u.href);
		route.abort();
	}
});
const bad = [];
context.on('response', (resp) => {
	if (resp.status() >= 400)
		bad.push(`${resp.status()} ${resp.url()}`);
});
const page = await context.newPage();

// Follows a link and checks where it lands.  Returns the new URL or null.
async function follow(label, base, selector, check) {
	const link = page.locator(selector).first();
	if (await link.count() === 0) {
		fail(`${label}: no link ${selector} on ${page.url()}`);
		return null;
	}
	await Promise.all([page.waitForLoadState('load'), link.click()]);
	await page.waitForLoadState('load');
	const url = page.url();
	if (!url.startsWith(base) || !url.endsWith('.html')) {
		fail(`${label}: ${selector} led to ${url}, outside the copy or to a folder`);
		return null;
	}
	if (await page.locator('main').count() === 0) {
		fail(`${label}: ${url} is not a page of the site`);
		return null;
	}
	if (check) {
		const why = await check();
		if (why) {
			fail(`${label}: ${why} at ${url}`);
			return null;
		}
	}
	ok();
	return url;
}

const lang = () => page.evaluate(() => document.documentElement.lang);
const ogType = () => page.evaluate(() =>
	document.querySelector('meta[property="og:type"]')?.getAttribute('content') || '');

async function walk(label, base) {
	await page.goto(base + 'index.html');
	if (await page.locator('main').count() === 0) {
		fail(`${label}: root page did not load`);
		return;
	}
	ok();
	await follow(`${label} language home`, base, 'nav.languages a[hreflang="en"]',
		async () => (await lang()) === 'en' ? null : 'not the English home');
	const article = await follow(`${label} article`, base, 'main h3 a',
		async () => (await ogType()) === 'article' ? null : 'not an article');
	if (!article)
		return;
	const title = (await page.locator('main h1').first().textContent()).trim();
	await page.screenshot({ path: path.join(artifacts, `mirror-${label}-article.png`) });
	const crumbs = await page.locator('nav.breadcrumb a').count();
	await follow(`${label} breadcrumb`, base, `nav.breadcrumb li:nth-child(${crumbs}) a`,
		async () => (await page.locator('main h3 a', { hasText: title }).count()) ? null
			: 'the section does not list the article');
	await follow(`${label} back to the article`, base, `main h3 a >> text="${title}"`,
		async () => page.url() === article ? null : `not the same article (${page.url()})`);
	await follow(`${label} language switch`, base, 'nav.languages a[hreflang="ru"]',
		async () => (await lang()) === 'ru' ? null : 'not Russian');
	await follow(`${label} masthead home`, base, '.brand a',
		async () => page.url() === base + 'ru/index.html' ? null : 'not the Russian home');
	await follow(`${label} language switch again`, base, 'nav.languages a[hreflang="fr"]',
		async () => (await lang()) === 'fr' ? null : 'not French');
}

try {
	// 1. From disk.
	const fileBase = pathToFileURL(copy).href + '/';
	await walk('file', fileBase);
	const nonFile = requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'));
	if (nonFile.length)
		fail(`from file://, requests left the disk: ${nonFile.slice(0, 5).join(', ')}`);
	else
		ok();

	// 2. Under a path prefix.
	requests = [];
	bad.length = 0;
	const httpBase = origin + PREFIX;
	await walk('prefix', httpBase);
	const outside = served.filter((p) => !p.startsWith(PREFIX));
	if (outside.length || bad.length)
		fail(`under a prefix: requests outside it: ${outside.join(', ')}; errors: ${bad.join(', ')}`);
	else
		ok();

	// 3. A sample of pages of every kind, network log on.
	const sample = ['index.html', 'en/index.html', 'ru/index.html', 'fr/index.html', 'uk/index.html',
		'en/authors/index.html', 'uk/tags/index.html', '404.html', 'ru/404.html'];
	const find = (dir, pred, n) => {
		const out = [];
		const walkDir = (d) => {
			for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1)) {
				if (out.length >= n)
					return;
				const p = path.join(d, e.name);
				if (e.isDirectory())
					walkDir(p);
				else if (e.name === 'index.html' && pred(path.relative(copy, p), p))
					out.push(path.relative(copy, p));
			}
		};
		walkDir(path.join(copy, dir));
		return out;
	};
	const isArticle = (rel, p) => fs.readFileSync(p, 'utf8').includes('og:type" content="article');
	for (const l of ['en', 'fr', 'ru', 'uk'])
		sample.push(...find(l, isArticle, 4));
	sample.push(...find('en', (rel) => rel.includes('/page/'), 2));
	sample.push(...find('fr', (rel) => rel.includes('/authors/'), 2));
	sample.push(...find('ru', (rel) => rel.includes('/tags/'), 2));
	sample.push(...find('uk', (rel) => rel.split('/').length > 4 && !rel.includes('/page/'), 3));
	external = [];
	for (const s of sample) {
		const resp = await page.goto(httpBase + s);
		if (!resp || (resp.status() !== 200 && !s.endsWith('404.html')))
			fail(`sample ${s}: HTTP ${resp && resp.status()}`);
	}
	if (external.length)
		fail(`pages requested other origins: ${external.slice(0, 5).join(', ')}`);
	else
		ok();
	console.log(`network log: ${sample.length} pages, ${requests.length} requests, ` +
		`${external.length} to other origins`);

	// 4. The canary: the check must see a request to elsewhere.
	external = [];
	await page.goto(httpBase + 'canary.html');
	await page.waitForTimeout(200);
	if (external.length === 0)
		fail('canary: an image from elsewhere was not caught (harness broken?)');
	else
		ok();
} finally {
	await context.close().catch(() => {});
	server.close();
	fs.rmSync(profile, { recursive: true, force: true });
	fs.rmSync(work, { recursive: true, force: true });
}
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
