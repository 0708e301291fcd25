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

const FOCUSABLE = 'button,input:not(:disabled),a,summary'

/** The visible focusable elements inside `root`. */
export function focusables(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((e) => e.getClientRects().length)
}

/** Theme custom properties for an element (CSSOM, so a strict CSP allows it). */
export function applyTheme(el, theme) {
  const colors = { bg: theme.background, fg: theme.text, primary: theme.primary }
  for (const k in colors) {
    if (!/^#([0-9a-f]{3}){1,2}$/i.test(colors[k] || '')) continue
    el.style.setProperty('--tm-' + k, colors[k])
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
