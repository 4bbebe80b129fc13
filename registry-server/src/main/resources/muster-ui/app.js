// The router (a URL per view: #/services, #/services/NAME, #/cluster, filters in the query), the banners and the
// token prompt. Views return a function that stops their live updates when another view opens.
import { get, token, onAuthNeeded } from './api.js';
import { h } from './dom.js';
import { servicesView } from './services.js';
import { serviceView } from './service.js';
import { clusterView } from './cluster.js';

const BANNER_REFRESH_MS = 5000;
const view = document.getElementById('view');
let stop = () => {};

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/services';
  const [path, query = ''] = raw.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

/** Keeps the filters in the URL without a reload or a new history entry. */
function setParamsFor(path) {
  return values => {
    const q = new URLSearchParams(Object.entries(values).filter(([, v]) => v)).toString();
    const next = `#${path}${q ? `?${q}` : ''}`;
    if (location.hash !== next) history.replaceState(null, '', next);
  };
}

function route() {
  stop();
  const { parts, params } = parseHash();
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('active', a.dataset.nav === parts[0]));
  if (parts[0] === 'services' && parts.length === 2) {
    stop = serviceView(view, parts[1], params, setParamsFor(`/services/${encodeURIComponent(parts[1])}`), showError);
  } else if (parts[0] === 'cluster') {
    stop = clusterView(view, showError);
  } else if (parts[0] === 'services' || parts.length === 0) {
    stop = servicesView(view, params, setParamsFor('/services'), showError);
  } else {
    stop = () => {};
    view.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, 'No such view. ', h('a', { href: '#/services' }, 'Services')));
  }
}

// --- token prompt: only where the API answers 401/403; the token lives in sessionStorage, never in a cookie.
const dialog = document.getElementById('token-dialog');
const tokenInput = document.getElementById('token-input');
const tokenReason = document.getElementById('token-reason');
const tokenButton = document.getElementById('token-button');
function askToken(reason) {
  tokenReason.textContent = reason;
  tokenButton.hidden = false;
  if (!dialog.open) {
    tokenInput.value = '';
    dialog.showModal();
  }
}
onAuthNeeded(e => askToken(e.status === 401
  ? 'This registry answers only requests with a valid token.'
  : `This token may not read this (${e.message}). Use another token.`));
document.getElementById('token-form').addEventListener('submit', () => {
  const t = tokenInput.value.trim();
  if (t) token.set(t);
});
document.getElementById('token-forget').addEventListener('click', () => { token.clear(); dialog.close(); });
tokenButton.addEventListener('click', () => askToken('Replace or forget the token this tab sends.'));
if (token.get()) tokenButton.hidden = false;

function showError() {
  // Views show their own state; 401/403 already opened the prompt. Nothing else to do globally.
}

// --- banners: self-preservation holding expiries, and this member without a leader.
const banners = document.getElementById('banners');
async function refreshBanners() {
  const shown = [];
  try {
    const sp = (await get('/v1/operator/self-preservation', undefined, { prompt: false })).body;
    if (sp.active) {
      shown.push(h('div', { class: 'banner warn', id: 'banner-self-preservation' },
        'Self-preservation is on: too many instances missed their heartbeats at once, so this registry holds their expiry. '
        + 'Check the network and the registry before trusting instance health.'));
    }
  } catch {
    // a token without operator read sees no self-preservation banner; other failures show in the leader check
  }
  try {
    const r = await fetch('/health/ready', { cache: 'no-store' });
    if (!r.ok) {
      const b = await r.json().catch(() => ({}));
      if (b.error === 'no_leader' || /leader/.test(b.message || '')) {
        shown.push(h('div', { class: 'banner crit', id: 'banner-no-leader' },
          `This member has no leader: ${b.message || 'no quorum'}. Reads show its last known state; writes fail.`));
      } else {
        shown.push(h('div', { class: 'banner crit', id: 'banner-not-ready' }, `This member is not ready: ${b.message || r.status}`));
      }
    }
  } catch (e) {
    shown.push(h('div', { class: 'banner crit', id: 'banner-unreachable' }, `This member does not answer: ${e.message}`));
  }
  banners.replaceChildren(...shown);
  setTimeout(refreshBanners, BANNER_REFRESH_MS);
}

async function whoAmI() {
  try {
    const c = (await get('/v1/cluster', undefined, { prompt: false })).body;
    const me = c.members.find(m => m.httpAddress === location.host);
    document.getElementById('member').textContent = me ? `member ${me.id} (${me.role})` : location.host;
  } catch {
    document.getElementById('member').textContent = location.host;
  }
}

token.next().then(function again() { route(); whoAmI(); token.next().then(again); });
window.addEventListener('hashchange', route);
route();
whoAmI();
refreshBanners();
