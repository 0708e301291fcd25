// Deliver consent records: each waits in localStorage until the server has answered it for good.
export const QUEUE = 'temoin:queue'

// Records this page is sending: its own flush leaves them to the request in flight.
const sending = {}

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
 * POST one queued record as text/plain JSON (no preflight). Network errors, 408,
 * 429 and 5xx leave it queued (undefined: try later); any other answer is final,
 * so it leaves the queue then (true when recorded, false when refused). Another
 * tab may have changed the queue meanwhile: only this record is taken out.
 */
async function deliver(fetchFn, store, it, refused) {
  const key = JSON.stringify(it)
  let body = it.body
  sending[key] = 1
  try {
    for (;;) {
      const r = await fetchFn(it.url, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify(body),
        keepalive: true,
        credentials: 'omit',
      })
      // The server judges a withdrawal against the records it has; if an earlier grant
      // never reached it, the same choices still count as a custom choice.
      if (r.status === 422 && body.action === 'withdraw') body = { ...body, action: 'custom' }
      else if (/^(5|408|429)/.test(r.status)) return
      else {
        save(store, load(store).filter((x) => JSON.stringify(x) !== key))
        if (!r.ok && refused) refused(r.status)
        return r.ok
      }
    }
  } catch (e) {
    // Offline, blocked or refused by the browser: it stays queued, like a 5xx.
  } finally {
    delete sending[key]
  }
}

/**
 * Send one new record. It is queued first, so that a page closed before the answer
 * leaves it for a later load; its event_id makes that second delivery harmless.
 * Resolves to true when recorded.
 */
export async function send(fetchFn, store, url, body, refused) {
  enqueue(store, url, body)
  return !!(await deliver(fetchFn, store, { url, body }, refused))
}

/**
 * Send the queued records again, oldest first, stopping at the first that must wait.
 * Under the `temoin:queue` Web Lock (when `locks` is given), so two tabs never send
 * the same records at once. Resolves to the number recorded.
 */
export async function flush(fetchFn, store, refused, locks) {
  const run = async () => {
    let delivered = 0
    for (const it of load(store)) {
      if (sending[JSON.stringify(it)]) continue
      const done = await deliver(fetchFn, store, it, refused)
      if (done === undefined) break
      delivered += done
    }
    return delivered
  }
  try {
    if (locks) return await locks.request(QUEUE, run)
  } catch (e) {
    // No lock to be had (an opaque origin, say): send without it; event ids keep it right.
  }
  return run()
}
