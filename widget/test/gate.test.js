import { test } from 'node:test'
import assert from 'node:assert/strict'
import { activeCopy, setFrame, touchesGated } from '../src/core/gate.js'

// Just enough of an element for the gate's attribute handling.
function el(tag, attrs = {}, text = '') {
  const a = new Map(Object.entries(attrs))
  return {
    tagName: tag.toUpperCase(),
    text,
    nonce: '',
    get attributes() {
      return Array.from(a, ([name, value]) => ({ name, value }))
    },
    get dataset() {
      const d = {}
      for (const [k, v] of a) if (k.startsWith('data-')) d[k.slice(5).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = v
      return d
    },
    getAttribute: (k) => (a.has(k) ? a.get(k) : null),
    setAttribute: (k, v) => a.set(k, String(v)),
    removeAttribute: (k) => a.delete(k),
    hasAttribute: (k) => a.has(k),
  }
}
const doc = { createElement: (tag) => el(tag) }

test('an external tag keeps its attributes, loses type and data-src, gets the nonce', () => {
  const old = el('script', { type: 'text/plain', 'data-consent': 'audience', 'data-src': '/ga.js', id: 'ga', 'data-x': '1' })
  const s = activeCopy(doc, old, 'n0nce')
  assert.equal(s.src, '/ga.js')
  assert.equal(s.async, false, 'ordered like a parser-inserted script')
  assert.equal(s.getAttribute('type'), null)
  assert.equal(s.getAttribute('data-src'), null)
  assert.equal(s.getAttribute('id'), 'ga')
  assert.equal(s.getAttribute('data-consent'), 'audience')
  assert.equal(s.getAttribute('data-x'), '1')
  assert.equal(s.getAttribute('nonce'), 'n0nce')
})

test('an inline tag keeps its code and its own nonce; data-type sets the type', () => {
  const old = el('script', { type: 'text/plain', 'data-consent': 'functional', 'data-type': 'module', async: '' }, 'run()')
  old.nonce = 'own'
  const s = activeCopy(doc, old, 'page')
  assert.equal(s.text, 'run()')
  assert.equal(s.getAttribute('nonce'), 'own')
  assert.equal(s.getAttribute('type'), 'module')
})

test('iframes load on allow and unload on withdrawal', () => {
  const f = el('iframe', { 'data-consent': 'sharing', 'data-src': '/embed/x' })
  assert.equal(setFrame(f, false), false, 'blocked iframe stays without src')
  assert.equal(f.getAttribute('src'), null)
  assert.equal(setFrame(f, true), true)
  assert.equal(f.getAttribute('src'), '/embed/x')
  assert.equal(setFrame(f, true), false, 'no reload when already loaded')
  assert.equal(setFrame(f, false), true)
  assert.equal(f.getAttribute('src'), null)
})

test('only additions that are or contain gated elements trigger a scan', () => {
  const node = (hit, inner) => ({ nodeType: 1, matches: () => hit, querySelector: () => (inner ? {} : null) })
  assert.equal(touchesGated([{ addedNodes: [{ nodeType: 3 }, node(false, false)] }]), false)
  assert.equal(touchesGated([{ addedNodes: [node(true, false)] }]), true)
  assert.equal(touchesGated([{ addedNodes: [node(false, true)] }]), true)
})
