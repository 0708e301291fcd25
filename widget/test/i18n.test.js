import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BUILTIN, lifetimeText, pickLanguage, translator } from '../src/core/i18n.js'
import { CFG } from './fixtures.js'

test('language: <html lang>, then the browser, then the site default', () => {
  assert.equal(pickLanguage(CFG, 'en-GB', ['fr-FR']), 'en')
  assert.equal(pickLanguage(CFG, 'de', ['de-DE', 'en-US']), 'en')
  assert.equal(pickLanguage(CFG, '', ['es']), 'fr')
  assert.equal(pickLanguage({ languages: ['en'], default_language: 'en' }, 'fr', []), 'en')
})

test('missing texts fall back to the site default language, then built-in texts', () => {
  const t = translator(CFG, 'en')
  assert.equal(t('title'), 'Title EN')
  assert.equal(t('accept_all'), 'Tout accepter', 'site default language before built-in')
  assert.equal(t('reject_all'), BUILTIN.en.reject_all)
  const cat = CFG.categories[2]
  assert.equal(t('name', cat.texts), 'Mesure d’audience')
  assert.equal(t('description', cat.texts), '', 'admin texts have no built-in fallback')
  assert.equal(translator(CFG, 'fr')('reject_all'), 'Tout refuser')
})

test('placeholders are replaced as plain text', () => {
  const t = translator(CFG, 'en')
  assert.equal(t('allow', null, { name: '<b>X</b>' }), 'Allow <b>X</b>')
})

test('built-in languages have the same keys', () => {
  assert.deepEqual(Object.keys(BUILTIN.fr).sort(), Object.keys(BUILTIN.en).sort())
})

test('cookie lifetimes read as session or days', () => {
  const t = translator(CFG, 'fr')
  assert.equal(lifetimeText(t, 0), 'session')
  assert.equal(lifetimeText(t, 7), '7 jours')
  assert.equal(lifetimeText(t, 395), '395 jours')
  assert.equal(lifetimeText(t, 1), '1 jour')
})
