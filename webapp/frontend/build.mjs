// Bundles the jixiao front-end with esbuild into webapp/static/dist/.
//
//   npm ci && npm run build
//
// Outputs (all self-contained, no network fetches at run time):
//   app.js, app.css          – site-wide behaviour and styles
//   diagram.js, diagram.css  – bpmn-js NavigatedViewer + its CSS/fonts (inlined)
//   modeler.js, modeler.css  – bpmn-js Modeler + Camunda 7 properties panel
//   dmn-editor.js, dmn-editor.css – dmn-js Modeler + decision table test panel
//   dashboard.js, dashboard.css    – ECharts (echarts/core, SVG renderer) charts
import * as esbuild from 'esbuild';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'src');
const outdir = path.resolve(here, '..', 'static', 'dist');

await mkdir(outdir, { recursive: true });

// bpmn-embedded.css and dmn-embedded.css declare their icon font twice: first
// with only the legacy EOT (IE) and SVG-font (old iOS) files, then with inline
// WOFF/TTF data. Chrome treats both rules as one family and, for a glyph the
// inline font lacks, falls back to the legacy rule and logs "Failed to decode
// downloaded font". So the legacy rule is dropped at build time: no console
// noise, no ~250 kB of inlined legacy fonts, still no external fetch.
const dropLegacyIconFonts = {
  name: 'drop-legacy-icon-fonts',
  setup(build) {
    build.onLoad({ filter: /[\\/](bpmn|dmn)-embedded\.css$/ }, async (args) => {
      const css = await readFile(args.path, 'utf8');
      return {
        contents: css.replace(/@font-face\s*{[^}]*}/g, (rule) => (rule.includes('data:') ? rule : '')),
        loader: 'css',
        resolveDir: path.dirname(args.path),
      };
    });
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
  plugins: [dropLegacyIconFonts],
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
    // Same for the editors: their JS imports all library CSS.
    { in: path.join(src, 'modeler.js'), out: 'modeler' },
    { in: path.join(src, 'dmn-editor.js'), out: 'dmn-editor' },
    // dashboard.js imports dashboard.css; only the ECharts parts it uses are bundled.
    { in: path.join(src, 'dashboard.js'), out: 'dashboard' },
  ],
});
