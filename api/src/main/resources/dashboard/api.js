// REST calls of the dashboard: JSON in and out, the access token from sessionStorage as a
// bearer header, and on 401 a prompt for the token (then the call is retried once).
const TOKEN_KEY = 'pipewatch.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

let pendingPrompt = null;

/** Asks the user for a token once, however many calls answered 401 at the same time. */
function askToken(message) {
  if (pendingPrompt) return pendingPrompt;
  const dialog = document.getElementById('token-dialog');
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  document.getElementById('token-error').textContent = message || '';
  pendingPrompt = new Promise((resolve) => {
    form.addEventListener('submit', () => {
      const value = input.value.trim();
      sessionStorage.setItem(TOKEN_KEY, value);
      input.value = '';
      pendingPrompt = null;
      resolve(value);
      window.dispatchEvent(new CustomEvent('pipewatch:token'));
    }, { once: true });
  });
  if (!dialog.open) dialog.showModal();
  return pendingPrompt;
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.error + (body.field ? ' (' + body.field + ')' : '') +
      (body.detail ? ': ' + body.detail : ''))) || ('HTTP ' + status));
    this.status = status;
    this.body = body;
  }
}

/** fetch with the token; answers the Response (any status but 401). */
export async function raw(method, path, body, retried = false) {
  const headers = {};
  const t = token();
  if (t) headers.Authorization = 'Bearer ' + t;
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401 && !retried) {
    await askToken(t ? 'That token was refused.' : '');
    return raw(method, path, body, true);
  }
  return response;
}

/** A JSON call; throws ApiError on a non-2xx answer. */
export async function call(method, path, body) {
  const response = await raw(method, path, body);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body === undefined ? {} : body);
export const put = (path, body) => call('PUT', path, body);

/** Downloads what `path` answers as a file (so the token goes along, unlike a plain link). */
export async function download(path, fallbackName) {
  const response = await raw('GET', path);
  if (!response.ok) {
    let json = null;
    try { json = await response.json(); } catch (e) { json = null; }
    throw new ApiError(response.status, json);
  }
  const blob = await response.blob();
  const disposition = response.headers.get('Content-Disposition') || '';
  const match = /filename="?([^";]+)"?/.exec(disposition);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = match ? match[1] : fallbackName;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  return blob;
}
