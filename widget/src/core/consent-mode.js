// Google Consent Mode v2: which category grants which storage type.
export const CM_MAP = {
  advertising: ['ad_storage', 'ad_user_data', 'ad_personalization'],
  audience: ['analytics_storage'],
  functional: ['functionality_storage', 'personalization_storage'],
}

/** Map category choices ({slug: bool|0|1}) to the seven Consent Mode types. */
export function cmState(choices) {
  const out = {}
  for (const slug in CM_MAP) {
    for (const type of CM_MAP[slug]) out[type] = choices && choices[slug] ? 'granted' : 'denied'
  }
  out.security_storage = 'granted'
  return out
}

/** Push `gtag('consent', kind, state)` to win.dataLayer as an `arguments` object, as gtag.js does. */
function push(win, kind, state) {
  // Google's tags only honour entries that are real `arguments` objects.
  ;(function () {
    ;(win.dataLayer = win.dataLayer || []).push(arguments)
  })('consent', kind, state)
}

/** Push the `consent default` (everything denied but security, wait for our update). */
export function cmDefault(win) {
  push(win, 'default', { ...cmState(), wait_for_update: 500 })
}

/** Push a `consent update` for the given category choices. */
export function cmUpdate(win, choices) {
  push(win, 'update', cmState(choices))
}
