// Builds elements from data without innerHTML: names, tags and metadata are client data and must never become markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function tags(list) {
  return (list || []).map(t => h('span', { class: 'tag' }, t));
}

export function status(s) {
  return h('span', { class: `status ${s}` }, s);
}

/** An RFC 3339 time as UTC to the second; how long ago is the tooltip (a text that ages would go stale between changes). */
export function since(iso) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return h('span', {}, iso || '');
  const text = new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return h('time', { datetime: iso, title: iso, onmouseenter: e => { e.target.title = `${ago(t)} (${iso})`; } }, text);
}

function ago(t) {
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s ago`
    : s < 86400 ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m ago` : `${Math.floor(s / 86400)}d ago`;
}
