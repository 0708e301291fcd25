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
  save(store, [...load(store), { url, body }])
}

/**
 * POST one record as text/plain JSON (no preflight). Network errors, 408, 429
 * and 5xx queue it; other answers are final. Resolves to true when delivered.
 */
export async function send(fetchFn, store, url, body, log) {
  try {
    const r = await fetchFn(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify(body),
      keepalive: true,
      credentials: 'omit',
    })
    // The server judges a withdrawal against the records it has; if an earlier grant
    // never reached it, the same choices still count as a custom choice.
    if (r.status === 422 && body.action === 'withdraw') {
      return send(fetchFn, store, url, { ...body, action: 'custom' }, log)
    }
    if (!/^(5|408|429)/.test(r.status)) {
      if (!r.ok && log) log('record refused: ' + r.status)
      return r.ok
    }
  } catch (e) {
    // Offline, blocked or refused by the browser: queued like a 5xx.
  }
  enqueue(store, url, body)
  return false
}

/** Send every queued record again, oldest first; failures go back to the queue. */
export async function flush(fetchFn, store, log) {
  const items = load(store)
  let delivered = 0
  save(store, [])
  for (const it of items) delivered += await send(fetchFn, store, it.url, it.body, log)
  return delivered
}
