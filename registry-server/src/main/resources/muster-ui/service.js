// #/services/NAME: one service's instances, live, filtered by tag, status and text.
import { follow } from './api.js';
import { h, tags, status, since } from './dom.js';

const COLUMNS = ['ID', 'Address', 'Port', 'Status', 'Note', 'Tags', 'Metadata', 'Weight', 'Check', 'Status since'];

function checkText(c) {
  if (!c) return 'none';
  if (c.ttl) return `ttl ${c.ttl}`;
  if (c.http) return `http ${c.http} every ${c.interval || '?'}`;
  if (c.tcp) return `tcp ${c.tcp} every ${c.interval || '?'}`;
  return JSON.stringify(c);
}

export function serviceView(root, service, params, setParams, showError) {
  let instances = [];
  const text = h('input', { type: 'search', id: 'filter-text', placeholder: 'id or address', value: params.get('q') || '' });
  const tag = h('input', { type: 'search', id: 'filter-tag', placeholder: 'tag', value: params.get('tag') || '' });
  const statusSel = h('select', { id: 'filter-status' },
    ...['', 'passing', 'warning', 'critical'].map(s => h('option', { value: s }, s || 'any status')));
  statusSel.value = params.get('status') || '';
  const live = h('span', { class: 'live muted', id: 'live' }, 'connecting…');
  const summary = h('p', { id: 'summary', class: 'muted' });
  const body = h('tbody', { id: 'instances' });
  root.replaceChildren(
    h('p', {}, h('a', { href: '#/services' }, '← all services')),
    h('h1', {}, service),
    summary,
    h('div', { class: 'filters' },
      h('label', {}, 'Search', text), h('label', {}, 'Tag', tag), h('label', {}, 'Status', statusSel), live),
    h('table', {}, h('thead', {}, h('tr', {}, ...COLUMNS.map(c => h('th', {}, c)))), body));

  function render() {
    const q = text.value.trim();
    const t = tag.value.trim();
    const s = statusSel.value;
    setParams({ q, tag: t, status: s });
    const count = st => instances.filter(i => i.status === st).length;
    summary.textContent = `${instances.length} instances: ${count('passing')} passing, ${count('warning')} warning, ${count('critical')} critical`;
    const rows = instances
      .filter(i => (!q || i.id.includes(q) || i.address.includes(q)) && (!t || (i.tags || []).includes(t)) && (!s || i.status === s))
      .map(i => h('tr', { 'data-instance': i.id, 'data-status': i.status },
        h('td', { class: 'mono' }, i.id),
        h('td', { class: 'mono' }, i.address),
        h('td', {}, i.port),
        h('td', {}, status(i.status)),
        h('td', {}, i.note || ''),
        h('td', {}, tags(i.tags)),
        h('td', { class: 'mono' }, Object.entries(i.metadata || {}).map(([k, v]) => h('div', {}, `${k}=${v}`))),
        h('td', {}, i.weight),
        h('td', { class: 'mono' }, checkText(i.check)),
        h('td', {}, since(i.statusSince))));
    body.replaceChildren(...(rows.length ? rows
      : [h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'muted' },
        instances.length ? 'No instance matches the filters.' : 'No instances registered.'))]));
  }
  [text, tag].forEach(i => i.addEventListener('input', render));
  statusSel.addEventListener('change', render);
  render();
  return follow(`/v1/services/${encodeURIComponent(service)}?consistency=stale`, a => {
    instances = (a.body && a.body.instances) || [];
    live.textContent = `live · index ${a.index}`;
    live.dataset.index = a.index;
    render();
  }, e => { live.textContent = `reconnecting: ${e.message}`; showError(e); });
}
