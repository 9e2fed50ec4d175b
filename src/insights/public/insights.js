/*
 * The insights page's script: reads the chosen period, fetches /insights/data and draws it with uPlot. Its texts
 * are the staff's language, from the page's JSON data block (locales/<lng>/staff.json, group "insights").
 */
/* global document, window, fetch, URLSearchParams, uPlot */
'use strict';

const TEXTS = JSON.parse(document.getElementById('insights-texts').textContent);

/** The text of `key` with its {{variables}} filled in. */
function text(key, vars = {}) {
  return (TEXTS[key] || key).replace(/\{\{(\w+)\}\}/g, (_, name) => String(vars[name]));
}

const DAY_MS = 24 * 60 * 60 * 1000;
const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7ea4'];

function isoDate(date) {
  return date.toISOString().slice(0, 10);
}

/** The period of the URL (dates, `to` inclusive), default the last 7 days. */
function period() {
  const params = new URLSearchParams(window.location.search);
  const today = new Date(isoDate(new Date()));
  const to = params.get('to') || isoDate(today);
  const from = params.get('from') || isoDate(new Date(new Date(to).getTime() - 6 * DAY_MS));
  return { from, to };
}

function fillTable(id, caption, headers, rows) {
  const table = document.getElementById(id);
  table.replaceChildren();
  const cap = document.createElement('caption');
  cap.textContent = caption;
  table.append(cap);
  const head = table.createTHead().insertRow();
  for (const text of headers) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.append(th);
  }
  const body = table.createTBody();
  if (rows.length === 0) {
    const cell = body.insertRow().insertCell();
    cell.colSpan = headers.length;
    cell.textContent = text('none');
  }
  for (const row of rows) {
    const tr = body.insertRow();
    for (const value of row) tr.insertCell().textContent = String(value);
  }
}

function percent(rate) {
  return rate === null ? '—' : `${Math.round(rate * 100)} %`;
}

function minutes(seconds) {
  return seconds === null ? '—' : text('minutes', { minutes: (seconds / 60).toFixed(1) });
}

function chart(id, series, xs, ys, yRange) {
  const target = document.getElementById(id);
  target.replaceChildren();
  const width = Math.max(280, target.clientWidth);
  const options = {
    width,
    height: 220,
    series: [{}, ...series.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2, points: { show: true } }))],
    axes: [{}, { size: 50 }],
    scales: { x: { time: true }, ...(yRange && { y: { range: yRange } }) },
  };
  return new uPlot(options, [xs, ...ys], target);
}

function draw(report) {
  const days = report.conversations.days;
  const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
  const channels = [...new Set(days.flatMap((d) => Object.keys(d.byChannel)))].sort();
  chart('chart-conversations', channels, xs, channels.map((c) => days.map((d) => d.byChannel[c] || 0)), [0, Math.max(4, ...days.flatMap((d) => Object.values(d.byChannel)))]);
  fillTable('table-conversations', text('conversationsCaption', { count: report.conversations.total }), [text('day'), ...channels], days.map((d) => [d.day, ...channels.map((c) => d.byChannel[c] || 0)]));

  const resolution = report.automatedResolution;
  document.getElementById('resolution-summary').textContent = text('resolutionSummary', { rate: percent(resolution.rate), resolved: resolution.resolved, settled: resolution.settled });
  const rx = resolution.days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
  chart('chart-resolution', [text('resolvedSeries')], rx, [resolution.days.map((d) => (d.rate === null ? null : Math.round(d.rate * 100)))], [0, 100]);
  fillTable('table-resolution', text('resolutionCaption'), [text('day'), text('settled'), text('resolved'), text('rate')], resolution.days.map((d) => [d.day, d.settled, d.resolved, percent(d.rate)]));

  const claim = report.timeToClaimSeconds;
  document.getElementById('claim-summary').textContent = text('claimSummary', { median: minutes(claim.median), p90: minutes(claim.p90), claimed: claim.claimed });
  // Two narrow columns (bot only, with a person) rather than five wide ones: it fits a phone.
  const { bot, human } = report.csat;
  const average = (c) => (c.average === null ? '—' : c.average.toFixed(1));
  fillTable('table-csat', text('csatCaption'), [text('csatFigure'), text('csatBot'), text('csatHuman')], [
    [text('csatAsked'), bot.asked, human.asked],
    [text('csatAnswered'), bot.answered, human.answered],
    [text('csatAverage'), average(bot), average(human)],
    [text('csatSatisfied'), percent(bot.satisfied), percent(human.satisfied)],
  ]);
  fillTable('table-reasons', text('reasonsCaption'), [text('reason'), text('handoffs')], report.handoffsByReason.map((r) => [r.reason, r.count]));
  fillTable('table-languages', text('languagesCaption'), [text('language'), text('conversations')], report.languages.map((l) => [l.language, l.count]));
  fillTable('table-unanswered', text('unansweredCaption'), [text('example'), text('timesAsked')], report.unansweredQuestions.map((q) => [q.example, q.count]));
}

async function load() {
  const { from, to } = period();
  document.getElementById('from').value = from;
  document.getElementById('to').value = to;
  const status = document.getElementById('status');
  const end = isoDate(new Date(new Date(to).getTime() + DAY_MS));
  try {
    const res = await fetch(`/insights/data?${new URLSearchParams({ from, to: end })}`, { credentials: 'same-origin' });
    if (res.status === 401) {
      window.location.assign('/insights');
      return;
    }
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
    draw(body);
    status.textContent = text('period', { from, to });
  } catch (error) {
    status.textContent = text('loadFailed', { error: error.message });
  } finally {
    document.getElementById('insights').setAttribute('aria-busy', 'false');
  }
}

void load();
