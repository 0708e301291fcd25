// Built-in texts, used when the site's configuration leaves a key out: the banner's texts come
// from the site; the others (durations, placeholders, the floating button) only from here.
const KEYS = 'title purposes withdraw accept_all reject_all customize save services_link preferences_title close always_on services privacy lifetime session days day blocked allow floating'.split(' ')
const zip = (texts) => {
  const out = {}
  texts.split('|').forEach((s, i) => (out[KEYS[i]] = s))
  return out
}
export const BUILTIN = {
  fr: zip('Cookies|Finalités :|Vous pouvez retirer votre consentement à tout moment.|Tout accepter|Tout refuser|Personnaliser|Enregistrer|Partenaires|Préférences|Fermer|Toujours actif|Services|Confidentialité|Durée|session|jours|jour|{name} est bloqué (cookies « {category} »).|Autoriser {name}|Cookies'),
  en: zip('Cookies|Purposes:|You can withdraw your consent at any time.|Accept all|Reject all|Customize|Save|Partners|Preferences|Close|Always on|Services|Privacy|Lifetime|session|days|day|{name} is blocked (“{category}” cookies).|Allow {name}|Cookies'),
}

/** Choose the language: the page's <html lang>, then the browser's, then the site default. */
export function pickLanguage(cfg, htmlLang, browserLangs) {
  const langs = cfg.languages || []
  for (const tag of [htmlLang, ...(browserLangs || [])]) {
    const lang = String(tag || '').toLowerCase().split('-')[0]
    if (lang && langs.includes(lang)) return lang
  }
  return cfg.default_language || langs[0] || 'fr'
}

/** Return a lookup `t(key, texts?)`: shown language, then site default, then built-in text. */
export function translator(cfg, lang) {
  const def = cfg.default_language
  const builtin = BUILTIN[lang] || BUILTIN[def] || BUILTIN.en
  return (key, texts, vars) => {
    const own = texts || cfg.texts || {}
    let s = (own[lang] || {})[key] || (own[def] || {})[key] || (texts ? '' : builtin[key] || '')
    for (const k in vars) s = s.split('{' + k + '}').join(vars[k])
    return s
  }
}

/** Say how long a cookie lives (0 days = a session cookie). */
export function lifetimeText(t, days) {
  return days ? days + ' ' + t(days > 1 ? 'days' : 'day') : t('session')
}
