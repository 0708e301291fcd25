// Built-in texts, used when the site's configuration leaves a key out: the banner's texts come
// from the site; the others (durations, placeholders, the floating button) only from here.
export const BUILTIN = {
  fr: {
    title: 'Cookies',
    purposes: 'Finalités :',
    withdraw: 'Vous pouvez retirer votre consentement à tout moment.',
    accept_all: 'Tout accepter',
    reject_all: 'Tout refuser',
    customize: 'Personnaliser',
    save: 'Enregistrer',
    services_link: 'Partenaires',
    preferences_title: 'Préférences',
    close: 'Fermer',
    always_on: 'Toujours actif',
    services: 'Services',
    privacy: 'Confidentialité',
    lifetime: 'Durée',
    session: 'session',
    days: 'jours',
    day: 'jour',
    blocked: '{name} est bloqué (cookies « {category} »).',
    allow: 'Autoriser {name}',
    floating: 'Cookies',
  },
  en: {
    title: 'Cookies',
    purposes: 'Purposes:',
    withdraw: 'You can withdraw your consent at any time.',
    accept_all: 'Accept all',
    reject_all: 'Reject all',
    customize: 'Customize',
    save: 'Save',
    services_link: 'Partners',
    preferences_title: 'Preferences',
    close: 'Close',
    always_on: 'Always on',
    services: 'Services',
    privacy: 'Privacy',
    lifetime: 'Lifetime',
    session: 'session',
    days: 'days',
    day: 'day',
    blocked: '{name} is blocked (“{category}” cookies).',
    allow: 'Allow {name}',
    floating: 'Cookies',
  },
}

/** Choose the language: the page's <html lang>, then the browser's, then the site default. */
export function pickLanguage(cfg, htmlLang, browserLangs) {
  const langs = cfg.languages || []
  for (const tag of [htmlLang, ...(browserLangs || [])]) {
    const lang = (tag || '').toLowerCase().split('-')[0]
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
