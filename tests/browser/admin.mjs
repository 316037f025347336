// Browser end-to-end test of the web admin (src/admin/), in Debian's Chromium.
//
//   node admin.mjs TAMIZDAT_BINARY
//
// Makes a site with three accounts (admin, editor, contributor), starts
// `tamizdat serve` on a free port and, as those three people in three
// browser contexts: logs in; creates sections; writes an article in
// Russian (as the contributor), previews it, proposes it and adds its
// Ukrainian translation; publishes both (as the editor); opens the public
// page and finds the breadcrumb and the link to the translation; schedules
// an article and sees it appear when the server publishes it; edits an
// article and restores an old revision; saves the site settings; adds a
// French-speaking editor limited to one section, who sets his password
// through the link and refuses a proposal; trashes and restores; and
// visits every other admin page.
// axe-core audits every admin page visited: any serious or critical
// violation fails the test.  A Content-Security-Policy report, a console
// error or a failed request for an admin asset fails it too.  Screenshots
// go to tests/artifacts/admin/.
//
// Exit status: 0 pass, 1 failures, 77 (skip) without playwright-core.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.argv[2];
const artifacts = path.join(here, '..', 'artifacts', 'admin');
const PW = 'correct horse battery';

if (!bin) {
	console.error('usage: node admin.mjs TAMIZDAT_BINARY');
	process.exit(2);
}
let chromium;
try {
	({ chromium } = await import('playwright-core'));
} catch {
	console.error('admin.mjs: playwright-core missing; run "npm ci" in tests/browser (skipping)');
	process.exit(77);
}
const axePath = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');
if (!fs.existsSync(axePath)) {
	console.error('admin.mjs: axe-core missing; run "npm ci" in tests/browser (skipping)');
	process.exit(77);
}
const axeSource = fs.readFileSync(axePath, 'utf8');

let passes = 0;
const failures = [];
const t0 = Date.now();
const ok = (what) => { passes++; console.log(`ok: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`); };
const bad = (what) => { failures.push(what); console.log(`FAIL: ${what}`); };
const check = (cond, what) => (cond ? ok(what) : bad(what));

