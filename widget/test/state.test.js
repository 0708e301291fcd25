import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  actionFor,
  allChoices,
  atBottom,
  allows,
  isValid,
  lifetime,
  normalize,
  parseChoice,
  publicState,
  recordBody,
  serializeChoice,
  unanswered,
  uuid,
  withdrawn,
} from '../src/core/state.js'
import { CFG } from './fixtures.js'
import { webcrypto } from 'node:crypto'

const NOW = 1_800_000_000
const DAY = 86400

test('the cookie value round-trips and bad values read as no choice', () => {
  const choice = { id: 'x', v: 1, c: { audience: 1 }, s: {}, t: NOW, g: 0 }
  assert.deepEqual(parseChoice(serializeChoice(choice)), choice)
  assert.match(serializeChoice(choice), /^%7B/)
  for (const bad of ['', 'nope', '%7B', encodeURIComponent('{"id":1}'), encodeURIComponent('null')]) {
    assert.equal(parseChoice(bad), null, bad)
  }
})

test('a choice is valid within the lifetime and from the reconsent version on', () => {
  const fresh = { id: 'x', v: 2, c: {}, t: NOW }
  assert.equal(isValid(fresh, CFG, NOW + 10), true)
  assert.equal(isValid(fresh, CFG, NOW + 181 * DAY), true)
  assert.equal(isValid(fresh, CFG, NOW + 182 * DAY), false, 'older than lifetime_days')
  assert.equal(isValid({ ...fresh, v: 1 }, CFG, NOW), false, 'older than reconsent_version')
  assert.equal(isValid({ ...fresh, v: 3 }, CFG, NOW), true)
  assert.equal(isValid(null, CFG, NOW), false)
})

test('the lifetime is clamped to 395 days and defaults to 182', () => {
  assert.equal(lifetime({ lifetime_days: 1000 }), 395)
  assert.equal(lifetime({}), 182)
  assert.equal(lifetime({ lifetime_days: 30 }), 30)
})

test('accept all grants every optional category, but not advertising under GPC', () => {
  const all = allChoices(CFG, true, false)
  assert.deepEqual(all.c, { functional: 1, audience: 1, sharing: 1, advertising: 1 })
  assert.deepEqual(all.s, { hotjar: 1, crisp: 1, ga: 1, ads: 1 })
  const gpc = allChoices(CFG, true, true)
  assert.equal(gpc.c.advertising, 0)
  assert.equal(gpc.s.ads, 0)
  assert.equal(gpc.c.audience, 1)
  const none = allChoices(CFG, false, false)
  assert.deepEqual(none.c, { functional: 0, audience: 0, sharing: 0, advertising: 0 })
  assert.ok(!('necessary' in none.c), 'necessary is never part of the choice')
})

test('a category with services is granted only when all its services are', () => {
  const r = normalize(CFG, { functional: 1 }, { crisp: 0 })
  assert.equal(r.s.hotjar, 1)
  assert.equal(r.s.crisp, 0)
  assert.equal(r.c.functional, 0)
  assert.equal(normalize(CFG, {}, { hotjar: 1, crisp: 1 }).c.functional, 1)
  assert.equal(normalize(CFG, { sharing: true }, {}).c.sharing, 1, 'no services: the category toggle itself')
})

test('allows() checks the service when named, else the category', () => {
  const choice = { c: { functional: 0, audience: 1 }, s: { hotjar: 1, crisp: 0, ga: 1 } }
  assert.equal(allows(choice, 'functional', 'hotjar'), true)
  assert.equal(allows(choice, 'functional', 'crisp'), false)
  assert.equal(allows(choice, 'functional', null), false)
  assert.equal(allows(choice, 'audience', 'unknown'), true)
  assert.equal(allows(null, 'audience'), false)
})

test('turning a granted category off is a withdrawal', () => {
  const before = { c: { audience: 1, functional: 0 }, s: { ga: 1 } }
  const after = { c: { audience: 0, functional: 1 }, s: { ga: 0 } }
  assert.deepEqual(withdrawn(before, after), { c: ['audience'], s: ['ga'] })
  assert.equal(actionFor('reject_all', before, after), 'withdraw')
  assert.equal(actionFor('custom', before, { c: { audience: 1, functional: 1 } }), 'custom')
  assert.equal(actionFor('reject_all', null, after), 'reject_all')
})

