// The one place that makes a store URL safe to print or serve: `redactStoreUrl` masks the user-info password and
// every password-, secret-, token- or key-like query parameter (`password`, `sslpassword`, `sslkey`, ...) with
// `***`. It works on the text, so URLs that do not parse are masked too, and it is idempotent.

const MASK = '***';
/** Query parameter names whose value is a credential (or names one, like `sslkey`). */
const SENSITIVE_PARAM = /pass|pwd|secret|token|key|cred/i;

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      return SENSITIVE_PARAM.test(decodedName(name)) ? `${name}=${MASK}` : pair;
    })
    .join('&');
}

/** Where the user-info password runs ([from, to) of the text), or null when there is none. */
function passwordSpan(url: string): [number, number] | null {
  let pos = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(url)?.[0].length ?? 0;
  if (url.startsWith('//', pos)) pos += 2;
  const end = url.slice(pos).search(/[/?#]/);
  const authorityEnd = end < 0 ? url.length : pos + end;
  let at = url.lastIndexOf('@', authorityEnd - 1);
  // An unencoded / ? or # inside the password ends the authority early: mask up to the last @ instead.
  if (at < pos) at = url.lastIndexOf('@');
  if (at < pos) return null;
  const colon = url.indexOf(':', pos);
  return colon >= 0 && colon < at ? [colon + 1, at] : null;
}

/** The URL with every credential replaced by `***`: for Store.url, logs, health answers and error messages. */
export function redactStoreUrl(url: string): string {
  let out = url;
  let rest = 0;
  const span = passwordSpan(url);
  if (span) {
    out = `${url.slice(0, span[0])}${MASK}${url.slice(span[1])}`;
    rest = span[0] + MASK.length;
  }
  const q = out.indexOf('?', rest);
  if (q < 0) return out;
  const hash = out.indexOf('#', q);
  const queryEnd = hash < 0 ? out.length : hash;
  return `${out.slice(0, q + 1)}${redactQuery(out.slice(q + 1, queryEnd))}${out.slice(queryEnd)}`;
}