function tz(args, input) {
	const r = spawnSync(bin, args, { input, encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`tamizdat ${args.join(' ')}: ${r.stderr}`);
	return r.stdout;
}

async function freePort() {
	return new Promise((resolve) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

// ---- the site and the server ----------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-admin-browser-'));
const site = path.join(tmp, 'site');
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
tz(['init', site, '--lang', 'en,ru,uk', '--base-url', `${base}/`]);
tz(['-q', '-C', site, 'user', 'add', 'boss@example.org', '--role', 'admin', '--name', 'Boss', '--password-stdin'], PW);
tz(['-q', '-C', site, 'user', 'add', 'ed@example.org', '--role', 'editor', '--name', 'Ed', '--password-stdin'], PW);
tz(['-q', '-C', site, 'user', 'add', 'cora@example.org', '--role', 'contributor', '--name', 'Cora', '--lang', 'ru', '--password-stdin'], PW);
const server = spawn(bin, ['-q', '-C', site, 'serve', '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
for (let i = 0; i < 100; i++) {
	try {
		if ((await fetch(`${base}/admin/login`)).ok)
			break;
	} catch { /* not yet */ }
	await new Promise((r) => setTimeout(r, 100));
}
fs.rmSync(artifacts, { recursive: true, force: true });
fs.mkdirSync(artifacts, { recursive: true });

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// ---- helpers -------------------------------------------------------------------

const audited = new Set();
let shot = 0;

async function person(label) {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	page.on('dialog', (d) => d.accept());
	page.on('console', (m) => {
		// Pages that refuse a form answer 4xx on purpose; Chromium logs that.
		if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4(00|03|04|09)/.test(m.text()))
			bad(`${label}: console error on ${page.url()}: ${m.text()}`);
	});
	page.on('requestfailed', (r) => {
		if (r.url().startsWith(`${base}/admin/`))
			bad(`${label}: request failed: ${r.url()}`);
	});
	page.on('response', (r) => {
		if (r.url().includes('/admin/static/') && r.status() !== 200)
			bad(`${label}: ${r.url()} answered ${r.status()}`);
	});
	return { context, page, label };
}

// Runs axe-core on the page; serious or critical violations fail.
async function audit(page, name) {
	const key = `${name}`;
	await page.evaluate(axeSource);
	const res = await page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
	});
	const grave = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	for (const v of res.filter((x) => !grave.includes(x)))
		console.log(`  axe (${v.impact}) on ${name}: ${v.id}: ${v.help}`);
	if (grave.length)
		bad(`axe on ${name}: ${grave.map((v) => `${v.id} (${v.impact}: ${v.help}) at ${v.nodes.join(', ')}`).join('; ')}`);
	else
		ok(`axe on ${name}: no serious or critical violation`);
	audited.add(key);
}

async function snap(page, name) {
	shot++;
	await page.screenshot({ path: path.join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

// Clicks what submits a form and waits for the page that answers.
async function submit(page, selector) {
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

async function go(page, p) {
	const r = await page.goto(`${base}${p}`, { waitUntil: 'load' });
	return r.status();
}

async function login(p, email) {
	await go(p.page, '/admin/login');
	await p.page.fill('#f-email', email);
	await p.page.fill('#f-password', PW);
	await submit(p.page, 'form[action="/admin/login"] button[type=submit]');
	check(new URL(p.page.url()).pathname === '/admin/', `${p.label} logs in`);
}

// The value of the option of a select whose label contains text.
async function optionValue(page, select, text) {
	return page.$eval(select, (s, t) => {
		const o = [...s.options].find((x) => x.textContent.includes(t));
		return o ? o.value : '';
	}, text);
}

function isoIn(seconds) {
	return new Date(Date.now() + seconds * 1000).toISOString().slice(0, 19);
}

// ---- the story ---------------------------------------------------------------------

try {
	const boss = await person('admin');
	const ed = await person('editor');
	const cora = await person('contributor');

	// Logging in, with a wrong password first.
	await go(boss.page, '/admin/');
	check(new URL(boss.page.url()).pathname === '/admin/login', 'the admin asks to log in');
	await audit(boss.page, 'login');
	await snap(boss.page, 'login');
	await boss.page.fill('#f-email', 'boss@example.org');
	await boss.page.fill('#f-password', 'not my password');
	await submit(boss.page, 'form[action="/admin/login"] button[type=submit]');
	check(await boss.page.isVisible('.errors'), 'a wrong password gets a message');
	await audit(boss.page, 'login with an error');
	const cookies = await boss.context.cookies();
	check(cookies.every((c) => c.name !== 'tz_admin'), 'no session after a wrong password');
	await login(boss, 'boss@example.org');
	const session = (await boss.context.cookies()).find((c) => c.name === 'tz_admin');
	check(session && session.httpOnly && session.sameSite === 'Strict', 'session cookie is HttpOnly, SameSite=Strict');
	check(!(await boss.page.evaluate(() => document.cookie)).includes('tz_admin'), 'scripts cannot read the session cookie');
	await audit(boss.page, 'dashboard');
	await snap(boss.page, 'dashboard');

	// Creating sections: Europe in Russian and in Ukrainian.
	await go(boss.page, '/admin/sections');
	await audit(boss.page, 'sections');
	for (const [root, title, slug] of [['(ru)', 'Европа', 'europe'], ['(uk)', 'Європа', 'europe']]) {
		await go(boss.page, '/admin/sections');
		await boss.page.selectOption('#f-parent', await optionValue(boss.page, '#f-parent', root));
		await boss.page.fill('#f-title', title);
		await boss.page.fill('#f-slug', slug);
		await boss.page.fill('#f-description', `${title}: статьи о регионе.`);
		await submit(boss.page, 'form[action="/admin/sections"] button[type=submit]');
		check(await boss.page.isVisible('.notice'), `section ${title} created`);
	}
	await audit(boss.page, 'section page');
	await snap(boss.page, 'section');
	// A move into its own subtree is refused with the form kept.
	await go(boss.page, '/admin/sections');
	await boss.page.selectOption('#f-parent', await optionValue(boss.page, '#f-parent', '(ru/europe)'));
	await boss.page.fill('#f-title', 'Восток');
	await boss.page.fill('#f-slug', 'east');
	await submit(boss.page, 'form[action="/admin/sections"] button[type=submit]');
	check(await boss.page.isVisible('.notice'), 'subsection created');
	await go(boss.page, '/admin/sections');
	const europeHref = await boss.page.$$eval('table.tree a', (as) => as.find((a) => a.textContent === 'Европа').getAttribute('href'));
	await go(boss.page, europeHref);
	await boss.page.selectOption('#f-parent', await optionValue(boss.page, '#f-parent', '(ru/europe/east)'));
	await submit(boss.page, `form[action="${europeHref}"] button[type=submit]`);
	check(await boss.page.isVisible('#e-parent'), 'a section cannot move into its own subtree');
	check(await boss.page.inputValue('#f-title') === 'Европа', 'the form keeps what was typed');
	await audit(boss.page, 'section with an error');
	await snap(boss.page, 'section-cycle');

	// The other admin pages.
	for (const [p, name] of [['/admin/users', 'users'], ['/admin/settings', 'settings'], ['/admin/authors', 'authors'], ['/admin/account', 'account']]) {
		check(await go(boss.page, p) === 200, `${name} page opens`);
		await audit(boss.page, name);
	}
	await snap(boss.page, 'settings');

	// Site settings: a new tagline, kept on the page after saving.
	await go(boss.page, '/admin/settings');
	await boss.page.fill('#f-tagline', 'Вести оттуда');
	await submit(boss.page, 'form[action="/admin/settings"] button[type=submit]');
	check(await boss.page.isVisible('.notice'), 'settings are saved');
	check(await boss.page.inputValue('#f-tagline') === 'Вести оттуда', 'the saved tagline shows');

	// A new account made in the users page: an editor limited to ru/europe,
	// in French, who sets a password through the one-time link.
	await go(boss.page, '/admin/users');
	await boss.page.fill('#f-email', 'fred@example.org');
	await boss.page.fill('#f-name', 'Fred');
	await boss.page.selectOption('#f-role', 'editor');
	await boss.page.selectOption('#f-ui_lang', 'fr');
	await boss.page.selectOption('#f-sections', await optionValue(boss.page, '#f-sections', 'ru/europe'));
	await submit(boss.page, 'form[action="/admin/users"] button[type=submit]');
	const link = await boss.page.inputValue('#f-link');
	check(link.startsWith(`${base}/admin/password?token=`), 'adding a user shows a set-password link');
	check((await boss.page.textContent('table')).includes('fred@example.org'), 'the new user is listed');
	await audit(boss.page, 'users with a link');
	const fred = await person('limited editor');
	await fred.page.goto(link, { waitUntil: 'load' });
	check((await fred.page.textContent('main')).includes('fred@example.org'), 'the link names the account');
	await audit(fred.page, 'set password');
	await fred.page.fill('#f-password', PW);
	await fred.page.fill('#f-password2', PW);
	await submit(fred.page, 'form[action="/admin/password"] button[type=submit]');
	check(new URL(fred.page.url()).pathname === '/admin/login', 'setting the password leads to the login page');
	await login(fred, 'fred@example.org');
	check((await fred.page.textContent('h1')).includes('Tableau de bord'), 'the new editor sees the admin in French');
	await audit(fred.page, 'dashboard (fr)');
	await snap(fred.page, 'dashboard-fr');
	await go(fred.page, '/admin/articles/new');
	const offered = await fred.page.$$eval('#f-section option', (os) => os.filter((o) => o.value).map((o) => o.textContent.trim()));
	check(offered.length > 0 && offered.every((t) => t.includes('(ru/europe')),
		`a limited editor is offered only his sections (${offered.join(' | ')})`);
	check(await go(fred.page, '/admin/users') === 403, 'a limited editor cannot open the users page');
	await audit(fred.page, 'forbidden (fr)');
	check(await go(fred.page, '/admin/settings') === 403, 'nor the settings');

	// The contributor writes in Russian, previews, proposes.
	await login(cora, 'cora@example.org');
	check((await cora.page.textContent('h1')).includes('Панель'), 'the contributor sees the admin in Russian');
	await go(cora.page, '/admin/articles/new');
	await audit(cora.page, 'new article');
	await cora.page.selectOption('#f-lang', 'ru');
	await cora.page.selectOption('#f-section', await optionValue(cora.page, '#f-section', '(ru/europe)'));
	await cora.page.fill('#f-surtitle', 'Репортаж');
	await cora.page.fill('#f-title', 'Зима в Харькове');
	await cora.page.fill('#f-subtitle', 'Как живёт город');
	await cora.page.fill('#f-lead', 'Город держится.');
	await cora.page.fill('#f-body', 'Первый абзац.\n\nВторой абзац с **выделением**.\n\n<script>alert(1)</script>');
	await cora.page.fill('#f-author-name-1', 'Анна Карова');
	await cora.page.fill('#f-tags', 'зима, город');
	await cora.page.fill('#f-first_published', '2026-03');
	await submit(cora.page, 'button[name=action][value=preview]');
	check(await cora.page.isVisible('.preview'), 'preview shows');
	check((await cora.page.innerHTML('.preview .body')).includes('<strong>выделением</strong>'), 'preview renders Markdown on the server');
	check(!(await cora.page.$('.preview script')), 'preview runs no script from the text');
	check(await cora.page.inputValue('#f-title') === 'Зима в Харькове', 'preview keeps the form');
	await audit(cora.page, 'preview');
	await snap(cora.page, 'preview');
	await submit(cora.page, 'button[name=action][value=save]');
	const article = new URL(cora.page.url()).pathname;
	check(/^\/admin\/articles\/\d+$/.test(article), 'the contributor saves a draft');
	await audit(cora.page, 'editor (contributor)');
	check(!(await cora.page.$('button[value=publish]')), 'a contributor is offered no publish button');
	await submit(cora.page, 'button[form=wf][value=propose]');
	check(await cora.page.isVisible('.status-proposed'), 'the contributor proposes the article');

	// ...and adds its Ukrainian translation.
	await cora.page.selectOption('#f-tr-lang', 'uk');
	await submit(cora.page, 'button[form=tr]');
	const translation = new URL(cora.page.url()).pathname;
	check(translation !== article, 'a translation is created');
	check(await cora.page.$eval('#f-section', (s) => s.options[s.selectedIndex].textContent.includes('(uk/europe)')),
		'the translation sits in the same section path');
	check((await cora.page.textContent('.group')).includes('Зима в Харькове'), 'the editor shows the translation group');
	check(await cora.page.isVisible('.group li[lang=ru] .status-proposed') && await cora.page.isVisible('.group li[lang=uk] .status-draft'),
		"the group shows each member's status");
	await cora.page.fill('#f-title', 'Зима в Харкові');
	await cora.page.fill('#f-slug', '');
	await cora.page.fill('#f-body', 'Перший абзац.\n\nДругий абзац.');
	await submit(cora.page, 'button[name=action][value=save_propose]');
	check(await cora.page.isVisible('.status-proposed'), 'the translation is proposed');
	await audit(cora.page, 'translation');
	await snap(cora.page, 'translation');

	// The editor publishes both.
	await login(ed, 'ed@example.org');
	check((await ed.page.textContent('#h-proposed + div, section[aria-labelledby=h-proposed]')).includes('Зима в Харькове'),
		'the proposed queue lists the article');
	await go(ed.page, `/admin/articles?lang=ru`);
	await audit(ed.page, 'article list');
	await snap(ed.page, 'list');
	await go(ed.page, article);
	await audit(ed.page, 'editor (editor)');
	await submit(ed.page, 'button[form=wf][value=publish]');
	check(await ed.page.isVisible('.status-published'), 'the editor publishes the article');
	await go(ed.page, translation);
	await submit(ed.page, 'button[form=wf][value=publish]');
	check(await ed.page.isVisible('.status-published'), 'the editor publishes the translation');
	check(await ed.page.isVisible('.group li[lang=ru] .status-published'), 'the group shows the original published too');
	await snap(ed.page, 'published');

	// The public page, right away: breadcrumb and the link to the translation.
	await go(ed.page, article);
	const pub = await ed.page.$eval('.meta a[href^="/ru/"]', (a) => a.getAttribute('href'));
	check(await go(ed.page, pub) === 200, 'the public page is there when the answer comes');
	check(await ed.page.isVisible('nav.breadcrumb'), 'the public page has its breadcrumb');
	check((await ed.page.textContent('nav.breadcrumb')).includes('Европа'), 'the breadcrumb shows the section');
	const tr = await ed.page.$('nav.translations a[hreflang=uk]');
	check(!!tr, 'the public page links to the Ukrainian translation');
	await snap(ed.page, 'public-page');
	if (tr) {
		await Promise.all([ed.page.waitForNavigation(), tr.click()]);
		check((await ed.page.textContent('h1')).includes('Зима в Харкові'), 'the link leads to the translation');
	}

	// A proposal refused, then trashed and restored, all by clicking.
	await go(cora.page, '/admin/articles/new');
	await cora.page.selectOption('#f-lang', 'ru');
	await cora.page.selectOption('#f-section', await optionValue(cora.page, '#f-section', '(ru/europe)'));
	await cora.page.fill('#f-title', 'Слабая заметка');
	await cora.page.fill('#f-body', 'Черновик.');
	await submit(cora.page, 'button[name=action][value=save_propose]');
	const weak = new URL(cora.page.url()).pathname;
	check(await cora.page.isVisible('.status-proposed'), 'a second article is proposed');
	await go(fred.page, weak);
	await submit(fred.page, 'button[form=wf][value=refuse]');
	check(await fred.page.isVisible('.status-refused'), 'the limited editor refuses it in his section');
	await go(cora.page, weak);
	check(await cora.page.isVisible('.status-refused'), 'the contributor sees it refused');
	check(!(await cora.page.$('button[form=wf][value=publish]')), 'and still cannot publish it');
	await go(ed.page, weak);
	await submit(ed.page, 'button[form=wf][value=trash]');
	check(await ed.page.isVisible('.status-trash'), 'the editor moves it to the trash');
	await audit(ed.page, 'editor (trash)');
	await submit(ed.page, 'button[form=wf][value=restore]');
	check(!(await ed.page.isVisible('.status-trash')), 'and restores it');

	// Scheduling: the server publishes it a few seconds later.
	await go(ed.page, '/admin/articles/new');
	await ed.page.selectOption('#f-lang', 'ru');
	await ed.page.selectOption('#f-section', await optionValue(ed.page, '#f-section', '(ru/europe)'));
	await ed.page.fill('#f-title', 'Завтрашняя статья');
	await ed.page.fill('#f-body', 'Скоро.');
	await submit(ed.page, 'button[name=action][value=save]');
	const later = new URL(ed.page.url()).pathname;
	await ed.page.fill('#f-schedule_at', '2001-01-01T10:00:00');
	await submit(ed.page, 'button[form=sched]');
	check(await ed.page.isVisible('#e-schedule_at'), 'a time in the past is refused beside the field');
	await audit(ed.page, 'editor with an error');
	await ed.page.fill('#f-schedule_at', isoIn(10));
	await submit(ed.page, 'button[form=sched]');
	check(await ed.page.isVisible('.status-scheduled'), 'the article is scheduled');
	await snap(ed.page, 'scheduled');
	await go(ed.page, '/admin/');
	check((await ed.page.textContent('section[aria-labelledby=h-scheduled]')).includes('Завтрашняя статья'), 'the dashboard lists it as scheduled');
	const laterPublic = `${base}/ru/europe/zavtrashniaia-statia/`;
	check((await fetch(laterPublic)).status === 404, 'not public before its time');
	let appeared = false;
	for (let i = 0; i < 200 && !appeared; i++) {
		appeared = (await fetch(laterPublic)).status === 200;
		if (!appeared)
			await new Promise((r) => setTimeout(r, 100));
	}
	check(appeared, 'the scheduled article appears at its time');
	await go(ed.page, '/ru/europe/zavtrashniaia-statia/');
	await snap(ed.page, 'scheduled-public');
	await go(ed.page, later);
	check(await ed.page.isVisible('.status-published'), 'the editor shows it published');

	// Revisions: edit, then restore the first text.
	await go(ed.page, article);
	await ed.page.fill('#f-body', 'Совсем другой текст.');
	await submit(ed.page, 'button[name=action][value=save]');
	check((await (await fetch(`${base}${pub}`)).text()).includes('Совсем другой текст.'), 'the edit is public at once');
	await go(ed.page, `${article}/revisions`);
	await audit(ed.page, 'revisions');
	const first = await ed.page.$$eval('table a[href*="/revisions/"]', (as) => as[as.length - 1].getAttribute('href'));
	await go(ed.page, first);
	check((await ed.page.textContent('table.diff')).includes('Первый абзац.'), 'the diff shows the old text');
	await audit(ed.page, 'revision diff');
	await snap(ed.page, 'revision');
	await submit(ed.page, 'form[action$="/restore"] button[type=submit]');
	check(await ed.page.isVisible('.notice'), 'the revision is restored');
	const restored = await (await fetch(`${base}${pub}`)).text();
	check(restored.includes('Первый абзац.') && !restored.includes('Совсем другой текст.'), 'the restored text is public');
	await go(ed.page, `${article}/revisions`);
	check((await ed.page.textContent('table')).includes('restored revision'), 'restoring added a revision');

	// Two people at once: the second save is refused and shown the first one's changes.
	const other = await person('editor, second tab');
	await other.context.addCookies(await ed.context.cookies());
	await go(other.page, article);
	await go(ed.page, article);
	await ed.page.fill('#f-lead', 'Лид от первого.');
	await submit(ed.page, 'button[name=action][value=save]');
	await other.page.fill('#f-lead', 'Лид от второго.');
	await submit(other.page, 'button[name=action][value=save]');
	check(await other.page.isVisible('.conflict'), 'the second save is refused');
	check((await other.page.textContent('.conflict')).includes('Лид от первого.'), "the other person's change is shown");
	check(await other.page.inputValue('#f-lead') === 'Лид от второго.', 'what was typed is kept');
	await audit(other.page, 'conflict');
	await snap(other.page, 'conflict');

	// Bad input: a title far too long, kept in the form with a message.
	await go(ed.page, article);
	await ed.page.fill('#f-title', 'Д'.repeat(2500));
	await submit(ed.page, 'button[name=action][value=save]');
	check(await ed.page.isVisible('#e-title'), 'an oversized title gets a message beside it');
	check((await ed.page.inputValue('#f-title')).length === 2500, 'and stays in the form');
	check((await (await fetch(`${base}${pub}`)).text()).includes('Зима в Харькове'), 'nothing half-saved');

	// A form larger than the server reads: refused on the page before it is
	// sent, with a message, and the text typed is still there.
	await go(ed.page, article);
	const huge = 'Очень длинный текст. '.repeat(120000);
	await ed.page.fill('#f-body', huge);
	await ed.page.click('button[name=action][value=save]');
	await ed.page.waitForSelector('#e-too-large', { timeout: 10000 }).catch(() => {});
	check(await ed.page.isVisible('#e-too-large'), 'an oversized form gets a message on the page');
	check(new URL(ed.page.url()).pathname === article, 'and the page stays');
	check((await ed.page.inputValue('#f-body')).length === huge.length, 'with the text typed kept');
	check(!(await (await fetch(`${base}${pub}`)).text()).includes('Очень длинный текст.'), 'nothing was saved');
	await audit(ed.page, 'editor, form too large');
	await snap(ed.page, 'too-large');

	// Other pages for the audit: a section, an author, a user.
	await go(boss.page, '/admin/authors');
	const au = await boss.page.$eval('table a[href^="/admin/authors/"]', (a) => a.getAttribute('href'));
	await go(boss.page, au);
	await audit(boss.page, 'author');
	await go(boss.page, '/admin/users');
	const us = await boss.page.$eval('table a[href^="/admin/users/"]', (a) => a.getAttribute('href'));
	await go(boss.page, us);
	await audit(boss.page, 'user');
	await go(boss.page, '/admin/forgot');
	await audit(boss.page, 'forgot (logged in)');
	await go(boss.page, '/admin/nowhere');
	await audit(boss.page, 'not found');

	// Logging out ends the session.
	await submit(boss.page, 'form[action="/admin/logout"] button');
	check(new URL(boss.page.url()).pathname === '/admin/login', 'logout leads to the login page');
	await go(boss.page, '/admin/');
	check(new URL(boss.page.url()).pathname === '/admin/login', 'after logout the admin asks to log in again');
	await go(boss.page, '/admin/forgot');
	await audit(boss.page, 'forgot');
	await boss.page.fill('#f-email', 'nobody@example.org');
	await submit(boss.page, 'form[action="/admin/forgot"] button[type=submit]');
	check(await boss.page.isVisible('.notice'), 'a reset request for an unknown address gets the usual answer');
	await audit(boss.page, 'forgot, sent');
} catch (e) {
	bad(`exception: ${e.stack || e}`);
} finally {
	await browser.close();
	server.kill('SIGTERM');
	const [code, signal] = await new Promise((r) => server.on('exit', (c, s) => r([c, s])));
	// A clean stop: no crash, and under ASan no leak (the exit status says so).
	check(code === 0, `the server stops cleanly (exit ${code}${signal ? `, signal ${signal}` : ''})`);
	fs.rmSync(tmp, { recursive: true, force: true });
}

console.log(`admin pages audited: ${audited.size}; screenshots in ${artifacts}`);
console.log(`${passes} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
