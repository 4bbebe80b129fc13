// The HTTP API as the UI uses it: the token (sessionStorage only), JSON answers, and blocking queries.
const TOKEN_KEY = 'muster-token';
const listeners = new Set();
function changed() {
  const waiting = [...listeners];
  listeners.clear();
  waiting.forEach(f => f());
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: t => { sessionStorage.setItem(TOKEN_KEY, t); changed(); },
  clear: () => { sessionStorage.removeItem(TOKEN_KEY); changed(); },
  /** Resolves at the next change of the token. */
  next: () => new Promise(res => listeners.add(res)),
};

/** An answer the registry refused; status 401/403 means a token is missing or lacks the right. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let authHandler = () => {};
/** Called with the ApiError whenever an answer is 401 or 403. */
export function onAuthNeeded(f) { authHandler = f; }

/**
 * GET with the token. A 401/403 opens the prompt unless prompt is false: a read the page can do without (the
 * banners, the header) must not ask for another token when the one given reads what the operator opened.
 */
export async function get(path, signal, { prompt = true } = {}) {
  const headers = { Accept: 'application/json' };
  const t = token.get();
  if (t) headers.Authorization = `Bearer ${t}`;
  const r = await fetch(path, { headers, signal, cache: 'no-store' });
  let body = null;
  try { body = await r.json(); } catch { body = null; }
  if (!r.ok) {
    const e = new ApiError(r.status, body && body.error, (body && body.message) || `HTTP ${r.status}`);
    if (prompt && (r.status === 401 || r.status === 403)) authHandler(e);
    throw e;
  }
  return {
    body,
    index: Number(r.headers.get('X-Muster-Index') || 0),
    knownLeader: r.headers.get('X-Muster-Known-Leader'),
    lastContact: Number(r.headers.get('X-Muster-Last-Contact') || 0),
  };
}

/**
 * Follows a read with blocking queries: the first call answers at once, each next one parks on the server until
 * the index moves (or the wait ends), so a quiet registry costs one request per wait, not a polling loop.
 * Errors back off (1s doubling to 30s); a 401/403 waits for a new token. Returns a function that stops it.
 */
export function follow(path, onAnswer, onError, wait = '5m') {
  const ctl = new AbortController();
  let index = -1;
  let backoff = 1000;
  (async () => {
    while (!ctl.signal.aborted) {
      const sep = path.includes('?') ? '&' : '?';
      const url = index >= 0 ? `${path}${sep}index=${index}&wait=${wait}` : path;
      try {
        const a = await get(url, ctl.signal);
        backoff = 1000;
        // An answer at the same index is a wait that ended unchanged: nothing to redraw.
        if (a.index !== index) onAnswer(a);
        index = a.index;
      } catch (e) {
        if (ctl.signal.aborted) return;
        onError(e);
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
          await token.next();
        } else {
          await new Promise(res => setTimeout(res, backoff));
          backoff = Math.min(backoff * 2, 30000);
        }
        index = -1;
      }
    }
  })();
  return () => ctl.abort();
}
