// Built-in texts: used when the site's configuration leaves a key out.
export const BUILTIN = {
  fr: {
    title: 'Vos choix sur les cookies',
    description: 'Avec votre accord, nous et nos partenaires utilisons des cookies pour les finalités suivantes.',
    purposes: 'Finalités :',
    withdraw: 'Vous pouvez retirer votre consentement à tout moment depuis le lien « Gestion des cookies ».',
    accept_all: 'Tout accepter',
    reject_all: 'Tout refuser',
    customize: 'Personnaliser',
    save: 'Enregistrer',
    services_link: 'Voir la liste des partenaires',
    preferences_title: 'Préférences cookies',
    close: 'Fermer',
    always_on: 'Toujours actif',
    services: 'Services',
    privacy: 'Politique de confidentialité',
    cookie: 'Cookie',
    purpose: 'Finalité',
    lifetime: 'Durée',
    session: 'session',
    days: 'jours',
    months: 'mois',
    blocked: 'Ce contenu ({name}) est bloqué : il dépose des cookies « {category} ».',
    allow: 'Autoriser {name} et afficher',
    gpc: 'Votre navigateur envoie le signal Global Privacy Control : la publicité reste refusée sauf si vous l’activez ici.',
    floating: 'Cookies',
  },
  en: {
    title: 'Your cookie choices',
    description: 'With your consent, we and our partners use cookies for the following purposes.',
    purposes: 'Purposes:',
    withdraw: 'You can withdraw your consent at any time from the “Cookie settings” link.',
    accept_all: 'Accept all',
    reject_all: 'Reject all',
    customize: 'Customize',
    save: 'Save',
    services_link: 'See the list of partners',
    preferences_title: 'Cookie preferences',
    close: 'Close',
    always_on: 'Always on',
    services: 'Services',
    privacy: 'Privacy policy',
    cookie: 'Cookie',
    purpose: 'Purpose',
    lifetime: 'Lifetime',
    session: 'session',
    days: 'days',
    months: 'months',
    blocked: 'This content ({name}) is blocked: it sets “{category}” cookies.',
    allow: 'Allow {name} and show it',
    gpc: 'Your browser sends the Global Privacy Control signal: advertising stays refused unless you turn it on here.',
    floating: 'Cookies',
  },
}

const primary = (tag) => String(tag || '').toLowerCase().split('-')[0]

/** Choose the language: the page's <html lang>, then the browser's, then the site default. */
export function pickLanguage(cfg, htmlLang, browserLangs) {
  const langs = cfg.languages || []
  const wanted = [htmlLang].concat(browserLangs || [])
  for (const tag of wanted) {
    const lang = primary(tag)
    if (lang && langs.indexOf(lang) >= 0) return lang
  }
  return cfg.default_language || langs[0] || 'fr'
}

/** Return a lookup `t(key, texts?)`: shown language, then site default, then built-in text. */
export function translator(cfg, lang) {
  const def = cfg.default_language
  const builtin = BUILTIN[lang] || BUILTIN[def] || BUILTIN.en
  return function t(key, texts, vars) {
    const own = texts || cfg.texts || {}
    let s = (own[lang] || {})[key] || (own[def] || {})[key]
    if (!s) s = texts ? '' : builtin[key] || ''
    for (const k in vars) s = s.split('{' + k + '}').join(vars[k])
    return s
  }
}

/** Say how long a cookie lives, in the shown language (0 days = session cookie). */
export function lifetimeText(t, days) {
  if (!days) return t('session')
  if (days < 31) return days + ' ' + t('days')
  return Math.round(days / 30.4) + ' ' + t('months')
}
