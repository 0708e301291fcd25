// Témoin widget entry: runs synchronously from the first <script> in <head>.
// The server appends `Temoin._boot(<published config>)` to this bundle: one response, no second request.
import { cmDefault, cmUpdate } from './core/consent-mode.js'
import { createGate, setFrame, touchesGated } from './core/gate.js'
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
  uuid,
  withdrawn,
} from './core/state.js'
import { deleteCookies, readChoice, writeChoice } from './core/storage.js'
import { installCss } from './ui/dom.js'
import css from './ui/styles.css'
import { createUI } from './ui/ui.js'

const w = window
const d = document

if (!w.Temoin) {
  const me = d.currentScript || {}
  const nonce = me.nonce || ''
  // Records go to the origin the script came from (this page's for an inline copy).
  const apiBase = me.src ? new URL(me.src).origin : location.origin
  // Consent Mode v2 default: the very first dataLayer entry, before any tag can run.
  cmDefault(w)

  const gpc = navigator.globalPrivacyControl === true
  const store = () => w.localStorage
  const post = (url, opts) => w.fetch(url, opts)
  let logged = false
  const log = (msg, err) => {
    if (!logged && w.console) console.warn('Témoin: ' + msg, err || '')
    logged = true
  }
  const safe = (fn) =>
    function () {
      try {
        return fn.apply(this, arguments)
      } catch (e) {
        log('error, nothing granted', e)
      }
    }

  let cfg = null
  let current = null
  let consentId = ''
  let lang = 'fr'
  let ui = null
  let gate = null
  let mounted = false
  let ready = false

  const now = () => Math.floor(Date.now() / 1000)
  const emit = (name) => d.dispatchEvent(new CustomEvent('temoin:' + name, { detail: publicState(current) }))
  const required = (slug) => (cfg.categories || []).some((c) => c.required && c.slug === slug)
  const allowed = (cat, svc) => required(cat) || allows(current, cat, svc)
  const recordUrl = () => apiBase + '/api/v1/sites/' + encodeURIComponent(cfg.site) + '/consents'

  // Set a category (and all its services) or a single service.
  function set(choice, slug, on) {
    const cat = optional(cfg).find((c) => c.slug === slug)
    if (cat) {
      choice.c[slug] = on
      for (const svc of cat.services || []) choice.s[svc.slug] = on
    } else if (slug in choice.s) choice.s[slug] = on
  }

  // Delete the declared cookies of everything now refused, keeping those of what is allowed.
  function cleanup(choice) {
    const drop = []
    const keep = []
    for (const cat of cfg.categories || []) {
      for (const svc of cat.services || []) {
        const on = cat.required || allows(choice, cat.slug, svc.slug)
        ;(on ? keep : drop).push.apply(on ? keep : drop, svc.cookies || [])
      }
    }
    deleteCookies(d, location, drop, keep)
  }

  function decide(kind, source, c, s) {
    if (!cfg) return
    const base = kind === 'custom' ? normalize(cfg, c, s) : allChoices(cfg, kind === 'accept_all', gpc)
    const next = { id: consentId, v: cfg.version, c: base.c, s: base.s, t: now(), g: gpc ? 1 : 0 }
    const gone = withdrawn(current, next)
    const action = actionFor(kind, current, next)
    current = next
    writeChoice(d, location, next, lifetime(cfg))
    cmUpdate(w, next.c)
    cleanup(next)
    if (ui) ui.decided()
    gate.scan()
    send(post, store, recordUrl(), recordBody(cfg, next, action, source, lang, location.pathname), log)
    emit('change')
    if (cfg.reload_on_withdraw && gone.c.length + gone.s.length) location.reload()
  }

  // Change some categories or services from the current choice (API, placeholders).
  function change(changes, source) {
    const base = current || allChoices(cfg, false, gpc)
    const choice = { c: Object.assign({}, base.c), s: Object.assign({}, base.s) }
    for (const slug in changes) set(choice, slug, changes[slug] ? 1 : 0)
    decide('custom', source, choice.c, choice.s)
  }

  function mount() {
    if (mounted || !d.body || !ui) return
    mounted = true
    d.body.prepend(ui.host)
    if (current) ui.showFloating()
    else ui.showBanner()
  }

  function onReady() {
    mount()
    ui.pad()
    gate.scan()
    ready = true
    emit('ready')
    flush(post, store, log)
  }

  function boot(config) {
    if (cfg || !config) return
    cfg = config
    lang = pickLanguage(cfg, d.documentElement.lang, navigator.languages || [navigator.language])
    const t = translator(cfg, lang)
    const stored = readChoice(d)
    consentId = (stored && stored.id) || uuid(w.crypto)
    current = isValid(stored, cfg, now()) ? stored : null
    if (current) cmUpdate(w, current.c)
    ui = createUI({
      cfg,
      t,
      lang,
      choice: () => current,
      decide: safe(decide),
      allowFrame: safe((cat, svc) => change({ [svc || cat]: 1 }, 'placeholder')),
    })
    gate = createGate(d, nonce, allowed, (frame, ok) => {
      mount()
      setFrame(frame, ok)
      ui.frame(frame, ok)
    })
    installCss(d, css, nonce)
    new MutationObserver(
      safe((records) => {
        mount()
        if (touchesGated(records)) gate.scan()
      }),
    ).observe(d.documentElement, { childList: true, subtree: true })
    mount()
    gate.scan()
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
      if (mounted) ui.openPrefs(false)
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
