// Rendering: the banner, the preferences dialog, iframe placeholders and the floating button.
import { lifetimeText } from '../core/i18n.js'
import { normalize, optional } from '../core/state.js'
import { applyTheme, focusables, h } from './dom.js'

const w = window
const catName = (t, cat) => t('name', cat.texts) || cat.slug

/** Build the widget UI for a booted controller `ctx` and return its handles. */
export function createUI(ctx) {
  const { cfg, t, lang } = ctx
  const theme = cfg.theme || {}
  const host = h('div', { id: 'temoin', lang })
  applyTheme(host, theme)
  let banner = null
  let dialog = null
  let floating = null
  let opener = null
  let spacer = null
  const frames = new WeakMap()

  const button = (action, key, cls) =>
    h('button', { class: 'tm-btn' + (cls ? ' ' + cls : ''), 'data-action': action }, t(key))

  function showBanner() {
    if (banner) return
    const names = optional(cfg).map((c) => catName(t, c))
    banner = h(
      'section',
      { class: 'tm-banner tm-' + (theme.position === 'top' ? 'top' : 'bottom'), 'aria-labelledby': 'tm-t' },
      [
        h('h2', { id: 'tm-t' }, t('title')),
        h('p', null, t('description')),
        h('p', null, t('purposes') + ' ' + names.join(', ') + '.'),
        h('p', null, t('withdraw')),
        h('button', { class: 'tm-link', 'data-action': 'services' }, t('services_link')),
        h(
          'div',
          { class: 'tm-actions' },
          button('accept-all', 'accept_all'),
          button('reject-all', 'reject_all'),
          button('customize', 'customize', 'tm-sec'),
        ),
      ],
    )
    host.prepend(banner)
    if (theme.position !== 'top' && w.ResizeObserver) new ResizeObserver(pad).observe(banner)
  }

  // A bottom banner must not hide the end of the page: once the page is parsed, a spacer
  // as tall as the banner at the end of <body> lets every link scroll above it (no shift).
  function pad() {
    if (document.readyState === 'loading') return
    if (!banner || theme.position === 'top') return spacer && spacer.remove()
    if (!spacer) spacer = h('div')
    if (!spacer.isConnected) document.body.append(spacer)
    spacer.style.height = banner.offsetHeight + 'px'
  }

  function hideBanner() {
    if (banner) banner.remove()
    banner = null
    pad()
  }

  function showFloating() {
    if (!cfg.floating_button || floating) return
    floating = h('button', { class: 'tm-float', 'data-action': 'open' }, t('floating'))
    host.append(floating)
  }

  function cookieItem(ck) {
    return h(
      'li',
      null,
      h('code', null, ck.name),
      ' — ' + [t('purpose', ck.texts), t('lifetime') + ' : ' + lifetimeText(t, ck.lifetime_days)].filter(Boolean).join(' — '),
    )
  }

  function serviceBlock(cat, svc, on) {
    const url = /^https?:\/\//i.test(svc.privacy_url || '') ? svc.privacy_url : null
    const label = svc.name || svc.slug
    return h(
      'div',
      { class: 'tm-svc' },
      cat.required
        ? h('h4', { class: 'tm-row' }, label)
        : h(
            'label',
            { class: 'tm-row' },
            label,
            h('input', { type: 'checkbox', 'data-service': svc.slug, checked: !!on }),
          ),
      h('p', { class: 'tm-small' }, t('description', svc.texts)),
      url && h('p', { class: 'tm-small' }, h('a', { href: url, target: '_blank' }, t('privacy'))),
      (svc.cookies || []).length > 0 && h('ul', { class: 'tm-small' }, svc.cookies.map(cookieItem)),
    )
  }

  function categoryBlock(cat, choice, expand) {
    const id = 'tm-c-' + cat.slug
    const on = cat.required || !!(choice && choice.c[cat.slug])
    const services = cat.services || []
    return h(
      'div',
      { class: 'tm-cat' },
      h(
        'div',
        { class: 'tm-row' },
        h('h3', null, h('label', { for: id }, catName(t, cat))),
        cat.required && h('span', { class: 'tm-small' }, t('always_on')),
        h('input', { type: 'checkbox', id, 'data-category': cat.slug, checked: on, disabled: !!cat.required }),
      ),
      h('p', null, t('description', cat.texts)),
      services.length > 0 &&
        h(
          'details',
          { open: expand },
          h('summary', null, t('services') + ' (' + services.length + ')'),
          services.map((svc) => serviceBlock(cat, svc, cat.required || (choice && choice.s && choice.s[svc.slug]))),
        ),
    )
  }

  // Keep each category toggle in step with its services: all, none, or some (mixed).
  function sync(dialogEl, changed) {
    for (const cat of optional(cfg)) {
      const box = dialogEl.querySelector('[data-category="' + cat.slug + '"]')
      const svcBoxes = (cat.services || []).map((s) => dialogEl.querySelector('[data-service="' + s.slug + '"]'))
      if (changed === box) {
        svcBoxes.forEach((b) => (b.checked = box.checked))
      } else if (svcBoxes.length) {
        const n = svcBoxes.filter((b) => b.checked).length
        box.checked = n === svcBoxes.length
        box.indeterminate = n > 0 && n < svcBoxes.length
      }
    }
  }

  function readToggles() {
    const c = {}
    const s = {}
    for (const box of dialog.querySelectorAll('input')) {
      if (box.dataset.service) s[box.dataset.service] = box.checked
      else c[box.dataset.category] = box.checked
    }
    return normalize(cfg, c, s)
  }

  function openPrefs(expand) {
    closePrefs(true)
    opener = document.activeElement
    const choice = ctx.choice()
    dialog = h(
      'dialog',
      { 'aria-modal': 'true', 'aria-labelledby': 'tm-p' },
      h(
        'div',
        { class: 'tm-row' },
        h('h2', { id: 'tm-p' }, t('preferences_title')),
        h('button', { class: 'tm-x', 'data-action': 'close' }, t('close')),
      ),
      (cfg.categories || []).map((cat) => categoryBlock(cat, choice, expand)),
      h(
        'div',
        { class: 'tm-foot tm-actions' },
        button('reject-all', 'reject_all'),
        button('accept-all', 'accept_all'),
        button('save', 'save'),
      ),
    )
    dialog.addEventListener('change', (e) => sync(dialog, e.target))
    dialog.addEventListener('cancel', (e) => {
      // Escape closes without granting anything.
      e.preventDefault()
      closePrefs()
    })
    dialog.addEventListener('keydown', trap)
    host.append(dialog)
    sync(dialog, null)
    dialog.showModal()
    focusables(dialog)[0].focus()
  }

  function trap(e) {
    if (e.key !== 'Tab') return
    const list = focusables(dialog)
    const first = list[0]
    const last = list[list.length - 1]
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault()
      first.focus()
    }
  }

  function closePrefs(quiet) {
    if (!dialog) return
    if (dialog.open && dialog.close) dialog.close()
    dialog.remove()
    dialog = null
    if (quiet) return
    const back = opener && opener.isConnected && opener !== document.body ? opener : floating || (banner && focusables(banner)[0])
    if (back) back.focus()
  }

  function onClick(e) {
    const el = e.target.closest('[data-action]')
    if (!el) return
    const action = el.dataset.action
    const source = dialog && dialog.contains(el) ? 'preferences' : 'banner'
    if (action === 'accept-all') ctx.decide('accept_all', source)
    else if (action === 'reject-all') ctx.decide('reject_all', source)
    else if (action === 'save') {
      const r = readToggles()
      ctx.decide('custom', 'preferences', r.c, r.s)
    } else if (action === 'close') closePrefs()
    else openPrefs(action === 'services')
  }
  host.addEventListener('click', onClick)

  /** Show a placeholder for a blocked iframe, or drop it once the iframe may load. */
  function frame(iframe, ok) {
    let ph = frames.get(iframe)
    if (ok) {
      if (ph) ph.remove()
      frames.delete(iframe)
      iframe.hidden = false
      return
    }
    if (ph && ph.isConnected) return
    const catSlug = iframe.dataset.consent
    const svcSlug = iframe.dataset.service
    const cat = (cfg.categories || []).find((c) => c.slug === catSlug) || { slug: catSlug }
    const svc = svcSlug && (cat.services || []).find((s) => s.slug === svcSlug)
    const name = (svc && svc.name) || svcSlug || catName(t, cat)
    ph = h(
      'div',
      { class: 'temoin-ph', lang, role: 'group', 'aria-label': name },
      h('p', null, t('blocked', null, { name, category: catName(t, cat) })),
      h(
        'button',
        { onclick: () => ctx.allowFrame(catSlug, svc ? svcSlug : null) },
        t('allow', null, { name }),
      ),
    )
    applyTheme(ph, theme)
    // Take the iframe's place, so that loading it later moves nothing.
    const px = (v) => (/^\d+$/.test(v) ? v + 'px' : v)
    ph.style.width = px(iframe.width)
    ph.style.minHeight = px(iframe.height)
    frames.set(iframe, ph)
    iframe.hidden = true
    iframe.before(ph)
  }

  return {
    host,
    showBanner,
    showFloating,
    openPrefs,
    decided() {
      hideBanner()
      showFloating()
      closePrefs()
    },
    pad,
    frame,
  }
}
