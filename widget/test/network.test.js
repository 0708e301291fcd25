import { test } from 'node:test'
import assert from 'node:assert/strict'
import { QUEUE, flush, send } from '../src/core/network.js'
// A second copy of the module: what another tab of the same site runs.
import { flush as otherTabFlush } from '../src/core/network.js?tab=2'

// The network functions take a getter of the Storage, like () => localStorage.
function memoryStore() {
  const m = new Map()
  const storage = {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => m.set(k, String(v)),
    removeItem: (k) => m.delete(k),
  }
  const get = () => storage
  get.getItem = storage.getItem
  get.setItem = storage.setItem
  return get
}

const answer = (status) => () => Promise.resolve({ status, ok: status >= 200 && status < 300 })

test('a record is POSTed as text/plain JSON with keepalive', async () => {
  const calls = []
  const fetchFn = (url, opts) => {
    calls.push([url, opts])
    return answer(201)()
  }
  const store = memoryStore()
  assert.equal(await send(fetchFn, store, 'https://c.example/api', { a: 1 }), true)
  const [url, opts] = calls[0]
  assert.equal(url, 'https://c.example/api')
  assert.equal(opts.method, 'POST')
  assert.equal(opts.headers['Content-Type'], 'text/plain')
  assert.equal(opts.keepalive, true)
  assert.deepEqual(JSON.parse(opts.body), { a: 1 })
  assert.equal(store.getItem(QUEUE), null, 'nothing queued on success')
})

for (const failure of ['network', 500, 503, 429]) {
  test(`a ${failure} failure queues the record, and flush delivers it later`, async () => {
    const store = memoryStore()
    const failing = failure === 'network' ? () => Promise.reject(new TypeError('offline')) : answer(failure)
    assert.equal(await send(failing, store, '/u', { n: 1 }), false)
    assert.equal(await send(failing, store, '/u', { n: 2 }), false)
    assert.deepEqual(JSON.parse(store.getItem(QUEUE)), [
      { url: '/u', body: { n: 1 } },
      { url: '/u', body: { n: 2 } },
    ])
    const delivered = []
    const ok = (url, opts) => {
      delivered.push(JSON.parse(opts.body).n)
      return answer(201)()
    }
    assert.equal(await flush(ok, store), 2)
    assert.deepEqual(delivered, [1, 2])
    assert.equal(store.getItem(QUEUE), null)
  })
}

test('a 4xx answer is final: not queued', async () => {
  const store = memoryStore()
  const logs = []
  assert.equal(await send(answer(422), store, '/u', {}, (m) => logs.push(m)), false)
  assert.equal(store.getItem(QUEUE), null)
  assert.equal(logs.length, 1)
})

test('records that fail again during a flush stay queued', async () => {
  const store = memoryStore()
  store.setItem(QUEUE, JSON.stringify([{ url: '/u', body: { n: 1 } }]))
  assert.equal(await flush(() => Promise.reject(new Error('x')), store), 0)
  assert.equal(JSON.parse(store.getItem(QUEUE)).length, 1)
})

test('blocked storage never throws', async () => {
  const broken = () => {
    throw new Error('localStorage is blocked')
  }
  assert.equal(await send(() => Promise.reject(new Error('x')), broken, '/u', {}), false)
  assert.equal(await flush(answer(201), broken), 0)
})

test('a fetch that throws synchronously is queued', async () => {
  const store = memoryStore()
  const throwing = () => {
    throw new TypeError('bad')
  }
  assert.equal(await send(throwing, store, '/u', { n: 1 }), false)
  assert.equal(JSON.parse(store.getItem(QUEUE)).length, 1)
})

test('queued records are delivered oldest first, one after another', async () => {
  const store = memoryStore()
  store.setItem(QUEUE, JSON.stringify([1, 2, 3].map((n) => ({ url: '/u', body: { n } }))))
  const order = []
  let inFlight = 0
  const slow = (url, opts) => {
    inFlight++
    assert.equal(inFlight, 1, 'one request at a time')
    return new Promise((resolve) =>
      setTimeout(() => {
        inFlight--
        order.push(JSON.parse(opts.body).n)
        resolve({ status: 201, ok: true })
      }, 5 - order.length),
    )
  }
  assert.equal(await flush(slow, store), 3)
  assert.deepEqual(order, [1, 2, 3])
})

test('a withdrawal the server cannot match is recorded as a custom choice', async () => {
  const sent = []
  const fetchFn = (url, opts) => {
    const body = JSON.parse(opts.body)
    sent.push(body.action)
    return answer(body.action === 'withdraw' ? 422 : 201)()
  }
  assert.equal(await send(fetchFn, memoryStore(), '/u', { action: 'withdraw', choices: {} }), true)
  assert.deepEqual(sent, ['withdraw', 'custom'])
})

// A fetch whose answers the test gives one by one: `pending` holds each request until answered.
function heldFetch() {
  const pending = []
  const fetchFn = (url, opts) =>
    new Promise((resolve, reject) => pending.push({ body: JSON.parse(opts.body), resolve, reject }))
  const answerNext = (status) => {
    const req = pending.shift()
    req.resolve({ status, ok: status >= 200 && status < 300 })
    return req.body
  }
  return { fetchFn, pending, answerNext }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))
const queued = (store) => JSON.parse(store.getItem(QUEUE) || '[]').map((it) => it.body.n)
// Queue records 1..n, each with an event id of its own (a record left in flight by one test
// stays in flight: the next tests must not queue the same one).
let events = 0
const fill = (store, n) =>
  store.setItem(QUEUE, JSON.stringify(Array.from({ length: n }, (_, i) => ({ url: '/u', body: { n: i + 1, event_id: 'e' + ++events } }))))
