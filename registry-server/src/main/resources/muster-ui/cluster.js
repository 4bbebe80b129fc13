// #/cluster: members, roles, leader, term, last contact and applied index. The cluster has no blocking query and
// its last-contact and applied figures change all the time, so this view alone refreshes on a timer (5s).
import { get } from './api.js';
import { h } from './dom.js';

export const CLUSTER_REFRESH_MS = 5000;

export function clusterView(root, showError) {
  const head = h('p', { id: 'cluster-summary' }, 'Loading…');
  const body = h('tbody', { id: 'members' });
  root.replaceChildren(h('h1', {}, 'Cluster'), head,
    h('table', {}, h('thead', {}, h('tr', {}, ...['Member', 'Role', 'Raft address', 'HTTP address', 'Last contact', 'Applied index']
      .map(c => h('th', {}, c)))), body));
  let timer = null;
  let stopped = false;
  async function refresh() {
    try {
      const { body: c } = await get('/v1/cluster');
      head.replaceChildren('Leader ', h('strong', { id: 'leader' }, c.leader || 'none'), `, term ${c.term}`);
      body.replaceChildren(...c.members.map(m => h('tr', { 'data-member': m.id },
        h('td', {}, m.httpAddress ? h('a', { href: `//${m.httpAddress}/ui/#/cluster` }, m.id) : m.id),
        h('td', { class: m.role === 'leader' ? 'status passing' : '' }, m.role),
        h('td', { class: 'mono' }, m.raftAddress),
        h('td', { class: 'mono' }, m.httpAddress || ''),
        h('td', {}, m.lastContactMs < 0 ? 'unknown' : `${m.lastContactMs} ms`),
        h('td', {}, m.appliedIndex))));
    } catch (e) {
      head.textContent = `Cannot read the cluster: ${e.message}`;
      showError(e);
    }
    if (!stopped) timer = setTimeout(refresh, CLUSTER_REFRESH_MS);
  }
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}
