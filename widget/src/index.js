// Témoin widget entry: runs synchronously from the first <script> in <head>.
// The server appends `Temoin._boot(<published config>, <labels in its languages>)` to this bundle:
// one response, no second request.
import { cmDefault, cmUpdate } from './core/consent-mode.js'
import { vendorSignals } from './core/vendor-signals.js'
import { createGate, touchesGated } from './core/gate.js'
import { pickLanguage, translator } from './core/i18n.js'
import { flush, send } from './core/network.js'
import {
  actionFor,
  allChoices,
  allows,
  isValid,
  lifetime,
  normalize,
  optional,
  publicState,
  recordBody,
  unanswered,
  uuid,
  withdrawn,
} from './core/state.js'
import { deleteCookies, readChoice, writeChoice } from './core/storage.js'
import { d, installCss } from './ui/dom.js'
import css from './ui/styles.css'
import { createUI } from './ui/ui.js'

const w = window

if (!w.Temoin) {
  // Consent Mode v2 default: the very first dataLayer entry, before any tag can run.
  cmDefault(w)
  const me = d.currentScript || {}
  const nonce = me.nonce || ''
  // Records go to the origin the script came from (this page's for an inline copy).
  const apiBase = me.src ? new URL(me.src).origin : location.origin

  const gpc = !!navigator.globalPrivacyControl
  const store = () => w.localStorage
  const post = (url, opts) => w.fetch(url, opts)
  let logged
  const log = (msg, err) => {
    if (!logged) console.warn('Témoin: ' + msg, err || '')
    logged = 1
  }
  // A 403 is the page's origin missing from the site's allowed origins: the record never will be.
  const refused = (status) =>
    log(status == 403 ? 'origin ' + location.origin + ' is not allowed for site ' + cfg.site + ' — add it in the admin' : 'record refused: ' + status)
  const safe = (fn) =>
    function () {
      try {
        return fn.apply(this, arguments)
      } catch (e) {
        log('error, nothing granted', e)
      }
    }

  let cfg, labels, look, current, consentId, lang, ui, gate, ready

  const now = () => Math.floor(Date.now() / 1000)
  const emit = (name) => d.dispatchEvent(new CustomEvent('temoin:' + name, { detail: publicState(current) }))
  const required = (slug) => (cfg.categories || []).some((c) => c.required && c.slug === slug)
  const allowed = (cat, svc) => required(cat) || allows(current, cat, svc)

  // Delete the declared cookies of everything now refused, keeping those of what is allowed.
  function cleanup(choice) {
    const drop = []
    const keep = []
    for (const cat of cfg.categories || []) {
      for (const svc of cat.services || []) {
        const on = cat.required || allows(choice, cat.slug, svc.slug)
        ;(on ? keep : drop).push(...(svc.cookies || []))
      }
    }
    deleteCookies(d, location, drop, keep)
  }

  function decide(kind, source, c, s) {
    if (!cfg) return
    const base = kind === 'custom' ? normalize(cfg, c, s) : allChoices(cfg, kind === 'accept_all', gpc)
    // The id is made on the first decision: a visit that decides nothing needs none.
    const next = { id: consentId || (consentId = uuid(w.crypto)), v: cfg.version, c: base.c, s: base.s, t: now(), g: +gpc }
    const gone = withdrawn(current, next)
    const action = actionFor(kind, current, next)
    current = next
    writeChoice(d, location, next, lifetime(cfg))
    cmUpdate(w, next.c)
    vendorSignals(w, cfg, 'update', allowed)
    cleanup(next)
    // A choice that leaves purposes unasked (a placeholder's) keeps the banner up.
    if (ui && !unanswered(next)) ui.decided_()
    gate.scan_()
    const url = apiBase + '/api/v1/sites/' + encodeURIComponent(cfg.site) + '/consents'
    send(post, store, url, recordBody(cfg, next, action, source, lang, location.pathname, uuid(w.crypto)), refused)
    emit('change')
    if (cfg.reload_on_withdraw && gone.c.length + gone.s.length) location.reload()
  }

  // Change some categories or services from the current choice (API, placeholders): what is
  // not named stays as it was, and a category never asked stays unasked (null), not refused.
  function change(changes, source) {
    const c = {}
    const s = { ...(current && current.s) }
    for (const cat of optional(cfg)) c[cat.slug] = current ? current.c[cat.slug] : null
    for (const slug in changes) {
      // A category sets all its services; a service only itself.
      const on = changes[slug] ? 1 : 0
      const cat = optional(cfg).find((x) => x.slug === slug)
      if (cat) {
        c[slug] = on
        for (const svc of cat.services || []) s[svc.slug] = on
      } else if (optional(cfg).some((x) => (x.services || []).some((v) => v.slug === slug))) s[slug] = on
    }
    decide('custom', source, c, s)
  }

  // The script runs in <head>: everything visible waits for <body>, still before the first paint.
  function mount() {
    if (ui || !d.body) return
    installCss(d, css + look, nonce)
    const allowOne = (slug) => change({ [slug]: 1 }, 'placeholder')
    ui = createUI(cfg, translator(cfg, lang, labels), lang, () => current, safe(decide), safe(allowOne))
    d.body.prepend(ui.host_)
    if (current && !unanswered(current)) ui.showFloating_()
    else ui.showBanner_()
  }

  function onReady() {
    mount()
    ui.pad_()
    gate.scan_()
    ready = 1
    emit('ready')
    // Records left undelivered wait a moment: the page's start never pays for them.
    setTimeout(safe(() => flush(post, store, refused, navigator.locks)), 1000)
  }

  // The server boots the bundle with the site's configuration, its languages' labels and the
  // CSS only its look needs (its colours): server/http/looks.py.
  function boot(config, own, style) {
    if (cfg || !config) return
    cfg = config
    labels = own
    look = style || ''
    lang = pickLanguage(cfg, d.documentElement.lang, navigator.languages)
    const stored = readChoice(d)
    consentId = stored && stored.id
    current = isValid(stored, cfg, now()) ? stored : null
    vendorSignals(w, cfg, 'default', (cat) => required(cat))
    if (current) cmUpdate(w, current.c)
    if (current) vendorSignals(w, cfg, 'update', allowed)
    gate = createGate(d, nonce, allowed, (frame, ok) => {
      mount()
      ui.frame_(frame, ok)
    })
    new MutationObserver(
      safe((records) => {
        mount()
        if (touchesGated(records)) gate.scan_()
      }),
    ).observe(d.documentElement, { childList: true, subtree: true })
    mount()
    gate.scan_()
    if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', safe(onReady))
    else onReady()
    d.addEventListener(
      'click',
      safe((e) => {
        const open = e.target.closest && e.target.closest('[data-temoin-open]')
        if (open) {
          e.preventDefault()
          api.show()
        }
      }),
    )
  }

  const api = {
    get: (slug) => !!cfg && (allowed(slug) || allows(current, 0, slug)),
    state: () => publicState(current),
    acceptAll: () => decide('accept_all', 'api'),
    rejectAll: () => decide('reject_all', 'api'),
    update: (changes) => change(changes, 'api'),
    show: () => {
      mount()
      if (ui) ui.openPrefs_()
    },
    on: (name, fn) => {
      const type = 'temoin:' + name
      const handler = (e) => fn(e.detail)
      d.addEventListener(type, handler)
      if (ready && name === 'ready') fn(publicState(current))
      return () => d.removeEventListener(type, handler)
    },
    _boot: boot,
  }
  // Nothing the page calls may throw into it.
  for (const k in api) api[k] = safe(api[k])
  w.Temoin = api
}
