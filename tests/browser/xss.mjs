// Browser harness for the HTML sanitizer (src/text/sanitize.c).
//
//   node xss.mjs SAN_DUMP [--raw] [--only N]
//
// Every payload of testdata/xss (DOMPurify fixtures, HTML5 Security
// Cheatsheet vectors) and every seed of tests/fuzz/corpus/sanitize goes
// through SAN_DUMP (the sanitizer); each output is served as its own page
// from a loopback HTTP server and loaded in Debian's Chromium.  Any of these
// counts as a failure: a call to alert/confirm/prompt/print or __xss, a
// dialog, a script error, a navigation away from the page, a frame or popup,
// a request for anything but the page (same-site images excepted: the
// sanitizer keeps <img src="/relative">), or an element or attribute in
// Chromium's own parse of the page that the allowlist does not have.  Pages
// are hovered, focused, clicked (links to http/https/mailto are not
// followed), their <details> opened, and given time for timers.
//
// Canary pages holding raw, unsanitised attacks must trip the traps, so the
// harness cannot pass by seeing nothing.  --raw also loads every payload
// unsanitised and reports how many run script in this Chromium.
//
// Exit status: 0 all clean, 1 findings, 77 (skip) without playwright-core.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const shared = process.env.TZ_SHARED || path.join(here, '..', '..', '..', 'shared');
const args = process.argv.slice(2);
const sanDump = args[0];
const withRaw = args.includes('--raw');
const only = args.includes('--only') ? Number(args[args.indexOf('--only') + 1]) : null;
const CONCURRENCY = 2;
const SETTLE_MS = 150;

if (!sanDump) {
	console.error('usage: node xss.mjs SAN_DUMP [--raw] [--only N]');
	process.exit(2);
}

let chromium;
try {
	({ chromium } = await import('playwright-core'));
} catch {
	console.error('xss.mjs: playwright-core missing; run "npm ci" in tests/browser (skipping)');
	process.exit(77);
}

// -- Payloads ---------------------------------------------------------------

function loadPayloads() {
	const items = [];
	const dp = JSON.parse(fs.readFileSync(path.join(shared, 'testdata/xss/dompurify/expect.json'), 'utf8'));
	dp.forEach((t, i) => items.push({ label: `dompurify #${i}`, html: t.payload }));
	const h5 = JSON.parse(fs.readFileSync(path.join(shared, 'testdata/xss/h5sc/vectors.json'), 'utf8'));
	h5.forEach((v) => items.push({ label: `h5sc id ${v.id}`, html: v.vector }));
	const corpus = path.join(here, '..', 'fuzz', 'corpus', 'sanitize');
	if (fs.existsSync(corpus))
		for (const f of fs.readdirSync(corpus).sort())
			items.push({ label: `corpus ${f}`, html: fs.readFileSync(path.join(corpus, f), 'utf8') });
	return items;
}

function sanitize(htmls) {
	const r = spawnSync(sanDump, [], { input: JSON.stringify(htmls), maxBuffer: 1 << 28 });
	if (r.status !== 0)
		throw new Error(`san_dump failed (${r.status}): ${r.stderr}`);
	const out = JSON.parse(r.stdout.toString('utf8'));
	if (out.length !== htmls.length)
		throw new Error('san_dump returned the wrong number of outputs');
	return out;
}

// Raw attacks that must be caught: proof that the traps work.
// Raw attacks that must be caught, each by the channel named in expect (a
// navigation shows as a request for a document, which is aborted):
// proof that the traps, the event simulation and the audits work.
const CANARIES = [
	{ label: 'canary onerror', expect: 'trap alert', html: '<img src=x onerror=alert(1)>' },
	{ label: 'canary script', expect: 'trap __xss', html: '<script>__xss(1)</script>' },
	{ label: 'canary javascript link', expect: 'trap alert', html: '<a href="javascript:alert(1)">click</a>' },
	{ label: 'canary hover', expect: 'trap confirm', html: '<b onmouseover=confirm(1)>hover me</b>' },
	{ label: 'canary timer', expect: 'trap prompt', html: '<svg><script>setTimeout(()=>prompt(1),50)</script></svg>' },
	{ label: 'canary request', expect: 'request stylesheet', html: '<link rel=stylesheet href="https://evil.example/x.css">' },
	{ label: 'canary iframe', expect: 'frame attached', html: '<iframe src="data:text/html,hi"></iframe>' },
	{ label: 'canary style attribute', expect: 'dom: attribute style', html: '<p style="color:red">x</p>' },
	{ label: 'canary meta refresh', expect: 'request document', html: '<meta http-equiv=refresh content="0;url=/elsewhere">' },
];

// -- The page ---------------------------------------------------------------

function page(html, n) {
	return '<!doctype html><html><head><meta charset="utf-8">' +
		'<link rel="icon" href="data:,"><title>xss ' + n + '</title></head>' +
		'<body><article id="tz-content">' + html + '</article></body></html>';
}

