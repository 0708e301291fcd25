// First-party cookies: read and write the `temoin` cookie, delete a withdrawn category's cookies.
import { COOKIE, parseChoice, serializeChoice } from './state.js'

/** The cookies the page can see, by name. */
export function cookieJar(doc) {
  const jar = {}
  for (const part of doc.cookie.split(';')) {
    const i = part.indexOf('=')
    if (i > 0) jar[part.slice(0, i).trim()] = part.slice(i + 1).trim()
  }
  return jar
}

/** Read the stored choice from the `temoin` cookie. */
export function readChoice(doc) {
  return parseChoice(cookieJar(doc)[COOKIE])
}

/** Write the `temoin` cookie: path=/, SameSite=Lax, Secure on https, Max-Age in days. */
export function writeChoice(doc, loc, choice, days) {
  doc.cookie =
    COOKIE + '=' + serializeChoice(choice) + '; Path=/; Max-Age=' + days * 86400 +
    '; SameSite=Lax' + (loc.protocol === 'https:' ? '; Secure' : '')
}

/** Turn a declared cookie name (`*` = any characters) into a test. */
export function namePattern(name) {
  const re = name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp('^' + re + '$')
}

/** Domains a cookie may have been set on: host-only, the host, and each parent domain. */
export function domainsFor(hostname, declared) {
  const out = ['']
  const labels = hostname.split('.')
  const isIp = /^[\d.]+$|:/.test(hostname)
  if (!isIp) for (let i = 0; i < labels.length - 1; i++) out.push('.' + labels.slice(i).join('.'))
  if (declared && !out.includes('.' + declared.replace(/^\./, ''))) out.push(declared)
  return out
}

/** Paths a cookie may have been set on: `/` and each prefix of the current path. */
export function pathsFor(pathname) {
  const out = ['/']
  let p = ''
  for (const seg of pathname.split('/').filter(Boolean)) {
    p += '/' + seg
    out.push(p, p + '/')
  }
  return out
}

/**
 * Delete every visible cookie matching the declared ones (but none matching
 * `keep`), on the host and its parent domains and on the common paths.
 * Returns the names deleted.
 */
export function deleteCookies(doc, loc, declared, keep) {
  const present = Object.keys(cookieJar(doc))
  const kept = (keep || []).map((k) => namePattern(k.name))
  const gone = []
  for (const d of declared) {
    const test = namePattern(d.name)
    for (const name of present) {
      if (name === COOKIE || !test.test(name) || gone.includes(name)) continue
      if (kept.some((k) => k.test(name))) continue
      gone.push(name)
      for (const domain of domainsFor(loc.hostname, d.domain)) {
        for (const path of pathsFor(loc.pathname)) {
          doc.cookie =
            name + '=; Max-Age=0; Path=' + path +
            (domain ? '; Domain=' + domain : '')
        }
      }
    }
  }
  return gone
}
