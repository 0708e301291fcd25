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

test('iframes load on allow (a task later) and unload on withdrawal', () => {
  const f = el('iframe', { 'data-consent': 'sharing', 'data-src': '/embed/x' })
  const loaded = new WeakMap()
  const tasks = []
  const later = (fn) => tasks.push(fn)
  assert.equal(setFrame(f, false, loaded, later), false, 'blocked iframe stays without src')
  assert.equal(f.getAttribute('src'), null)
  assert.equal(setFrame(f, true, loaded, later), true)
  assert.equal(f.getAttribute('src'), null, 'not in the task that inserted it')
  assert.equal(setFrame(f, true, loaded, later), false, 'asked twice, loaded once')
  tasks.splice(0).forEach((t) => t())
  assert.equal(f.getAttribute('src'), '/embed/x')
  assert.equal(setFrame(f, true, loaded, later), false, 'no reload when already loaded')
  assert.equal(setFrame(f, false, loaded, later), true)
  assert.equal(f.getAttribute('src'), null)
  assert.equal(setFrame(f, true, loaded, later), true, 'allowed again: loads again')
  assert.equal(setFrame(f, false, loaded, later), true, 'withdrawn before it loaded')
  tasks.splice(0).forEach((t) => t())
  assert.equal(f.getAttribute('src'), null, 'a pending load is dropped')
})

test('a src equal to data-src, whatever the attribute says, is judged by what was loaded', () => {
  const loaded = new WeakMap()
  const tasks = []
  const later = (fn) => tasks.push(fn)
  // The page's HTML gave the src: the browser is loading it, nothing to add.
  const own = el('iframe', { 'data-consent': 'sharing', 'data-src': '/embed/x', src: '/embed/x' })
  assert.equal(setFrame(own, true, loaded, later), true)
  assert.equal(tasks.length, 0)
  // Blocked, then allowed: its src was removed, so it is given again.
  const blocked = el('iframe', { 'data-consent': 'sharing', 'data-src': '/embed/y', src: '/embed/y' })
  assert.equal(setFrame(blocked, false, loaded, later), true)
  assert.equal(blocked.getAttribute('src'), null)
  setFrame(blocked, true, loaded, later)
  tasks.splice(0).forEach((t) => t())
  assert.equal(blocked.getAttribute('src'), '/embed/y')
})

test('only additions that are or contain gated elements trigger a scan', () => {
  const node = (hit, inner) => ({ nodeType: 1, matches: () => hit, querySelector: () => (inner ? {} : null) })
  assert.equal(touchesGated([{ addedNodes: [{ nodeType: 3 }, node(false, false)] }]), false)
  assert.equal(touchesGated([{ addedNodes: [node(true, false)] }]), true)
  assert.equal(touchesGated([{ addedNodes: [node(false, true)] }]), true)
})
