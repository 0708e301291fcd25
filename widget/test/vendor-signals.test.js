import { test } from 'node:test'
import assert from 'node:assert/strict'
import { findService, vendorSignals } from '../src/core/vendor-signals.js'

const cfg = {
  categories: [
    { slug: 'necessary', required: true, services: [] },
    { slug: 'audience', services: [{ slug: 'clarity' }] },
    { slug: 'advertising', services: [{ slug: 'microsoft-ads' }] },
  ],
}

test('nothing is sent for a site without these services', () => {
  const win = {}
  vendorSignals(win, { categories: [{ slug: 'audience', services: [{ slug: 'ga' }] }] }, 'default', () => true)
  assert.deepEqual(Object.keys(win), [])
})

test('UET consent mode: default denied, then updates from the service category', () => {
  const win = {}
  vendorSignals(win, cfg, 'default', () => false)
  assert.deepEqual(win.uetq, ['consent', 'default', { ad_storage: 'denied' }])
  vendorSignals(win, cfg, 'update', (cat) => cat === 'advertising')
  assert.deepEqual(win.uetq.slice(3), ['consent', 'update', { ad_storage: 'granted' }])
})

test('Clarity consentv2 waits in the queue its snippet reads', () => {
  const win = {}
  vendorSignals(win, cfg, 'default', () => false)
  vendorSignals(win, cfg, 'update', (cat) => cat === 'audience')
  assert.equal(typeof win.clarity, 'function')
  const calls = win.clarity.q.map((args) => Array.from(args))
  assert.deepEqual(calls, [
    ['consentv2', { ad_Storage: 'denied', analytics_Storage: 'denied' }],
    ['consentv2', { ad_Storage: 'denied', analytics_Storage: 'granted' }],
  ])
  assert.deepEqual(findService(cfg, ['clarity']), ['audience', 'clarity'])
})

test('an existing clarity function is called, not replaced', () => {
  const seen = []
  const win = { clarity: (...args) => seen.push(args) }
  vendorSignals(win, cfg, 'update', () => true)
  assert.deepEqual(seen, [['consentv2', { ad_Storage: 'granted', analytics_Storage: 'granted' }]])
})
