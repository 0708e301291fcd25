// Build widget/dist/temoin.js: one minified ES2018 IIFE with the CSS inlined as text; and
// widget/dist/looks.json: the CSS only some sites need (src/ui/looks/*.css, minified, by name),
// which the server adds to a site's /w/KEY.js when its look asks for it (server/http/looks.py).
import { build, transform } from 'esbuild'
import { minify } from 'terser'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { gzipSync, brotliCompressSync, constants } from 'node:zlib'

const cssText = async (path) => (await transform(await readFile(path, 'utf8'), { loader: 'css', minify: true })).code.trim()

const minifyCss = {
  name: 'minify-css',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => ({ contents: await cssText(args.path), loader: 'text' }))
  },
}

const out = 'dist/temoin.js'
await build({
  entryPoints: ['src/index.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2018',
  charset: 'utf8',
  legalComments: 'none',
  outfile: out,
  plugins: [minifyCss],
  // Internal property names end with `_` (config keys, DOM and public API names never do).
  mangleProps: /_$/,
  logLevel: 'warning',
})

// A second, slower minifier pass: terser's compressor still saves about 3 % after esbuild.
const squeezed = await minify(await readFile(out, 'utf8'), {
  ecma: 2018,
  compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
  mangle: true,
  format: { ascii_only: false },
})
await writeFile(out, squeezed.code + '\n')

const looks = {}
for (const name of (await readdir('src/ui/looks')).filter((f) => f.endsWith('.css')).sort()) {
  looks[name.slice(0, -4)] = await cssText('src/ui/looks/' + name)
}
await writeFile('dist/looks.json', JSON.stringify(looks, null, 1) + '\n')

const code = await readFile(out)
const gz = gzipSync(code, { level: 9 }).length
const br = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length
console.log(`${out}: ${code.length} B raw, ${gz} B gzip -9, ${br} B brotli`)