// Installed before anything on the page runs.
const TRAPS = `(() => {
	const report = (kind, args) => {
		const msg = kind + '(' + Array.from(args).map(String).join(',').slice(0, 200) + ')';
		try { console.error('__TZXSS__ ' + msg); } catch (e) {}
	};
	for (const name of ['alert', 'confirm', 'prompt', 'print']) {
		const f = function () { report(name, arguments); };
		try { Object.defineProperty(window, name, { value: f, writable: false, configurable: false }); }
		catch (e) { window[name] = f; }
	}
	window.__xss = function () { report('__xss', arguments); };
	// Following an ordinary link is not an attack: keep the page.
	document.addEventListener('click', (ev) => {
		const a = ev.target && ev.target.closest ? ev.target.closest('a[href]') : null;
		if (a && /^(https?|mailto):$/.test(a.protocol))
			ev.preventDefault();
	}, true);
})();`;

// What Chromium's own parse of the content may hold (mirrors sanitize.c).
const AUDIT = (root) => {
	const tags = new Set(('p br hr h1 h2 h3 h4 h5 h6 blockquote q cite pre code kbd samp var em ' +
		'strong b i u s del ins mark small sub sup abbr dfn time ul ol li dl dt dd a img figure ' +
		'figcaption table caption thead tbody tfoot tr th td colgroup col span div section article ' +
		'aside header footer details summary ruby rt rp bdi bdo wbr').split(' '));
	const attrs = new Set(('title lang dir id href hreflang rel src alt width height loading cite ' +
		'datetime colspan rowspan headers scope abbr start reversed type value span open').split(' '));
	const bad = [];
	for (const el of root.querySelectorAll('*')) {
		const tag = el.localName;
		if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml' || !tags.has(tag))
			bad.push('element ' + tag);
		for (const a of el.attributes)
			if (!attrs.has(a.name) || a.name.startsWith('on'))
				bad.push('attribute ' + a.name + ' on ' + tag);
		if (tag === 'a' && el.hasAttribute('href') && !/^(https?|mailto):$/.test(el.protocol))
			bad.push('link protocol ' + el.protocol);
		if (tag === 'img' && new URL(el.src).origin !== location.origin)
			bad.push('image from ' + el.src.slice(0, 80));
	}
	const walker = document.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
	if (walker.nextNode())
		bad.push('comment node');
	return bad;
};

// Hover, focus, click everything, open details, press keys.
const POKE = (root) => {
	const els = [root, ...root.querySelectorAll('*')];
	const types = ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'mousemove',
		'pointerdown', 'mousedown', 'focusin', 'pointerup', 'mouseup', 'dblclick', 'contextmenu',
		'mouseout', 'mouseleave', 'keydown', 'keypress', 'keyup', 'input', 'change', 'wheel',
		'dragstart', 'drag', 'dragend', 'copy', 'paste', 'animationstart', 'transitionend'];
	for (const el of els) {
		for (const t of types)
			try { el.dispatchEvent(new Event(t, { bubbles: true, cancelable: true })); } catch (e) {}
		try { el.focus(); el.blur(); } catch (e) {}
		try { el.click(); } catch (e) {}
		if (el.localName === 'details')
			el.open = !el.open;
	}
	return els.length;
};

// -- Running ----------------------------------------------------------------

