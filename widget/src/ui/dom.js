// A tiny element builder: attributes by setAttribute, children appended as text or nodes, never HTML.

/** Create an element; `on…` props become listeners, `true` becomes an empty attribute. */
export function h(tag, props, ...kids) {
  const el = document.createElement(tag)
  for (const k in props) {
    const v = props[k]
    if (v == null || v === false) continue
    if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v)
    else el.setAttribute(k, v === true ? '' : v)
  }
  for (const kid of kids.flat(2)) if (kid != null && kid !== false) el.append(kid)
  return el
}

const FOCUSABLE = 'button:not([disabled]),input:not([disabled]),a[href],summary'

/** The visible focusable elements inside `root`. */
export function focusables(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((e) => e.getClientRects().length)
}

/** Black or white, whichever contrasts more with a #rgb/#rrggbb colour (WCAG luminance). */
export function onColor(hex) {
  let x = hex.slice(1)
  if (x.length === 3) x = x.replace(/./g, '$&$&')
  const n = parseInt(x, 16)
  let lum = 0
  ;[0.0722, 0.7152, 0.2126].forEach((weight, i) => {
    const c = ((n >> (8 * i)) & 255) / 255
    lum += weight * (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
  })
  return lum > 0.179 ? '#000' : '#fff'
}

/** Theme custom properties for an element (CSSOM, so a strict CSP allows it). */
export function applyTheme(el, theme) {
  const colors = { bg: theme.background, fg: theme.text, primary: theme.primary }
  for (const k in colors) {
    if (!/^#([0-9a-f]{3}){1,2}$/i.test(colors[k] || '')) continue
    el.style.setProperty('--tm-' + k, colors[k])
    if (k === 'primary') el.style.setProperty('--tm-on', onColor(colors[k]))
  }
}

/** Install the widget's CSS: a constructed sheet when supported, else a <style> with the page's nonce. */
export function installCss(doc, css, nonce) {
  try {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.concat(sheet)
    return
  } catch (e) {
    // Older browsers: fall through to a <style> element.
  }
  const st = doc.createElement('style')
  if (nonce) st.setAttribute('nonce', nonce)
  st.textContent = css
  doc.head.appendChild(st)
}
