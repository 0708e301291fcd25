import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { lifetimeText, pickLanguage, translator } from '../src/core/i18n.js'
import { CFG } from './fixtures.js'

// The built-in texts the server sends with /w/KEY.js (server/texts/*.json).
const DIR = new URL('../../server/texts/', import.meta.url)
const FILES = Object.fromEntries(
  readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.slice(0, -5), JSON.parse(readFileSync(new URL(f, DIR), 'utf8'))]),
)
const labels = (...langs) => Object.fromEntries(langs.map((l) => [l, FILES[l].widget]))
const site = (languages, default_language = languages[0]) => ({ languages, default_language })

test('language: <html lang>, then the browser, then the site default', () => {
  assert.equal(pickLanguage(CFG, 'en-GB', ['fr-FR']), 'en')
  assert.equal(pickLanguage(CFG, 'de', ['de-DE', 'en-US']), 'en')
  assert.equal(pickLanguage(CFG, '', ['es']), 'fr')
  assert.equal(pickLanguage(site(['en']), 'fr', []), 'en')
  assert.equal(pickLanguage(site(['de', 'fr']), undefined, undefined), 'de')
})

test('language: a region falls back to its language, only among the site languages', () => {
  assert.equal(pickLanguage(site(['en', 'fr']), 'fr-CA', []), 'fr')
  assert.equal(pickLanguage(site(['fr', 'pt', 'pt-BR']), 'pt-BR', []), 'pt-BR', 'the region itself first')
  assert.equal(pickLanguage(site(['fr', 'pt']), 'pt-BR', []), 'pt', 'then the language')
  assert.equal(pickLanguage(site(['fr', 'pt-BR', 'pt']), 'pt', []), 'pt', 'the exact tag before a variant')
  assert.equal(pickLanguage(site(['fr', 'pt-BR']), 'pt-PT', []), 'pt-BR', 'a variant before another language')
  assert.equal(pickLanguage(site(['fr', 'pt-BR']), 'PT-br', []), 'pt-BR', 'tags are case-insensitive')
  assert.equal(pickLanguage(site(['en', 'de']), 'de_AT', []), 'de')
})

test('language: Norwegian, Hebrew and Chinese tags', () => {
  assert.equal(pickLanguage(site(['en', 'nb']), 'no', []), 'nb')
  assert.equal(pickLanguage(site(['en', 'nb']), 'nb-NO', []), 'nb')
  assert.equal(pickLanguage(site(['en', 'he']), 'iw', []), 'he')
  assert.equal(pickLanguage(site(['en', 'zh']), 'zh-CN', []), 'zh')
  assert.equal(pickLanguage(site(['en', 'zh']), 'zh-Hans-CN', []), 'zh')
  assert.equal(pickLanguage(site(['en', 'zh']), 'zh-TW', ['zh-Hant', 'zh']), 'zh', 'only the plain tag')
  assert.equal(pickLanguage(site(['en', 'zh']), 'zh-Hant-HK', []), 'en', 'no Simplified for Traditional')
})

test('the banner: site text, then the built-in label of the shown language, then the default', () => {
  const t = translator(CFG, 'en', labels('fr', 'en'))
  assert.equal(t('title'), 'Title EN')
  assert.equal(t('always_on'), 'Always on')
  const partial = translator(CFG, 'en', { en: { reject_all: 'Reject all' }, fr: FILES.fr.widget })
  assert.equal(partial('reject_all'), 'Reject all', 'English label before French site text')
  assert.equal(partial('accept_all'), 'Tout accepter', 'nothing in English: the site default')
  assert.equal(partial('always_on'), 'Toujours actif')
  const cat = CFG.categories[2]
  assert.equal(t('name', cat.texts), 'Mesure d’audience')
  assert.equal(t('description', cat.texts), '', 'admin texts have no built-in fallback')
  assert.equal(translator(CFG, 'fr', labels('fr'))('dir'), 'ltr')
  assert.equal(translator(site(['ar']), 'ar', labels('ar'))('dir'), 'rtl')
})

test('placeholders are replaced as plain text', () => {
  const t = translator(CFG, 'en', labels('en'))
  assert.equal(t('allow', null, { name: '<b>X</b>' }), 'Allow <b>X</b>')
  assert.equal(t('purposes', 0, { list: 'A, B' }), 'Purposes: A, B.')
})

test('cookie lifetimes read as a session, months or days, in plural forms', () => {
  const say = (lang, days) => lifetimeText(translator(site([lang]), lang, labels(lang)), days, lang)
  const cases = {
    fr: [[0, 'session'], [1, '1\u00a0jour'], [7, '7\u00a0jours'], [30, '1\u00a0mois'], [182, '6\u00a0mois'], [395, '13\u00a0mois'], [400, '400\u00a0jours']],
    en: [[1, '1 day'], [2, '2 days'], [31, '1 month'], [395, '13 months']],
    ru: [[1, '1 день'], [3, '3 дня'], [5, '5 дней'], [21, '21 день'], [61, '2 месяца'], [395, '13 месяцев']],
    pl: [[2, '2 dni'], [30, '1 miesiąc'], [122, '4 miesiące'], [395, '13 miesięcy']],
    ar: [[1, 'يوم واحد'], [2, 'يومان'], [3, '3 أيام'], [11, '11 يومًا'], [61, 'شهران'], [395, '13 شهرًا']],
    ja: [[7, '7日'], [395, '13か月']],
    ro: [[1, '1 zi'], [19, '19 zile'], [20, '20 de zile']],
    sl: [[1, '1 dan'], [2, '2 dneva'], [3, '3 dnevi'], [5, '5 dni']],
  }
  for (const [lang, pairs] of Object.entries(cases)) for (const [days, text] of pairs) assert.equal(say(lang, days), text, lang + ' ' + days)
})

test('every built-in language has a form for each plural its numbers take', () => {
  assert.ok(Object.keys(FILES).length >= 36)
  for (const [lang, file] of Object.entries(FILES)) {
    const rules = new Intl.PluralRules(lang)
    for (const [unit, top] of [['day', 400], ['month', 13]]) {
      const forms = file.widget[unit]
      for (let n = 1; n <= top; n++) {
        const form = forms[rules.select(n)]
        assert.ok(form, `${lang} ${unit} ${n}: no "${rules.select(n)}" form`)
        // Only a form for exactly one or two may spell its number out (Arabic يومان).
        assert.ok(form.includes('{n}') || n <= 2, `${lang} ${unit} ${n}`)
      }
    }
  }
})