test('the record body names every optional category as a boolean', () => {
  const choice = { id: 'id-1', v: 3, ...allChoices(CFG, true, true), t: NOW, g: 1 }
  const body = recordBody(CFG, choice, 'accept_all', 'banner', 'fr', '/demo/', 'ev-1')
  assert.deepEqual(body, {
    event_id: 'ev-1',
    consent_id: 'id-1',
    policy_version: 3,
    choices: { functional: true, audience: true, sharing: true, advertising: false },
    services: { hotjar: true, crisp: true, ga: true, ads: false },
    action: 'accept_all',
    source: 'banner',
    language: 'fr',
    page: '/demo/',
    gpc: true,
  })
})

test('the public state has the documented keys', () => {
  const s = publicState({ id: 'a', v: 2, c: { audience: 1 }, s: {}, t: NOW, g: 0 })
  assert.deepEqual(Object.keys(s).slice(0, 4), ['consentId', 'version', 'choices', 'decidedAt'])
  assert.equal(s.decidedAt, new Date(NOW * 1000).toISOString())
  assert.equal(s.choices.audience, true)
  assert.equal(publicState(null), null)
})

test('uuid() makes version 4 ids with or without randomUUID', () => {
  const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
  assert.match(uuid(webcrypto), v4)
  assert.equal(uuid({ randomUUID: () => 'from-randomUUID' }), 'from-randomUUID', 'randomUUID where present')
  const noRandomUUID = { getRandomValues: (a) => webcrypto.getRandomValues(a) }
  const ids = new Set(Array.from({ length: 50 }, () => uuid(noRandomUUID)))
  assert.equal(ids.size, 50)
  for (const id of ids) assert.match(id, v4)
})

test('a category never asked stays null: only its services set one by one are decided', () => {
  const unasked = { functional: null, audience: null, sharing: null, advertising: null }
  const one = normalize(CFG, unasked, { hotjar: 1 })
  assert.deepEqual(one.c, unasked, 'no purpose answered, none refused')
  assert.deepEqual(one.s, { hotjar: 1 })
  assert.equal(unanswered(one), true)
  assert.equal(allows(one, 'functional', 'hotjar'), true)
  assert.equal(allows(one, 'functional', 'crisp'), false)
  assert.equal(allows(one, 'audience'), false)
  const cat = normalize(CFG, { ...unasked, sharing: 1 }, one.s)
  assert.equal(cat.c.sharing, 1, 'a category allowed as a whole is answered')
  assert.equal(unanswered(normalize(CFG, { functional: 0, audience: 1, sharing: 0, advertising: 0 }, {})), false)
  const body = recordBody(CFG, { id: 'x', c: cat.c, s: cat.s, g: 0 }, 'custom', 'placeholder', 'fr', '/')
  assert.deepEqual(body.choices, { functional: null, audience: null, sharing: true, advertising: null })
  assert.deepEqual(body.services, { hotjar: true })
  assert.equal(publicState({ id: 'x', v: 3, c: cat.c, s: cat.s, t: NOW }).choices.audience, null)
})

test('the bar at the bottom and the corner box leave room below the page; the top bar and the modal do not', () => {
  assert.equal(atBottom(undefined), true, 'no theme: the bar at the bottom')
  assert.equal(atBottom({}), true)
  assert.equal(atBottom({ layout: 'bar', position: 'bottom' }), true)
  assert.equal(atBottom({ position: 'top' }), false)
  assert.equal(atBottom({ layout: 'bar', position: 'top' }), false)
  // The position is the bar's: the box is always in the bottom corner, the modal in the middle.
  assert.equal(atBottom({ layout: 'box', position: 'top' }), true)
  assert.equal(atBottom({ layout: 'modal' }), false)
  assert.equal(atBottom({ layout: 'modal', position: 'bottom' }), false)
})
