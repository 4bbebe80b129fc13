// #/services: every service with its counts and tags, live, filtered by name, tag and status.
import { follow } from './api.js';
import { h, tags } from './dom.js';

export function servicesView(root, params, setParams, showError) {
  let data = {};
  const name = h('input', { type: 'search', id: 'filter-name', placeholder: 'name contains', value: params.get('name') || '' });
  const tag = h('input', { type: 'search', id: 'filter-tag', placeholder: 'tag', list: 'all-tags', value: params.get('tag') || '' });
  const statusSel = h('select', { id: 'filter-status' },
    ...['', 'passing', 'warning', 'critical'].map(s => h('option', { value: s }, s || 'any status')));
  statusSel.value = params.get('status') || '';
  const allTags = h('datalist', { id: 'all-tags' });
  const live = h('span', { class: 'live muted', id: 'live' }, 'connecting…');
  const body = h('tbody', { id: 'services' });
  root.replaceChildren(
    h('h1', {}, 'Services'),
    h('div', { class: 'filters' },
      h('label', {}, 'Name', name), h('label', {}, 'Tag', tag, allTags), h('label', {}, 'Status', statusSel), live),
    h('table', {}, h('thead', {}, h('tr', {}, ...['Service', 'Instances', 'Passing', 'Warning', 'Critical', 'Tags'].map(c => h('th', {}, c)))), body));

  function render() {
    const n = name.value.trim();
    const t = tag.value.trim();
    const s = statusSel.value;
    setParams({ name: n, tag: t, status: s });
    const names = Object.keys(data).sort();
    allTags.replaceChildren(...[...new Set(names.flatMap(k => data[k].tags || []))].sort().map(x => h('option', { value: x })));
    const rows = names.filter(k => (!n || k.includes(n))
        && (!t || (data[k].tags || []).includes(t))
        && (!s || (data[k][s] || 0) > 0))
      .map(k => {
        const v = data[k];
        return h('tr', { 'data-service': k },
          h('td', {}, h('a', { href: `#/services/${encodeURIComponent(k)}` }, k)),
          h('td', {}, v.instances),
          h('td', { class: 'count passing' }, v.passing),
          h('td', { class: 'count warning' }, v.warning ?? 0),
          h('td', { class: 'count critical' }, v.critical ?? 0),
          h('td', {}, tags(v.tags)));
      });
    body.replaceChildren(...(rows.length ? rows
      : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, names.length ? 'No service matches the filters.' : 'Nothing is registered yet.'))]));
  }
  [name, tag].forEach(i => i.addEventListener('input', render));
  statusSel.addEventListener('change', render);
  render();
  return follow('/v1/services?consistency=stale', a => {
    data = a.body || {};
    live.textContent = `live · index ${a.index}`;
    live.dataset.index = a.index;
    render();
  }, e => { live.textContent = `reconnecting: ${e.message}`; showError(e); });
}