const eventIds = (store) => JSON.parse(store.getItem(QUEUE)).map((it) => it.body.event_id)

test('a new record is queued until the server acknowledges it', async () => {
  const store = memoryStore()
  const net = heldFetch()
  const sending = send(net.fetchFn, store, '/u', { n: 1 })
  await tick()
  assert.deepEqual(queued(store), [1], 'kept while the answer is awaited (the tab may close)')
  net.answerNext(201)
  assert.equal(await sending, true)
  assert.deepEqual(queued(store), [])
})

test('a flush cut off during its first send keeps every record queued', async () => {
  const store = memoryStore()
  fill(store, 5)
  const net = heldFetch()
  flush(net.fetchFn, store)
  await tick()
  assert.equal(net.pending.length, 1, 'one request in flight')
  // The tab closes here: whatever is stored is what the next page load finds.
  assert.deepEqual(queued(store), [1, 2, 3, 4, 5])
})

test('a flush removes each record once acknowledged, not before', async () => {
  const store = memoryStore()
  fill(store, 3)
  const net = heldFetch()
  const flushing = flush(net.fetchFn, store)
  await tick()
  assert.equal(net.answerNext(201).n, 1)
  await tick()
  assert.deepEqual(queued(store), [2, 3])
  assert.equal(net.answerNext(200).n, 2, 'a replay acknowledged by the server')
  await tick()
  assert.deepEqual(queued(store), [3])
  net.answerNext(201)
  assert.equal(await flushing, 3)
  assert.equal(store.getItem(QUEUE), null)
})

test('a flush stops at the first failure that may pass later, keeping the order', async () => {
  const store = memoryStore()
  fill(store, 5)
  let calls = 0
  const unavailable = () => {
    calls++
    return answer(503)()
  }
  assert.equal(await flush(unavailable, store), 0)
  assert.equal(calls, 1, 'the server is down: no point sending the others now')
  assert.deepEqual(queued(store), [1, 2, 3, 4, 5])
})

test('a final refusal removes a queued record; 408 and 429 keep it', async () => {
  for (const [status, left] of [[403, []], [409, []], [422, []], [408, [1, 2]], [429, [1, 2]]]) {
    const store = memoryStore()
    fill(store, 2)
    const refusals = []
    const first = (url, opts) => answer(JSON.parse(opts.body).n === 1 ? status : 201)()
    await flush(first, store, (s) => refusals.push(s))
    assert.deepEqual(queued(store), left, `after ${status}`)
    assert.deepEqual(refusals, status === 408 || status === 429 ? [] : [status], `refusal of ${status}`)
  }
})

test('a record queued while a flush runs stays queued', async () => {
  const store = memoryStore()
  fill(store, 1)
  const net = heldFetch()
  const flushing = flush(net.fetchFn, store)
  await tick()
  const other = send(() => answer(503)(), store, '/u', { n: 9 })
  await other
  net.answerNext(201)
  await flushing
  assert.deepEqual(queued(store), [9])
})

test('a record this page is still sending is not sent again by its flush', async () => {
  const store = memoryStore()
  const net = heldFetch()
  const sending = send(net.fetchFn, store, '/u', { n: 1, event_id: 'mine' })
  await tick()
  const flushing = flush(net.fetchFn, store)
  await tick()
  assert.equal(net.pending.length, 1)
  net.answerNext(201)
  assert.equal(await sending, true)
  assert.equal(await flushing, 0)
  assert.equal(store.getItem(QUEUE), null)
})

// navigator.locks for one origin: requests for one name run one after another.
function fakeLocks() {
  let tail = Promise.resolve()
  const names = []
  return {
    names,
    request(name, fn) {
      names.push(name)
      const run = tail.then(() => fn({ name }))
      tail = run.catch(() => {})
      return run
    },
  }
}

test('two tabs flushing under the temoin:queue lock send each record once', async () => {
  const store = memoryStore()
  fill(store, 4)
  const locks = fakeLocks()
  const sent = []
  const ok = (url, opts) => {
    sent.push(JSON.parse(opts.body).n)
    return new Promise((resolve) => setTimeout(() => resolve({ status: 201, ok: true }), 2))
  }
  const delivered = await Promise.all([flush(ok, store, null, locks), otherTabFlush(ok, store, null, locks)])
  assert.deepEqual(locks.names, [QUEUE, QUEUE])
  assert.deepEqual(sent, [1, 2, 3, 4])
  assert.deepEqual(delivered, [4, 0])
  assert.equal(store.getItem(QUEUE), null)
})

test('without Web Locks two flushes may repeat a record, always with its event_id', async () => {
  const store = memoryStore()
  fill(store, 3)
  const ids = eventIds(store)
  const sent = []
  const ok = (url, opts) => {
    sent.push(JSON.parse(opts.body).event_id)
    return new Promise((resolve) => setTimeout(() => resolve({ status: 201, ok: true }), 2))
  }
  await Promise.all([flush(ok, store), otherTabFlush(ok, store)])
  assert.ok(sent.length > 3, 'both tabs sent some records')
  assert.deepEqual([...new Set(sent)].sort(), ids.sort())
  assert.equal(store.getItem(QUEUE), null)
})

test('a Web Locks API that fails still flushes', async () => {
  const store = memoryStore()
  fill(store, 2)
  const broken = { request: () => Promise.reject(new Error('SecurityError')) }
  assert.equal(await flush(answer(201), store, null, broken), 2)
  assert.equal(store.getItem(QUEUE), null)
})
