import { test } from 'node:test'
import assert from 'node:assert/strict'
import { deleteCookies, domainsFor, namePattern, pathsFor, readChoice, writeChoice } from '../src/core/storage.js'
import { fakeDocument } from './fixtures.js'

const HTTPS = { protocol: 'https:', hostname: 'www.shop.example.org', pathname: '/fr/page' }

test('the temoin cookie is written with path, Max-Age, SameSite and Secure on https', () => {
  const doc = fakeDocument()
  const choice = { id: 'abc', v: 1, c: { audience: 1 }, s: { ga: 1 }, t: 5, g: 0 }
  writeChoice(doc, HTTPS, choice, 182)
  assert.match(doc.writes[0], /^temoin=%7B.*; Path=\/; Max-Age=15724800; SameSite=Lax; Secure$/)
  assert.deepEqual(readChoice(doc), choice)
  const plain = fakeDocument()
  writeChoice(plain, { protocol: 'http:' }, choice, 1)
  assert.doesNotMatch(plain.writes[0], /Secure/)
})

test('readChoice ignores other cookies and garbage', () => {
  const doc = fakeDocument()
  doc.cookie = 'a=1'
  assert.equal(readChoice(doc), null)
  doc.cookie = 'temoin=garbage'
  assert.equal(readChoice(doc), null)
})

test('wildcard names match as patterns, other characters literally', () => {
  assert.ok(namePattern('_ga_*').test('_ga_ABC123'))
  assert.ok(!namePattern('_ga_*').test('_ga'))
  assert.ok(namePattern('_ga').test('_ga'))
  assert.ok(!namePattern('a.b').test('axb'))
})

test('domains cover host-only, the host and every parent; IPs only host-only', () => {
  assert.deepEqual(domainsFor('www.shop.example.org'), ['', '.www.shop.example.org', '.shop.example.org', '.example.org'])
  assert.deepEqual(domainsFor('127.0.0.1'), [''])
  assert.deepEqual(domainsFor('localhost', '.doubleclick.net'), ['', '.doubleclick.net'])
  assert.deepEqual(pathsFor('/fr/page'), ['/', '/fr', '/fr/', '/fr/page', '/fr/page/'])
})

test('withdrawal deletes matching cookies on every domain and path, keeping the rest', () => {
  const doc = fakeDocument()
  doc.cookie = '_ga=GA1; Path=/; Domain=.example.org'
  doc.cookie = '_ga_X1=GS1; Path=/'
  doc.cookie = '_hjSession_9=1; Path=/fr'
  doc.cookie = 'PHPSESSID=s; Path=/'
  doc.cookie = 'temoin=keep; Path=/'
  const gone = deleteCookies(
    doc,
    HTTPS,
    [{ name: '_ga' }, { name: '_ga_*' }, { name: '_hjSession_*' }, { name: 'PHP*' }, { name: 'temoin' }],
    [{ name: 'PHPSESSID' }],
  )
  assert.deepEqual(gone.sort(), ['_ga', '_ga_X1', '_hjSession_9'])
  assert.equal(doc.cookie, 'PHPSESSID=s; temoin=keep')
})
