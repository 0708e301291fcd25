// Rendering: the banner, the preferences dialog, iframe placeholders and the floating button.
// The dialog is built only when opened: the page's start pays for the banner alone.
import { lifetimeText } from '../core/i18n.js'
import { atBottom, optional } from '../core/state.js'
import { d, focusables, h } from './dom.js'

const catName = (t, cat) => t('name', cat.texts) || cat.slug
// A switch: a native checkbox (keyboard, forms, state) that screen readers announce as on or off.
const box = (props) => h('input', { type: 'checkbox', role: 'switch', ...props })

/**
 * Build the widget UI. `choice()` is the current choice (or null), `decide(kind, source, c, s)`
 * records a decision, `allowOne(slug)` allows one category or service (iframe placeholders).
 */
export function createUI(cfg, t, lang, choice, decide, allowOne) {
  const top = !atBottom(cfg.theme)
  // The direction is set even when it is ltr: the page's own (an Arabic page's rtl) must not leak in.
  const dir = t('dir')
  const host = h('div', { id: 'temoin', lang, dir })
  const frames = new WeakMap()
  let banner, dialog, floating, opener, spacer
  let height = 0
  // Accept and refuse share one look (same size, same weight); only « customize » differs.
  // A button's text is the one named like its action (accept-all: accept_all) unless told.
  const button = (action, cls, key = action.replace('-', '_')) =>
    h('button', { class: cls, 'data-action': action }, t(key))

  function showBanner() {
    const names = optional(cfg).map((c) => catName(t, c))
    // The text scrolls inside the banner when the screen is short; the buttons below it stay.
    banner = h(
      'section',
      { class: 'tm-banner', 'aria-labelledby': 'tm-t' },
      h(
        'div',
        { class: 'tm-text' },
        h('h2', { id: 'tm-t' }, t('title')),
        h('p', 0, t('description')),
        h('p', 0, t('purposes', 0, { list: names.join(t('comma')) })),
        h('p', 0, t('withdraw')),
        button('services', 'tm-link', 'services_link'),
      ),
      h(
        'div',
        { class: 'tm-actions' },
        button('accept-all'),
        button('reject-all'),
        button('customize', 'tm-sec'),
      ),
    )
    host.prepend(banner)
    if (!top) watch(banner)
  }

  const watch = (el) => window.ResizeObserver && new ResizeObserver(pad).observe(el)

  // What is fixed at the bottom of the screen must not hide the end of the page (the footer's
  // links): once the page is parsed, a spacer as tall as the bottom banner (the bar, the box) or
  // the floating button, and 24px for their margins, at the end of <body> lets every link scroll
  // above it (nothing moves). The height is read when the ResizeObserver reports, after layout:
  // reading it elsewhere would force one.
  function pad(resized) {
    const el = banner ? !top && banner : floating
    if (resized) height = el ? el.offsetHeight + 24 : 0
    if (d.readyState === 'loading') return
    if (!el) return spacer && spacer.remove()
    spacer = spacer || h('div')
    spacer.style.height = height + 'px'
    if (!spacer.isConnected) d.body.append(spacer)
  }

  function showFloating() {
    if (cfg.floating_button && !floating) {
      host.append((floating = button('open', 'tm-float', 'floating')))
      watch(floating)
    }
  }

  // A cookie: its name and how long it lives on one line, what it is for below.
  function cookieItem(ck) {
    const purpose = t('purpose', ck.texts)
    const life = t('lifetime', 0, { d: lifetimeText(t, ck.lifetime_days, lang) })
    return h('li', 0, h('code', 0, ck.name), ' — ' + life, purpose && h('p', 0, purpose))
  }

  // One category: its switch (kept in step with its services' switches), then a section that
  // opens on its title: its description, its services and their cookies. The switch is outside
  // the summary, before it: Tab reaches it first, and a click on the title only opens the section.
  // Its label (a service's holds its name) is the 44px target around the 44×24 track.
  function categoryBlock(cat, now, expand, groups) {
    const name = catName(t, cat)
    const all = box({
      'aria-label': name,
      'data-category': cat.slug,
      checked: cat.required || now.c[cat.slug],
      disabled: cat.required,
    })
    const boxes = []
    groups.push([all, boxes])
    const service = (svc) => {
      const url = /^https?:\/\//i.test(svc.privacy_url) && svc.privacy_url
      const label = svc.name || svc.slug
      const own = !cat.required && box({ 'data-service': svc.slug, checked: (now.s || {})[svc.slug] })
      if (own) boxes.push(own)
      return h(
        'div',
        { class: 'tm-svc' },
        h('h4', 0, own ? h('label', 0, own, label) : label),
        h('p', 0, t('description', svc.texts)),
        url && h('p', 0, h('a', { href: url, target: '_blank' }, t('privacy'))),
        (svc.cookies || []).length > 0 && h('ul', 0, svc.cookies.map(cookieItem)),
      )
    }
    return h(
      'div',
      { class: 'tm-cat' },
      h('label', 0, all),
      h(
        'details',
        { open: expand },
        h('summary', 0, h('h3', 0, name), cat.required && h('span', 0, t('always_on'))),
        h('p', 0, t('description', cat.texts)),
        (cat.services || []).map(service),
      ),
    )
  }

  // A category toggle sets all its services; services set their category: all, none or mixed.
  function sync(groups, changed) {
    for (const [all, boxes] of groups) {
      const on = boxes.filter((b) => b.checked).length
      if (changed === all) for (const b of boxes) b.checked = all.checked
      else if (boxes.length) {
        all.checked = on === boxes.length
        all.indeterminate = on > 0 && on < boxes.length
      }
    }
  }

  function openPrefs(expand) {
    closePrefs(1)
    opener = d.activeElement
    const now = choice() || { c: {} }
    const groups = []
    dialog = h(
      'dialog',
      { 'aria-modal': 'true', 'aria-labelledby': 'tm-p' },
      h('div', { class: 'tm-head' }, h('h2', { id: 'tm-p' }, t('preferences_title')), button('close', 'tm-sec')),
      h(
        'div',
        { class: 'tm-body' },
        (cfg.categories || []).map((cat) => categoryBlock(cat, now, expand, groups)),
      ),
      h(
        'div',
        { class: 'tm-foot tm-actions' },
        button('reject-all'),
        button('accept-all'),
        button('save'),
      ),
    )
    dialog.onchange = (e) => sync(groups, e.target)
    dialog.oncancel = (e) => {
      // Escape closes without granting anything.
      e.preventDefault()
      closePrefs()
    }
    dialog.onkeydown = trap
    host.append(dialog)
    sync(groups)
    // showModal() moves the focus to the first focusable element (the close button).
    dialog.showModal()
  }

  // Enter turns a switch on or off, as Space does; Tab and Shift+Tab cycle inside the dialog.
  function trap(e) {
    if (e.key == 'Enter' && e.target.type == 'checkbox') e.target.click()
    if (e.key !== 'Tab') return
    const list = focusables(dialog)
    const [from, to] = e.shiftKey ? [0, list.length - 1] : [list.length - 1, 0]
    if (d.activeElement === list[from]) {
      e.preventDefault()
      list[to].focus()
    }
  }

  function closePrefs(quiet) {
    if (!dialog) return
    dialog.remove()
    dialog = null
    if (quiet) return
    const back = opener && opener.isConnected && opener !== d.body ? opener : floating || (banner && focusables(banner)[0])
    if (back) back.focus()
  }

  host.onclick = (e) => {
    const el = e.target.closest('[data-action]')
    const action = el && el.dataset.action
    const source = dialog && dialog.contains(el) ? 'preferences' : 'banner'
    if (!action) return
    if (action === 'close') closePrefs()
    else if (action === 'save') {
      const c = {}
      const s = {}
      for (const b of dialog.querySelectorAll('input')) {
        const { service, category } = b.dataset
        if (service) s[service] = b.checked
        else c[category] = b.checked
      }
      decide('custom', source, c, s)
    } else if (action.endsWith('all')) decide(action.replace('-', '_'), source) // accept-all, reject-all
    else openPrefs(action === 'services')
  }

  /** Show a placeholder for a blocked iframe, or drop it once the iframe may load. */
  function frame(iframe, ok) {
    const { consent, service } = iframe.dataset
    let ph = frames.get(iframe)
    if (ok) {
      if (ph) ph.remove()
      iframe.hidden = false
    } else if (!ph || !ph.isConnected) {
      const cat = (cfg.categories || []).find((c) => c.slug === consent) || { slug: consent }
      const svc = service && (cat.services || []).find((s) => s.slug === service)
      const name = (svc && svc.name) || service || catName(t, cat)
      const allow = h('button', 0, t('allow', 0, { name }))
      allow.onclick = () => allowOne(svc ? service : consent)
      ph = h(
        'div',
        { class: 'temoin-ph', lang, dir, role: 'group', 'aria-label': name },
        h('p', 0, t('blocked', 0, { name, category: catName(t, cat) })),
        allow,
      )
      // Take the iframe's place, so that loading it later moves nothing.
      const px = (v) => (isNaN(v) ? v : v + 'px')
      ph.style.width = px(iframe.width)
      ph.style.minHeight = px(iframe.height)
      frames.set(iframe, ph)
      iframe.hidden = true
      iframe.before(ph)
    }
  }

  return {
    host_: host,
    showBanner_: showBanner,
    showFloating_: showFloating,
    openPrefs_: openPrefs,
    decided_() {
      if (banner) banner.remove()
      banner = null
      pad()
      showFloating()
      closePrefs()
    },
    pad_: pad,
    frame_: frame,
  }
}
