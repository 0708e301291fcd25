// Témoin preview sandbox: the widget runs on an unpublished draft, so nothing it decides
// may leave this page. Cookies live in memory and consent records are shown, not sent.
;(function () {
  var jar = {}
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get: function () {
      return Object.keys(jar)
        .map(function (k) { return k + '=' + jar[k] })
        .join('; ')
    },
    set: function (value) {
      var first = String(value).split(';')[0]
      var i = first.indexOf('=')
      var name = first.slice(0, i).trim()
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(value)) delete jar[name]
      else jar[name] = first.slice(i + 1).trim()
    },
  })
  var realFetch = window.fetch
  window.fetch = function (url, opts) {
    if (/\/consents$/.test(String(url))) {
      var out = document.getElementById('decision')
      if (out) out.textContent = (opts && opts.body) || ''
      return Promise.resolve(new Response('{}', { status: 201 }))
    }
    return realFetch.apply(this, arguments)
  }
})()
