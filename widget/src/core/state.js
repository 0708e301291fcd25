// The visitor's choice: what it holds, when it is still valid, what each decision records.
export const COOKIE = 'temoin'
const DAY = 86400

/** Categories that need consent (every one but `required`). */
export function optional(cfg) {
  return (cfg.categories || []).filter((c) => !c.required)
}

/**
 * Does the banner of this look cover the bottom of the screen: the bar (unless at the top) and the
 * box in the corner, never the modal box in the middle? The page then gets room below its end.
 */
export function atBottom(theme) {
  const t = theme || {}
  return t.layout == 'box' || (t.layout != 'modal' && t.position != 'top')
}

/** The site's choice lifetime in days: 182 by default, never over 395. */
export function lifetime(cfg) {
  return Math.min(395, +cfg.lifetime_days || 182)
}

/** Parse the `temoin` cookie value; null when absent or unreadable. */
export function parseChoice(raw) {
  if (!raw) return null // the usual case: no exception thrown on the way
  try {
    const v = JSON.parse(decodeURIComponent(raw))
    return v && typeof v.id == 'string' && v.c && typeof v.c == 'object' ? v : null
  } catch (e) {
    return null
  }
}

/** Serialise a choice for the `temoin` cookie. */
export function serializeChoice(choice) {
  return encodeURIComponent(JSON.stringify(choice))
}

/** A stored choice holds while it is younger than the lifetime and not older than `reconsent_version`. */
export function isValid(choice, cfg, nowSeconds) {
  if (!choice) return false
  const age = nowSeconds - (+choice.t || 0)
  if (!(age >= -DAY && age < lifetime(cfg) * DAY)) return false
  return (+choice.v || 0) >= (+cfg.reconsent_version || 0)
}

/**
 * Complete a choice so it names every optional category and service.
 * A service follows its category unless set on its own; a category with
 * services counts as granted only when all of them are. A category that is
 * null was not asked: it stays null, and only its services set on their own count.
 */
export function normalize(cfg, c, s) {
  const out = { c: {}, s: {} }
  for (const cat of optional(cfg)) {
    const services = cat.services || []
    const asked = !c || c[cat.slug] !== null
    let all = services.length > 0
    for (const svc of services) {
      const own = s && svc.slug in s
      const v = own ? s[svc.slug] : c && c[cat.slug]
      if (asked || own) out.s[svc.slug] = v ? 1 : 0
      if (!v) all = false
    }
    out.c[cat.slug] = asked ? ((services.length ? all : c && c[cat.slug]) ? 1 : 0) : null
  }
  return out
}

/** Does this choice leave a category unasked (the banner is still to be answered)? */
export function unanswered(choice) {
  return Object.values(choice.c).includes(null)
}

/** Everything on or off; with GPC, "everything on" leaves advertising off. */
export function allChoices(cfg, on, gpc) {
  const c = {}
  for (const cat of optional(cfg)) c[cat.slug] = on && !(gpc && cat.slug === 'advertising')
  return normalize(cfg, c, null)
}

/** Is a category (and, if named, one of its services) allowed by this choice? */
export function allows(choice, category, service) {
  if (!choice) return false
  if (service && choice.s && service in choice.s) return !!choice.s[service]
  return !!choice.c[category]
}

/** Slugs of categories and services granted in `before` but not in `after`. */
export function withdrawn(before, after) {
  const out = { c: [], s: [] }
  for (const k in out) {
    for (const slug in before && before[k]) if (before[k][slug] && !(after[k] || {})[slug]) out[k].push(slug)
  }
  return out
}

/** The action to record: `withdraw` when a granted category is turned off, else the button's. */
export function actionFor(kind, before, after) {
  return withdrawn(before, after).c.length ? 'withdraw' : kind
}

// true or false; null (not asked) stays null.
const bools = (o) => {
  const r = {}
  for (const k in o) r[k] = o[k] === null ? null : !!o[k]
  return r
}

/** Build the body of `POST /api/v1/sites/{site}/consents`; `eventId` names this one decision. */
export function recordBody(cfg, choice, action, source, language, page, eventId) {
  return {
    event_id: eventId,
    consent_id: choice.id,
    policy_version: cfg.version,
    choices: bools(choice.c),
    services: bools(choice.s),
    action,
    source,
    language,
    page,
    gpc: !!choice.g,
  }
}

/** The public view of a choice, as `Temoin.state()` returns it. */
export function publicState(choice) {
  if (!choice) return null
  return {
    consentId: choice.id,
    version: choice.v,
    choices: bools(choice.c),
    decidedAt: new Date(choice.t * 1000).toISOString(),
    services: bools(choice.s || {}),
    gpc: !!choice.g,
  }
}

/** A random UUIDv4: randomUUID where present (secure contexts), else from getRandomValues. */
export function uuid(cryptoObj) {
  return cryptoObj.randomUUID
    ? cryptoObj.randomUUID()
    : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
        (c ^ (cryptoObj.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
      )
}
