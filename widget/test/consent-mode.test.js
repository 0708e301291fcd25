import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cmDefault, cmState, cmUpdate } from '../src/core/consent-mode.js'

const TYPES = [
  'ad_storage',
  'ad_user_data',
  'ad_personalization',
  'analytics_storage',
  'functionality_storage',
  'personalization_storage',
  'security_storage',
]

test('the default is one arguments object naming all seven types, denied but security', () => {
  const win = {}
  cmDefault(win)
  assert.equal(win.dataLayer.length, 1)
  const entry = win.dataLayer[0]
  assert.equal(Object.prototype.toString.call(entry), '[object Arguments]')
  assert.equal(entry[0], 'consent')
  assert.equal(entry[1], 'default')
  assert.deepEqual(Object.keys(entry[2]).sort(), [...TYPES, 'wait_for_update'].sort())
  for (const type of TYPES) assert.equal(entry[2][type], type === 'security_storage' ? 'granted' : 'denied')
  assert.ok(entry[2].wait_for_update > 0)
})

test('updates map categories to their storage types', () => {
  const win = { dataLayer: [{ event: 'existing' }] }
  cmUpdate(win, { functional: 1, audience: 0, advertising: 1 })
  const [, kind, state] = win.dataLayer[1]
  assert.equal(kind, 'update')
  assert.deepEqual(state, {
    ad_storage: 'granted',
    ad_user_data: 'granted',
    ad_personalization: 'granted',
    analytics_storage: 'denied',
    functionality_storage: 'granted',
    personalization_storage: 'granted',
    security_storage: 'granted',
  })
  assert.equal(cmState({ audience: true }).analytics_storage, 'granted')
})
