// Vendors' own consent signals, sent as Consent Mode is (at boot, on every decision, on every
// load with a stored choice), for a site whose configuration lists the service:
// Microsoft UET consent mode and Microsoft Clarity's consent API.
export const UET = ['microsoft-ads', 'microsoft-uet', 'bing-ads']
export const CLARITY = ['clarity', 'microsoft-clarity']

/** Find the first service of the configuration whose slug is one of `slugs`: [category, slug]. */
export function findService(cfg, slugs) {
  for (const cat of (cfg && cfg.categories) || []) {
    for (const svc of cat.services || []) if (slugs.indexOf(svc.slug) >= 0) return [cat.slug, svc.slug]
  }
  return null
}

const state = (on) => (on ? 'granted' : 'denied')

// Clarity's own snippet keeps calls in `clarity.q` until its script loads: the same stub.
function clarity(win) {
  win.clarity =
    win.clarity ||
    function () {
      ;(win.clarity.q = win.clarity.q || []).push(arguments)
    }
  return win.clarity
}

/** Send each listed vendor's signal; `grant(category, service)` says what is allowed. */
export function vendorSignals(win, cfg, kind, grant) {
  const uet = findService(cfg, UET)
  if (uet) (win.uetq = win.uetq || []).push('consent', kind, { ad_storage: state(grant(uet[0], uet[1])) })
  const cl = findService(cfg, CLARITY)
  if (cl) {
    clarity(win)('consentv2', {
      ad_Storage: state(grant('advertising')),
      analytics_Storage: state(grant(cl[0], cl[1])),
    })
  }
}
