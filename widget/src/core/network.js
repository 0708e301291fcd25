// Deliver consent records: at once with fetch(keepalive), else queued in localStorage for a later load.
export const QUEUE = 'temoin:queue'

// `store` returns the Storage (localStorage may throw on access when blocked).
function load(store) {
  try {
    return JSON.parse(store().getItem(QUEUE) || '[]') || []
  } catch (e) {
    return []
  }
}

function save(store, items) {
  try {
    if (items.length) store().setItem(QUEUE, JSON.stringify(items))
    else store().removeItem(QUEUE)
  } catch (e) {
    // Storage blocked or full: the record stays in memory for this page only.
  }
}

/** Add one undelivered record to the queue. */
export function enqueue(store, url, body) {
  const items = load(store)
  items.push({ url, body })
  save(store, items)
}

/**
 * POST one record as text/plain JSON (no preflight). Network errors, 408, 429
 * and 5xx queue it; other answers are final. Resolves to true when delivered.
 */
export function send(fetchFn, store, url, body, log) {
  const retry = () => {
    enqueue(store, url, body)
    return false
  }
  let p
  try {
    p = fetchFn(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify(body),
      keepalive: true,
      credentials: 'omit',
    })
  } catch (e) {
    return Promise.resolve(retry())
  }
  return p.then(
    (r) => {
      if (/^(5|408|429)/.test(r.status)) return retry()
      // The server judges a withdrawal against the records it has; if an earlier grant
      // never reached it, the same choices still count as a custom choice.
      if (r.status === 422 && body.action === 'withdraw') {
        return send(fetchFn, store, url, { ...body, action: 'custom' }, log)
      }
      if (!r.ok && log) log('record refused: ' + r.status)
      return r.ok
    },
    retry,
  )
}

/** Send every queued record again, oldest first; failures go back to the queue. */
export function flush(fetchFn, store, log) {
  const items = load(store)
  save(store, [])
  return items.reduce(
    (p, it) => p.then((n) => send(fetchFn, store, it.url, it.body, log).then((ok) => n + ok)),
    Promise.resolve(0),
  )
}
