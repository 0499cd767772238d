// Bundles the jixiao front-end with esbuild into webapp/static/dist/.
//
//   npm ci && npm run build
//
// Outputs (all self-contained, no network fetches at run time):
//   app.js, app.css          – site-wide behaviour and styles
//   diagram.js, diagram.css  – bpmn-js NavigatedViewer + its CSS/fonts (inlined)
import * as esbuild from 'esbuild';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'src');
const outdir = path.resolve(here, '..', 'static', 'dist');

await mkdir(outdir, { recursive: true });

// bpmn-embedded.css already carries the icon font as inline WOFF/TTF data.
// Its remaining url()s point at the legacy EOT (IE) and SVG-font (old iOS)
// files, which modern browsers never use: the later @font-face wins and
// WOFF/TTF come first in its src list. Inlining them would add ~250 kB, so
// they resolve to an empty data URL instead - still no external fetch.
const dropLegacyBpmnFonts = {
  name: 'drop-legacy-bpmn-fonts',
  setup(build) {
    build.onResolve({ filter: /(^|\/)bpmn\.(eot|svg)(\?|#|$)/ }, (args) => {
      if (args.kind !== 'url-token' || !/bpmn-font[\\/]css$/.test(args.resolveDir)) return undefined;
      return { path: args.path, namespace: 'jx-empty-font' };
    });
    build.onLoad({ filter: /.*/, namespace: 'jx-empty-font' }, () => ({
      contents: '',
      loader: 'dataurl',
    }));
  },
};

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: 'es2020',
  format: 'iife',
  platform: 'browser',
  outdir,
  logLevel: 'info',
  charset: 'utf8',
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [dropLegacyBpmnFonts],
  // Fonts and images referenced from CSS are inlined, so the bundles never
  // reach out to another host (the machines have no internet).
  loader: {
    '.woff': 'dataurl',
    '.woff2': 'dataurl',
    '.ttf': 'dataurl',
    '.eot': 'dataurl',
    '.svg': 'dataurl',
    '.png': 'dataurl',
    '.gif': 'dataurl',
  },
};

await esbuild.build({
  ...common,
  entryPoints: [
    { in: path.join(src, 'app.js'), out: 'app' },
    { in: path.join(src, 'app.css'), out: 'app' },
    // diagram.js imports the bpmn-js CSS -> esbuild emits diagram.css beside it.
    { in: path.join(src, 'diagram.js'), out: 'diagram' },
  ],
});
