/**
 * The staff insights page at /insights, mounted only with ADMIN_TOKEN. Signing in is a form posting the token;
 * the answer is an HttpOnly, SameSite=Strict session cookie (see staff-session.ts) scoped to /insights. The page
 * loads its figures from /insights/data (the same report as GET /admin/insights) and draws them with uPlot,
 * served from our own origin; every chart has its figures in a table too, for screen readers and small screens.
 * Its texts are the staff texts in AGENT_LANGUAGE (locales/<lng>/staff.json, English where there is none).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { Router, type Response } from 'express';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { Translator } from '../i18n.js';
import { STAFF_FALLBACK_LANGUAGE } from './staff-texts.js';
import { projectPath } from '../paths.js';
import { createRefusalLog } from '../refusal-log.js';
import { buildInsights } from './insights-report.js';
import { parseInsightsPeriod } from './insights-period.js';
import { createStaffSessions, cookieValue, SESSION_COOKIE, SESSION_MS } from './staff-session.js';

export interface InsightsPageOptions {
  token: string;
  store: Pick<Store, 'insightFigures'>;
  logger: Logger;
  /** Staff texts (see staff-texts.ts) and the language staff read (AGENT_LANGUAGE). */
  texts: Translator;
  language: string;
  now?: () => Date;
}

const uplotDir = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));
const publicDir = projectPath('src', 'insights', 'public');

/** Scripts and styles only from this origin; no framing (clickjacking a signed-in page). */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** Text for HTML element content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The staff texts of the page in one language, and that language (English when AGENT_LANGUAGE has no staff.json). */
interface PageTexts {
  language: string;
  strings: Record<string, string>;
}

function page(res: Response, status: number, texts: PageTexts, title: string, body: string): void {
  res
    .status(status)
    .set(SECURITY_HEADERS)
    .type('html')
    .send(
      `<!doctype html>
<html lang="${escapeHtml(texts.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Switchboard</title>
<link rel="stylesheet" href="/insights/assets/uPlot.min.css">
<link rel="stylesheet" href="/insights/assets/insights.css">
</head>
<body>
${body}
</body>
</html>`,
    );
}

function signInPage(res: Response, texts: PageTexts, failed: boolean): void {
  const s = (key: string): string => escapeHtml(texts.strings[key] ?? key);
  page(
    res,
    failed ? 401 : 200,
    texts,
    texts.strings.signInTitle ?? 'Sign in',
    `<main class="signin">
<h1>${s('title')}</h1>
<form method="post" action="/insights/session">
<label for="token">${s('tokenLabel')}</label>
<input id="token" name="token" type="password" autocomplete="current-password" required${failed ? ' aria-describedby="signin-error" aria-invalid="true"' : ''}>
${failed ? `<p id="signin-error" class="error" role="alert">${s('tokenWrong')}</p>` : ''}
<button type="submit">${s('signIn')}</button>
</form>
</main>`,
  );
}

/**
 * The page; insights.js fills it in, with the texts it needs from the JSON data block (data, not script: the
 * policy allows no inline script, and `<` is escaped so no text can close the block).
 */
function insightsBody(texts: PageTexts): string {
  const s = (key: string): string => escapeHtml(texts.strings[key] ?? key);
  const forScript = JSON.stringify(texts.strings).replace(/</g, '\\u003c');
  return `<header><h1>${s('title')}</h1>
<form id="period" class="period" method="get" action="/insights">
<label>${s('from')} <input type="date" name="from" id="from"></label>
<label>${s('to')} <input type="date" name="to" id="to"></label>
<button type="submit">${s('show')}</button>
</form></header>
<main id="insights" aria-busy="true">
<p id="status" role="status">${s('loading')}</p>
<section aria-labelledby="h-conversations"><h2 id="h-conversations">${s('conversationsHeading')}</h2>
<div class="chart" id="chart-conversations" role="img" aria-label="${s('conversationsChart')}"></div>
<table id="table-conversations"></table></section>
<section aria-labelledby="h-resolution"><h2 id="h-resolution">${s('resolutionHeading')}</h2>
<p id="resolution-summary"></p>
<div class="chart" id="chart-resolution" role="img" aria-label="${s('resolutionChart')}"></div>
<table id="table-resolution"></table></section>
<section aria-labelledby="h-claim"><h2 id="h-claim">${s('claimHeading')}</h2><p id="claim-summary"></p></section>
<section aria-labelledby="h-csat"><h2 id="h-csat">${s('csatHeading')}</h2><table id="table-csat"></table></section>
<section aria-labelledby="h-reasons"><h2 id="h-reasons">${s('reasonsHeading')}</h2><table id="table-reasons"></table></section>
<section aria-labelledby="h-languages"><h2 id="h-languages">${s('languagesHeading')}</h2><table id="table-languages"></table></section>
<section aria-labelledby="h-unanswered"><h2 id="h-unanswered">${s('unansweredHeading')}</h2><table id="table-unanswered"></table></section>
</main>
<script type="application/json" id="insights-texts">${forScript}</script>
<script src="/insights/assets/uPlot.iife.min.js"></script>
<script src="/insights/assets/insights.js"></script>`;
}

export function createInsightsPage(options: InsightsPageOptions): Router {
  const now = options.now ?? (() => new Date());
  const sessions = createStaffSessions(options.token);
  const refusals = createRefusalLog({ logger: options.logger });
  const router = Router();
  const texts: PageTexts = {
    language: options.texts.languages.includes(options.language) ? options.language : STAFF_FALLBACK_LANGUAGE,
    strings: options.texts.group(options.language, 'insights'),
  };
  const insightsHtml = insightsBody(texts);
  const signedIn = (cookieHeader: string | undefined): boolean => sessions.valid(cookieValue(cookieHeader, SESSION_COOKIE), now());

  const assets = { headers: { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' } };
  router.get('/insights/assets/uPlot.iife.min.js', (_req, res) => res.sendFile('uPlot.iife.min.js', { root: uplotDir, ...assets }));
  router.get('/insights/assets/uPlot.min.css', (_req, res) => res.sendFile('uPlot.min.css', { root: uplotDir, ...assets }));
  router.get('/insights/assets/insights.js', (_req, res) => res.sendFile('insights.js', { root: publicDir, ...assets }));
  router.get('/insights/assets/insights.css', (_req, res) => res.sendFile('insights.css', { root: publicDir, ...assets }));

  router.get('/insights', (req, res) => {
    if (signedIn(req.get('cookie'))) page(res, 200, texts, texts.strings.pageTitle ?? 'Insights', insightsHtml);
    else signInPage(res, texts, false);
  });

  router.post('/insights/session', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
    const body: unknown = req.body;
    const token = typeof body === 'object' && body !== null && 'token' in body && typeof body.token === 'string' ? body.token : '';
    if (!sessions.tokenMatches(token)) {
      refusals.refused('insights sign-in', req.ip, { reason: 'wrong token' }, 'insights sign-in refused');
      signInPage(res, texts, true);
      return;
    }
    res.cookie(SESSION_COOKIE, sessions.issue(now()), { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/insights', maxAge: SESSION_MS });
    res.redirect(303, '/insights');
  });

  router.get('/insights/data', async (req, res) => {
    if (!signedIn(req.get('cookie'))) {
      res.status(401).set('Cache-Control', 'no-store').json({ error: 'sign in at /insights' });
      return;
    }
    const at = now();
    res.set('Cache-Control', 'no-store').json(await buildInsights(options.store, parseInsightsPeriod(req.query, at), at));
  });
  return router;
}
