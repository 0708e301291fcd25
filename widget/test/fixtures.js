// Shared test data: a configuration shaped like the server's published document.
export const CFG = {
  site: 'demo',
  name: 'Démo',
  version: 3,
  sha256: 'ab'.repeat(32),
  reconsent_version: 2,
  lifetime_days: 182,
  languages: ['fr', 'en'],
  default_language: 'fr',
  theme: { position: 'bottom', primary: '#1f4fd1', background: '#ffffff', text: '#1a1a1a' },
  floating_button: true,
  reload_on_withdraw: false,
  texts: { fr: { title: 'Titre FR', accept_all: 'Tout accepter' }, en: { title: 'Title EN' } },
  categories: [
    {
      slug: 'necessary',
      required: true,
      texts: { fr: { name: 'Nécessaires' } },
      services: [{ slug: 'site', name: 'Site', cookies: [{ name: 'PHPSESSID', lifetime_days: 0 }] }],
    },
    {
      slug: 'functional',
      required: false,
      texts: { fr: { name: 'Fonctionnalités' }, en: { name: 'Functional' } },
      services: [
        { slug: 'hotjar', name: 'Hotjar', cookies: [{ name: '_hjSession_*', lifetime_days: 0 }] },
        { slug: 'crisp', name: 'Crisp', cookies: [{ name: 'crisp-client*', lifetime_days: 180 }] },
      ],
    },
    {
      slug: 'audience',
      required: false,
      texts: { fr: { name: 'Mesure d’audience' } },
      services: [{ slug: 'ga', name: 'Google Analytics', cookies: [{ name: '_ga', lifetime_days: 395 }, { name: '_ga_*', lifetime_days: 395 }] }],
    },
    { slug: 'sharing', required: false, texts: {}, services: [] },
    {
      slug: 'advertising',
      required: false,
      texts: {},
      services: [{ slug: 'ads', name: 'Ads', cookies: [{ name: 'IDE', domain: '.doubleclick.net', lifetime_days: 390 }] }],
    },
  ],
}

/** A cookie jar standing in for document.cookie: keys by name+domain+path, honours Max-Age=0. */
export function fakeDocument() {
  const jar = new Map()
  const writes = []
  return {
    writes,
    jar,
    get cookie() {
      return Array.from(jar.values())
        .map((c) => c.name + '=' + c.value)
        .join('; ')
    },
    set cookie(str) {
      writes.push(str)
      const [pair, ...attrs] = str.split(';').map((s) => s.trim())
      const i = pair.indexOf('=')
      const c = { name: pair.slice(0, i), value: pair.slice(i + 1), domain: '', path: '/' }
      let del = false
      for (const a of attrs) {
        const [k, v] = a.split('=')
        const key = k.toLowerCase()
        if (key === 'domain') c.domain = v
        if (key === 'path') c.path = v
        if (key === 'max-age' && +v <= 0) del = true
      }
      const key = c.name + '|' + c.domain + '|' + c.path
      if (del) jar.delete(key)
      else jar.set(key, c)
    },
  }
}