function startServer(pages) {
	const server = http.createServer((req, res) => {
		const m = /^\/p\/(\d+)$/.exec(req.url);
		if (m && pages[Number(m[1])] !== undefined) {
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
			res.end(pages[Number(m[1])]);
		} else {
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('not found');
		}
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// One tab per worker, reused: opening a page costs more than loading one.
async function openTab(context, base) {
	const tab = { page: await context.newPage(), cur: null };
	const p = tab.page;
	const note = (what) => { if (tab.cur) tab.cur.findings.push(what); };

	p.on('dialog', (d) => { note(`dialog ${d.type()}: ${d.message().slice(0, 80)}`); d.dismiss().catch(() => {}); });
	p.on('pageerror', (e) => note(`script error: ${String(e.message).slice(0, 120)}`));
	p.on('console', (m) => { if (m.text().startsWith('__TZXSS__')) note(`trap ${m.text().slice(10)}`); });
	p.on('popup', (pp) => { note(`popup ${pp.url()}`); pp.close().catch(() => {}); });
	p.on('frameattached', (f) => note(`frame attached ${f.url()}`));
	p.on('framenavigated', (f) => {
		if (tab.cur && f === p.mainFrame() && f.url() !== tab.cur.url)
			note(`navigated to ${f.url().slice(0, 120)}`);
	});
	await p.route('**/*', (route) => {
		const r = route.request();
		if (tab.cur && r.url() === tab.cur.url && r.isNavigationRequest())
			return route.continue();
		if (tab.cur && r.resourceType() === 'image' && new URL(r.url()).origin === base)
			tab.cur.localImages++;
		else
			note(`request ${r.resourceType()} ${r.url().slice(0, 120)}`);
		return route.abort();
	});
	return tab;
}

async function visit(tab, base, n, item) {
	const p = tab.page;
	const cur = { url: `${base}/p/${n}`, findings: [], localImages: 0 };

	tab.cur = cur;
	try {
		await p.goto(cur.url, { waitUntil: 'load', timeout: 15000 });
		const bad = await p.evaluate(`(${AUDIT})(document.getElementById('tz-content'))`);
		for (const b of bad)
			cur.findings.push(`dom: ${b}`);
		await p.evaluate(`(${POKE})(document.getElementById('tz-content'))`);
		// Real pointer and keyboard too: hover element centres, tab around.
		const boxes = await p.evaluate(() => [...document.querySelectorAll('#tz-content *')]
			.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0)
			.slice(0, 20).map((r) => [r.x + r.width / 2, r.y + r.height / 2]));
		for (const [x, y] of boxes)
			await p.mouse.move(x, y);
		for (let i = 0; i < 3; i++)
			await p.keyboard.press('Tab');
		await p.waitForTimeout(SETTLE_MS);
		// Leave through a blank page so that late events still count here.
		cur.url = 'about:blank';
		await p.goto(cur.url);
	} catch (e) {
		cur.findings.push(`harness: ${String(e.message).split('\n')[0].slice(0, 160)}`);
	}
	tab.cur = null;
	return { label: item.label, findings: cur.findings, localImages: cur.localImages };
}

async function runAll(context, base, items, offset) {
	const results = new Array(items.length);
	let next = 0;
	async function worker() {
		const tab = await openTab(context, base);
		while (next < items.length) {
			const i = next++;
			results[i] = await visit(tab, base, offset + i, items[i]);
		}
		await tab.page.close().catch(() => {});
	}
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	return results;
}

async function main() {
	let items = loadPayloads();
	if (only !== null)
		items = [items[only]];
	const outputs = sanitize(items.map((i) => i.html));
	const sanitized = items.map((it, i) => ({ label: it.label, html: outputs[i] }));
	const raw = withRaw ? items.map((it) => ({ label: 'raw ' + it.label, html: it.html })) : [];
	const pages = [...CANARIES, ...sanitized, ...raw].map((it, i) => page(it.html, i));

	const server = await startServer(pages);
	const base = `http://127.0.0.1:${server.address().port}`;
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-xss-chromium-'));
	let context;
	let status = 0;
	const close = async () => {
		if (context)
			await context.close().catch(() => {});
		context = null;
		server.close();
		fs.rmSync(profile, { recursive: true, force: true });
	};
	for (const sig of ['SIGINT', 'SIGTERM'])
		process.on(sig, () => close().then(() => process.exit(1)));

	try {
		context = await chromium.launchPersistentContext(profile, {
			executablePath: '/usr/bin/chromium',
			headless: true,
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
				'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		await context.addInitScript(TRAPS);
		const t0 = Date.now();

		const canaries = await runAll(context, base, CANARIES, 0);
		let caught = 0;
		canaries.forEach((r, i) => {
			if (r.findings.some((f) => f.startsWith(CANARIES[i].expect))) {
				caught++;
			} else {
				console.log(`FAIL ${r.label}: no "${CANARIES[i].expect}" (harness broken?); ` +
					`saw: ${r.findings.join('; ') || 'nothing'}`);
				status = 1;
			}
		});
		console.log(`canaries: ${caught} of ${canaries.length} raw attacks caught by the expected check`);

		const results = await runAll(context, base, sanitized, CANARIES.length);
		let findings = 0, images = 0;
		for (const r of results) {
			images += r.localImages;
			if (r.findings.length === 0)
				continue;
			findings += r.findings.length;
			status = 1;
			console.log(`FAIL ${r.label}:\n  ${r.findings.join('\n  ')}`);
		}
		const count = (prefix) => results.filter((r) => r.label.startsWith(prefix)).length;
		console.log(`sanitized: ${results.length} pages (${count('dompurify')} DOMPurify, ` +
			`${count('h5sc')} H5SC, ${count('corpus')} corpus), ${findings} findings ` +
			`(dialogs, trap calls, script errors, navigations, frames, popups, foreign requests, ` +
			`DOM audit); ${images} same-site image requests`);

		if (withRaw) {
			const rr = await runAll(context, base, raw, CANARIES.length + sanitized.length);
			const fired = rr.filter((r) => r.findings.some((f) => !f.startsWith('dom:') &&
				!f.startsWith('request') && !f.startsWith('harness')));
			console.log(`raw (unsanitized, informational): ${fired.length} of ${rr.length} payloads ` +
				`run script or navigate in this Chromium; ` +
				`${rr.filter((r) => r.findings.length > 0).length} show some finding`);
		}
		console.log(`chromium ${context.browser()?.version() ?? ''}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	} finally {
		await close();
	}
	return status;
}

process.exitCode = await main();
