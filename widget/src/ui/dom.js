// A tiny element builder: attributes by setAttribute, children appended as text or nodes, never HTML.
export const d = document

/** Create an element; `true` becomes an empty attribute, falsy props and children are left out. */
export function h(tag, props, ...kids) {
  const el = d.createElement(tag)
  for (const k in props) if (props[k]) el.setAttribute(k, props[k] === true ? '' : props[k])
  el.append(...kids.flat(2).filter(Boolean))
  return el
}

/** The visible focusable elements inside `root`. */
export function focusables(root) {
  return [...root.querySelectorAll('button,input:not(:disabled),a,summary')].filter((e) => e.getClientRects().length)
}

/** Install the widget's CSS: a constructed sheet when supported, else a <style> with the page's nonce. */
export function installCss(doc, css, nonce) {
  try {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet]
    return
  } catch (e) {
    // Older browsers: fall through to a <style> element.
  }
  const st = doc.createElement('style')
  if (nonce) st.setAttribute('nonce', nonce)
  st.textContent = css
  doc.head.append(st)
}
