// Languages: the bundle holds none. The server boots it with the site's configuration and the
// widget's own labels in the site's languages only (server/texts/*.json): « Toujours actif »,
// « Durée : 13 mois », placeholders, the text direction, and stand-ins for banner texts left empty.

// An ISO tag's older or wider name, as the site's languages spell it.
const ALIAS = { no: 'nb', iw: 'he' }

/**
 * Choose the language: the page's <html lang>, then the browser's, then the site default; only
 * among the site's. A tag matches itself, then its language alone (fr-CA: fr), then the site's
 * first regional variant of it (pt: pt-BR). Traditional Chinese is not offered Simplified.
 */
export function pickLanguage(cfg, htmlLang, browserLangs) {
  const langs = cfg.languages || []
  const lower = langs.map((l) => l.toLowerCase())
  for (const tag of [htmlLang, ...(browserLangs || [])]) {
    const t = (tag || '').toLowerCase().replace('_', '-')
    const base = t.split('-')[0]
    const b = ALIAS[base] || base
    if (t && !/^zh-(hant|tw|hk|mo)/.test(t))
      for (const ok of [(l) => l == t, (l) => l == b, (l) => l.split('-')[0] == b]) {
        const i = lower.findIndex(ok)
        if (i >= 0) return langs[i]
      }
  }
  return cfg.default_language || langs[0] || 'fr'
}

/**
 * Return a lookup `t(key, texts?, vars?)`. Texts the admin wrote for a category, service or
 * cookie (`texts`): shown language, then the site default. The banner's: the site's text in
 * the shown language, then the built-in label in it, then both in the site default language.
 */
export function translator(cfg, lang, labels) {
  const def = cfg.default_language
  const L = labels || {}
  const from = (o, key) => ((o || {})[lang] || {})[key] || ((o || {})[def] || {})[key]
  return (key, texts, vars) => {
    const own = cfg.texts || {}
    let s = (texts ? from(texts, key) : (own[lang] || {})[key] || from(L, key) || (own[def] || {})[key]) || ''
    for (const k in vars) s = s.split('{' + k + '}').join(vars[k])
    return s
  }
}

/**
 * Say how long a cookie lives: a session, whole months when the days make them (395: 13 months),
 * else days; in the language's plural form.
 */
export function lifetimeText(t, days, lang) {
  if (!days) return t('session')
  const m = Math.round(days / 30.44)
  const [n, unit] = m && Math.abs(days - m * 30.44) < 2 ? [m, 'month'] : [days, 'day']
  const forms = t(unit) || {}
  return (forms[new Intl.PluralRules(lang).select(n)] || forms.other || '{n}').split('{n}').join(n)
}
