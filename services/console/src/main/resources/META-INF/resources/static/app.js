// The console's only script: keeps the bearer token for this tab, fills each page's live region from the server's
// HTML fragments (again every few seconds), ticks deadline countdowns and submits action forms to the /api gateway.
// Local runs keep the token in sessionStorage: gone when the tab closes, never in localStorage.
// Signed in with OpenID Connect (the page says data-auth="oidc") the script holds no token at all: the browser sends
// the console's HttpOnly session cookie and the console attaches the access token to its calls to the services.
'use strict';

const TOKEN_KEY = 'sr.token';
const AT_RISK_MS = 30 * 60 * 1000; // without a warning time from the service, the last 30 minutes are "at risk"

const oidc = () => document.body.dataset.auth === 'oidc';
const token = () => sessionStorage.getItem(TOKEN_KEY);
const status = (text) => { const el = document.getElementById('status'); if (el) el.textContent = text; };

function claims(jwt) {
  try {
    return JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch (e) {
    return {};
  }
}

// OIDC: loading the page again lets the console send the browser through the IdP and back here.
function toSignIn() {
  if (oidc()) { location.reload(); return; }
  sessionStorage.removeItem(TOKEN_KEY);
  location.assign('/signin?next=' + encodeURIComponent(location.pathname));
}

// OIDC: the marker makes an expired session answer 499 instead of a redirect to the IdP that fetch cannot follow.
function authorized(init = {}) {
  const auth = oidc() ? { 'X-Requested-With': 'JavaScript' } : { Authorization: 'Bearer ' + token() };
  return { ...init, headers: { ...(init.headers || {}), ...auth } };
}

const signedOut = (answer) => answer.status === 401 || answer.status === 499;

// --- sign-in page -------------------------------------------------------------------------------------------------
function signInPage() {
  document.querySelectorAll('button.sign-in').forEach((button) => button.addEventListener('click', async () => {
    const answer = await fetch('/signin/' + encodeURIComponent(button.dataset.user), { method: 'POST' });
    if (!answer.ok) { status('Sign-in failed (' + answer.status + ').'); return; }
    sessionStorage.setItem(TOKEN_KEY, (await answer.json()).token);
    const next = new URLSearchParams(location.search).get('next');
    // Only a path of this console: "//host" and "/\host" would leave it.
    location.assign(next && /^\/(?![\/\\])/.test(next) ? next : '/queue');
  }));
}

// --- countdowns ---------------------------------------------------------------------------------------------------
function span(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return `${m}m ${String(s % 60).padStart(2, '0')}s`;
}

function tick() {
  const now = Date.now();
  document.querySelectorAll('time.countdown').forEach((el) => {
    const due = Date.parse(el.getAttribute('datetime'));
    if (Number.isNaN(due)) return;
    const warn = Date.parse(el.dataset.warn || '');
    const overdue = due <= now;
    const atRisk = !overdue && (Number.isNaN(warn) ? due - now <= AT_RISK_MS : now >= warn);
    // Words as well as colour, so the state does not depend on seeing red or amber.
    el.textContent = overdue ? `overdue by ${span(now - due)}` : `${atRisk ? 'at risk: ' : ''}due in ${span(due - now)}`;
    el.title = new Date(due).toLocaleString();
    const item = el.closest('.item, tr') || el;
    item.classList.toggle('overdue', overdue);
    item.classList.toggle('at-risk', atRisk);
  });
}

// Services send UTC instants; agents read their own local time.
function localTimes(root) {
  root.querySelectorAll('time[datetime]:not(.countdown)').forEach((el) => {
    const at = Date.parse(el.getAttribute('datetime'));
    if (!Number.isNaN(at)) el.textContent = new Date(at).toLocaleString();
  });
}

// Soonest deadline first, whatever order the services listed cases and steps in.
function sortByDue(root) {
  const due = (item) => { const at = Date.parse(item.dataset.due); return Number.isNaN(at) ? Infinity : at; };
  root.querySelectorAll('ol[data-sort-by-due]').forEach((list) => {
    [...list.children].sort((a, b) => due(a) - due(b)).forEach((item) => list.append(item));
  });
}

// --- live region --------------------------------------------------------------------------------------------------
// A poll does not replace the region while the user is typing in it (caret and selection would jump).
function editing(region) {
  const active = document.activeElement;
  return active && region.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
}

// New content, but what the user typed into forms not sent yet survives it.
function replaceKeepingEdits(region, html) {
  const kept = [...region.querySelectorAll('form[data-dirty]')]
    .flatMap((form) => [...form.elements].filter((field) => field.id).map((field) => [field.id, field.value]));
  region.innerHTML = html;
  for (const [id, value] of kept) {
    const field = document.getElementById(id);
    if (field && field.form) { field.value = value; field.form.dataset.dirty = 'true'; }
  }
}

async function refresh(region, force) {
  if (!force && editing(region)) return;
  let answer;
  try {
    answer = await fetch(region.dataset.fragment, authorized({ headers: { Accept: 'text/html' } }));
  } catch (e) {
    status('The console is unreachable; retrying.');
    return;
  }
  if (signedOut(answer)) { toSignIn(); return; }
  if (answer.status === 403) {
    region.innerHTML = '<p class="notice" role="alert">Your role does not give access to this page.</p>';
  } else if (answer.ok) {
    replaceKeepingEdits(region, await answer.text());
    sortByDue(region);
    localTimes(region);
    if (status.lastError) { status(''); status.lastError = false; }
  } else {
    status(`Could not refresh (${answer.status}); retrying.`);
    status.lastError = true;
  }
  region.setAttribute('aria-busy', 'false');
  tick();
}

function formBody(form) {
  if (form.dataset.contentType && form.dataset.contentType !== 'application/json') {
    return form.elements[0].value; // one raw text field, e.g. a policy's YAML
  }
  const body = {};
  for (const field of form.elements) {
    if (!field.name || field.value === '') continue;
    body[field.name] = field.hasAttribute('data-number') ? Number(field.value) : field.value;
  }
  return JSON.stringify(body);
}

function showProblem(form, problem, code) {
  let box = form.querySelector('.errors');
  if (!box) {
    box = document.createElement('div');
    box.className = 'errors';
    box.setAttribute('role', 'alert');
    form.prepend(box);
  }
  box.replaceChildren();
  const title = document.createElement('p');
  title.textContent = `${problem.title || 'Failed'} (${code})${problem.detail ? ': ' + problem.detail : ''}`;
  box.append(title);
  const list = document.createElement('ul');
  for (const error of problem.errors || []) {
    const item = document.createElement('li');
    item.textContent = `${error.pointer || ''} ${error.detail || ''}`.trim();
    list.append(item);
    const name = (error.pointer || '').split('/')[1];
    const field = name && form.elements.namedItem(name);
    if (field && field.setAttribute) field.setAttribute('aria-invalid', 'true');
  }
  if (list.children.length) box.append(list);
}

async function submit(form, region) {
  const button = form.querySelector('button[type=submit]');
  if (button) button.disabled = true;
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  try {
    const answer = await fetch(form.dataset.api, authorized({
      method: form.dataset.method || 'POST',
      headers: { 'Content-Type': form.dataset.contentType || 'application/json', Accept: 'application/json' },
      body: formBody(form),
    }));
    if (signedOut(answer)) { toSignIn(); return; }
    if (!answer.ok) {
      const text = await answer.text();
      let problem;
      try { problem = JSON.parse(text); } catch (e) { problem = { detail: text }; }
      showProblem(form, problem, answer.status);
      return;
    }
    delete form.dataset.dirty;
    await refresh(region, true);
    status(form.dataset.after || 'Done.');
  } catch (e) {
    showProblem(form, { title: 'Network error', detail: String(e) }, 0);
  } finally {
    if (button) button.disabled = false;
  }
}

// Who is signed in: from the page with OIDC, from the local token's claims otherwise.
function signedIn() {
  if (oidc()) {
    const page = document.body.dataset;
    return { sub: page.user, team: page.team, groups: page.groups.split(' ').filter(Boolean) };
  }
  return token() ? claims(token()) : null;
}

function livePage() {
  const me = signedIn();
  if (!me) { toSignIn(); return; }
  const roles = me.groups || [];
  document.getElementById('who').textContent = `${me.sub}${me.team ? ' · team ' + me.team : ''} (${roles.join(', ')})`;
  document.querySelectorAll('[data-roles]').forEach((el) => {
    el.hidden = !el.dataset.roles.split(' ').some((role) => roles.includes(role));
  });
  // OIDC: the console ends its session and the IdP's (RP-initiated logout), then the IdP sends the browser to /signin.
  document.getElementById('sign-out').addEventListener('click', () => (oidc() ? location.assign('/signout') : toSignIn()));
  document.getElementById('find-customer').addEventListener('submit', (event) => {
    event.preventDefault();
    location.assign('/customers/' + encodeURIComponent(event.target.elements.customer.value.trim()));
  });

  const region = document.getElementById('live');
  region.addEventListener('submit', (event) => {
    if (!event.target.dataset.api) return;
    event.preventDefault();
    submit(event.target, region);
  });
  region.addEventListener('input', (event) => { const form = event.target.form; if (form) form.dataset.dirty = 'true'; });
  refresh(region, true);
  const poll = Number(region.dataset.poll);
  if (poll > 0) setInterval(() => { if (!document.hidden) refresh(region, false); }, poll * 1000);
  setInterval(tick, 1000);
}

document.addEventListener('DOMContentLoaded', () => {
  if (document.body.dataset.page === 'signin') signInPage(); else livePage();
});
