// Tag gating: inert <script type="text/plain" data-consent> and <iframe data-consent data-src>
// run or load once their category (or service) is allowed.
export const GATED = 'script[type="text/plain"][data-consent],iframe[data-consent]'

/** Does this mutation batch add anything the gate must look at? */
export function touchesGated(records) {
  return records.some((r) => [...r.addedNodes].some((n) => n.nodeType === 1 && (n.matches(GATED) || n.querySelector(GATED))))
}

/** Build a live copy of an inert script: same attributes (and nonce), real type, real src. */
export function activeCopy(doc, old, nonce) {
  const s = doc.createElement('script')
  for (const a of old.attributes) {
    if (!/^(type|data-src|nonce)$/.test(a.name)) s.setAttribute(a.name, a.value)
  }
  const type = old.dataset.type
  if (type) s.setAttribute('type', type)
  const n = old.nonce || nonce
  if (n) s.setAttribute('nonce', n)
  const src = old.dataset.src
  if (src) {
    s.async = old.hasAttribute('async')
    s.src = src
  } else {
    s.text = old.text
  }
  return s
}

/**
 * Make a gate over `doc`. `allowed(category, service)` says what may run;
 * `onFrame(iframe, ok)` shows or hides placeholders once the iframe is loaded or unloaded. Scripts are activated one
 * after another, in document order, each external one waiting for its load.
 */
export function createGate(doc, nonce, allowed, onFrame) {
  const started = new Set()
  const frames = new WeakMap()
  let chain = Promise.resolve()

  function activate(old) {
    return new Promise((done) => {
      if (!old.isConnected) return done()
      const s = activeCopy(doc, old, nonce)
      if (s.src && !s.async) s.onload = s.onerror = done
      else setTimeout(done)
      old.replaceWith(s)
    })
  }

  function scan() {
    const parsing = doc.readyState === 'loading'
    for (const el of doc.querySelectorAll(GATED)) {
      const ok = allowed(el.dataset.consent, el.dataset.service)
      if (el.tagName === 'IFRAME') {
        setFrame(el, ok, frames)
        onFrame(el, ok)
      } else if (ok && !started.has(el)) {
        // While the parser may still be filling an inline script, wait until it has moved past it.
        if (parsing && !el.dataset.src && !el.nextSibling) continue
        started.add(el)
        chain = chain.then(() => activate(el))
      }
    }
  }

  return { scan_: scan }
}

/**
 * Load or unload a gated iframe. `loaded` maps each iframe to the address this page gave it (the
 * attribute alone cannot tell: a src set too early stays unloaded). Returns true when it changed.
 */
export function setFrame(iframe, ok, loaded, later = setTimeout) {
  const src = iframe.dataset.src
  const live = iframe.getAttribute('src')
  if (ok && src && loaded.get(iframe) !== src) {
    loaded.set(iframe, src)
    // Chromium leaves a parser-inserted iframe about:blank when its src is set in the task that
    // inserted it, so navigate a task later. A src the page's own HTML gave is already loading.
    if (live !== src) later(() => loaded.get(iframe) === src && iframe.setAttribute('src', src))
    return true
  }
  if (!ok && (loaded.has(iframe) || live)) {
    loaded.delete(iframe)
    // Navigate away first: removing `src` alone leaves the embedded page running.
    iframe.setAttribute('src', 'about:blank')
    iframe.removeAttribute('src')
    return true
  }
  return false
}
