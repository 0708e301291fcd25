import { test } from 'node:test'
import assert from 'node:assert/strict'
import { QUEUE, flush, send } from '../src/core/network.js'

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
