// Dashboard charts (Apache ECharts, SVG renderer, tree-shaken via echarts/core).
//
// Markup (rendered by the server):
//   <figure class="jx-chart" data-chart id="chart-review-returns">
//     <script type="application/json" data-chart-spec>{ ...spec... }</script>
//     <div class="jx-chart-canvas" aria-hidden="true"></div>   (created if missing)
//     <figcaption>title</figcaption>
//     <table class="jx-chart-table">the same figures as a table</table>
//   </figure>
//
// Spec: {type: bar|hbar|stacked|pie|line|bar_line, categories: [...],
//        series: [{name, data: [number|null], kind: bar|line, axis: 0|1, color}],
//        unit, unit2, max, markLine: {value, label}, drill: [url|null],
//        legend, lang: zh|en, height}
// See webapp/frontend/README.md for the full contract.
//
// A chart that renders gets class jx-chart-ready on the figure (the table then
// collapses visually but stays in the DOM for screen readers; a small toggle
// button shows it again). Invalid specs leave the table as it is and log at
// most one console.warn per page.
import { init, use, getInstanceByDom } from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
} from 'echarts/components';
import { LabelLayout } from 'echarts/features';
import { SVGRenderer } from 'echarts/renderers';

import './dashboard.css';

use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, LabelLayout, SVGRenderer]);

const TYPES = ['bar', 'hbar', 'stacked', 'pie', 'line', 'bar_line'];
const DEFAULT_HEIGHT = 280;

// Calm blues and teals; red is kept for alerts (reference lines, or a series
// whose `color` asks for it).
const PALETTE = ['#1d5fb4', '#2a9d8f', '#6b9bd8', '#1f3a5f', '#76c1b8', '#4f7cac', '#a9c6ea', '#3d7f8c', '#8ea4b8'];
const ALERT = '#c92a2a';
const TEXT = '#1f2933';
const MUTED = '#66788a';
const LINE = '#d9dfe7';
const SPLIT = '#edf1f5';

const MESSAGES = {
  zh: { show: '查看数据表', hide: '收起数据表' },
  en: { show: 'Show data table', hide: 'Hide data table' },
};

const charts = new Set();
let warned = false;

function warnOnce(error, figure) {
  if (warned) return;
  warned = true;
  // eslint-disable-next-line no-console
  console.warn('jixiao charts: chart not rendered, table kept', figure && figure.id ? `#${figure.id}` : '', error && error.message ? error.message : error);
}

function pageLang() {
  const lang = (document.documentElement.getAttribute('lang') || '').toLowerCase();
  return lang.startsWith('en') ? 'en' : 'zh';
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function isNumber(v) {
  return typeof v === 'number' && Number.isFinite(v);
}

function toNumber(v) {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

function formatter(lang) {
  const nf = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 2 });
  const num = (v) => (isNumber(v) ? nf.format(v) : '—');
  const withUnit = (v, unit) => (isNumber(v) ? nf.format(v) + (unit || '') : '—');
  return { num, withUnit };
}

// Rough text width: CJK glyphs are about one em wide, others about 0.6 em.
function textWidth(text, fontSize) {
  let w = 0;
  for (const ch of String(text)) w += ch.codePointAt(0) >= 0x2e80 ? fontSize : fontSize * 0.6;
  return w;
}

// Text placed inside ECharts rich-text markup must not contain braces.
function richSafe(text) {
  return String(text).replace(/[{}]/g, (c) => (c === '{' ? '｛' : '｝'));
}

function truncate(text, max) {
  const chars = Array.from(String(text));
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}

// Same-origin relative path only: "/x", not "//host" or "/\host".
function drillUrl(spec, index) {
  const url = Array.isArray(spec.drill) ? spec.drill[index] : null;
  if (typeof url !== 'string' || !url.startsWith('/') || url.startsWith('//') || url.startsWith('/\\')) return null;
  try {
    if (new URL(url, window.location.href).origin !== window.location.origin) return null;
  } catch (e) {
    return null;
  }
  return url;
}

function niceCeil(v) {
  if (v <= 0) return v;
  const step = 10 ** Math.floor(Math.log10(v)) / 2;
  return Math.ceil(v / step) * step;
}

function validate(spec) {
  if (!spec || typeof spec !== 'object') throw new Error('spec is not an object');
  if (!TYPES.includes(spec.type)) throw new Error(`unknown chart type ${spec.type}`);
  if (!Array.isArray(spec.categories)) throw new Error('categories missing');
  if (!Array.isArray(spec.series) || !spec.series.length) throw new Error('series missing');
  spec.series.forEach((s) => {
    if (!s || !Array.isArray(s.data)) throw new Error('series without data');
  });
}

// --- option building ------------------------------------------------------

function seriesColor(s, i) {
  return typeof s.color === 'string' && s.color ? s.color : PALETTE[i % PALETTE.length];
}

function dot(color) {
  return `<span class="jx-chart-dot" style="background:${escapeHtml(color)}"></span>`;
}

function axisTooltip(spec, ctx) {
  return (params) => {
    const list = Array.isArray(params) ? params : [params];
    if (!list.length) return '';
    const index = list[0].dataIndex;
    const name = spec.categories[index];
    const rows = spec.series.map((s, i) => {
      const unit = ctx.axisOf(s) === 1 ? spec.unit2 : spec.unit;
      const value = ctx.withUnit(toNumber(s.data[index]), unit);
      return `<div class="jx-chart-tip-row">${dot(seriesColor(s, i))}<span class="jx-chart-tip-name">${escapeHtml(s.name || '')}</span><b>${escapeHtml(value)}</b></div>`;
    });
    return `<div class="jx-chart-tip-title">${escapeHtml(name === undefined ? '' : name)}</div>${rows.join('')}`;
  };
}

function markLineOption(spec, ctx, horizontalValueAxis) {
  const m = spec.markLine;
  if (!m || !isNumber(toNumber(m.value))) return undefined;
  const value = toNumber(m.value);
  const text = `${m.label ? `${m.label} ` : ''}${ctx.withUnit(value, spec.unit)}`;
  return {
    silent: true,
    symbol: 'none',
    lineStyle: { color: ALERT, type: 'dashed', width: 1.5 },
    label: {
      formatter: text,
      color: ALERT,
      fontFamily: ctx.font,
      // hbar: the category axis is inverted, so the line starts at the top.
      position: horizontalValueAxis ? 'start' : 'insideEndTop',
      backgroundColor: 'rgba(255,255,255,0.85)',
      padding: [1, 3],
    },
    data: [horizontalValueAxis ? { xAxis: value } : { yAxis: value }],
  };
}

function valueAxis(spec, ctx, index) {
  const unit = index === 1 ? spec.unit2 : spec.unit;
  const axis = {
    type: 'value',
    axisLabel: { color: MUTED, fontFamily: ctx.font, formatter: (v) => ctx.num(v) + (unit || '') },
    splitLine: { show: index === 0, lineStyle: { color: SPLIT } },
    axisLine: { show: false },
    axisTick: { show: false },
  };
  if (index === 0) {
    const fixed = toNumber(spec.max);
    const mark = spec.markLine ? toNumber(spec.markLine.value) : null;
    if (isNumber(fixed)) axis.max = fixed;
    else if (isNumber(mark)) axis.max = (extent) => (mark > extent.max ? niceCeil(mark) : null);
  }
  return axis;
}

function categoryAxis(spec, ctx, drillable) {
  return {
    type: 'category',
    data: spec.categories.map((c) => String(c)),
    triggerEvent: drillable,
    axisLine: { lineStyle: { color: LINE } },
    axisTick: { show: false },
    axisLabel: { color: MUTED, fontFamily: ctx.font, hideOverlap: false },
  };
}

function items(spec, s, valueMap) {
  return spec.categories.map((_, i) => {
    const item = { value: valueMap(toNumber(s.data[i])) };
    item.cursor = drillUrl(spec, i) ? 'pointer' : 'default';
    return item;
  });
}

function legendOption(spec, ctx, names, force) {
  const show = force || (spec.legend === undefined || spec.legend === null ? spec.type !== 'pie' && spec.series.length > 1 : Boolean(spec.legend));
  if (!show) return { show: false };
  return {
    show: true,
    type: 'scroll',
    top: 0,
    left: 'center',
    icon: 'roundRect',
    itemWidth: 12,
    itemHeight: 8,
    textStyle: { color: TEXT, fontFamily: ctx.font },
    pageTextStyle: { color: MUTED, fontFamily: ctx.font },
    data: names,
  };
}

function tooltipBase(ctx) {
  return {
    confine: true,
    backgroundColor: '#fff',
    borderColor: LINE,
    borderWidth: 1,
    padding: [6, 10],
    textStyle: { color: TEXT, fontFamily: ctx.font, fontSize: 12 },
    extraCssText: 'box-shadow: 0 2px 8px rgba(16,35,60,.15); border-radius: 4px;',
  };
}

// Below this width a donut leaves too little room for "name value (percent)"
// labels: they shrink to the percentage and the legend names the slices.
const PIE_COMPACT_WIDTH = 480;

function pieOption(spec, ctx, width) {
  const s = spec.series[0];
  const compact = width < PIE_COMPACT_WIDTH;
  const legend = legendOption(spec, ctx, spec.categories.map(String), compact);
  // Wide: name on the first line, "value (percent)" on the second, aligned
  // to the chart's edges so long labels are not clipped.
  const label = compact
    ? { color: TEXT, fontFamily: ctx.font, formatter: (p) => `${ctx.num(p.percent)}%` }
    : {
        color: TEXT,
        fontFamily: ctx.font,
        lineHeight: 16,
        alignTo: 'edge',
        edgeDistance: 8,
        minMargin: 4,
        formatter: (p) =>
          `{name|${richSafe(truncate(p.name, 10))}}\n{value|${richSafe(ctx.withUnit(toNumber(p.value), spec.unit))} (${ctx.num(p.percent)}%)}`,
        rich: {
          name: { color: TEXT, fontFamily: ctx.font, lineHeight: 16 },
          value: { color: MUTED, fontFamily: ctx.font, lineHeight: 16 },
        },
      };
  const data = spec.categories.map((c, i) => ({
    name: String(c),
    value: toNumber(s.data[i]),
    itemStyle: { color: PALETTE[i % PALETTE.length] },
    cursor: drillUrl(spec, i) ? 'pointer' : 'default',
  }));
  return {
    color: PALETTE,
    textStyle: { fontFamily: ctx.font },
    tooltip: {
      ...tooltipBase(ctx),
      trigger: 'item',
      formatter: (p) => `<div class="jx-chart-tip-title">${escapeHtml(s.name || '')}</div><div class="jx-chart-tip-row">${dot(p.color)}<span class="jx-chart-tip-name">${escapeHtml(p.name)}</span><b>${escapeHtml(ctx.withUnit(toNumber(p.value), spec.unit))}</b>&nbsp;(${escapeHtml(ctx.num(p.percent))}%)</div>`,
    },
    legend,
    series: [
      {
        type: 'pie',
        name: s.name || '',
        radius: ['42%', '66%'],
        center: ['50%', legend.show ? '56%' : '50%'],
        avoidLabelOverlap: true,
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
        label,
        labelLine: { length: compact ? 6 : 10, length2: compact ? 6 : 0, maxSurfaceAngle: 80, lineStyle: { color: LINE } },
        labelLayout: { hideOverlap: true },
        emphasis: { scale: true, scaleSize: 4 },
        data,
      },
    ],
  };
}

function cartesianOption(spec, ctx, width) {
  const type = spec.type;
  const horizontal = type === 'hbar';
  const drillable = spec.categories.some((_, i) => drillUrl(spec, i));
  const useAxis1 = (type === 'bar' || type === 'line' || type === 'bar_line') && spec.series.some((s) => Number(s.axis) === 1);
  ctx.axisOf = (s) => (useAxis1 && Number(s.axis) === 1 ? 1 : 0);
  const kindOf = (s) => {
    if (type === 'line') return 'line';
    if (type === 'bar_line') return s.kind === 'line' ? 'line' : 'bar';
    return 'bar';
  };
  const hasBars = spec.series.some((s) => kindOf(s) === 'bar');
  const legend = legendOption(spec, ctx, spec.series.map((s) => String(s.name || '')));

  let markPlaced = false;
  const series = spec.series.map((s, i) => {
    const kind = kindOf(s);
    const axis = ctx.axisOf(s);
    const color = seriesColor(s, i);
    const out = {
      type: kind,
      name: String(s.name || ''),
      data: items(spec, s, (v) => v),
      cursor: 'default',
      itemStyle: { color },
      emphasis: { focus: 'none' },
    };
    if (kind === 'bar') {
      out.barMaxWidth = 36;
      out.itemStyle.borderRadius = horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0];
      if (type === 'stacked') {
        out.stack = 'total';
        out.itemStyle.borderRadius = 0;
      }
      if (horizontal && spec.series.length === 1) {
        out.label = {
          show: true,
          position: 'right',
          color: MUTED,
          fontFamily: ctx.font,
          formatter: (p) => (isNumber(toNumber(p.value)) ? ctx.withUnit(toNumber(p.value), spec.unit) : ''),
        };
      }
    } else {
      out.symbol = 'circle';
      out.symbolSize = 6;
      out.lineStyle = { color, width: 2 };
      out.connectNulls = false;
    }
    if (!horizontal) out.yAxisIndex = axis;
    if (!markPlaced && axis === 0) {
      const ml = markLineOption(spec, ctx, horizontal);
      if (ml) {
        out.markLine = ml;
        markPlaced = true;
      }
    }
    return out;
  });

  const cat = categoryAxis(spec, ctx, drillable);
  const values = [valueAxis(spec, ctx, 0)];
  if (useAxis1) values.push(valueAxis(spec, ctx, 1));

  const option = {
    color: PALETTE,
    textStyle: { fontFamily: ctx.font },
    legend,
    tooltip: {
      ...tooltipBase(ctx),
      trigger: 'axis',
      axisPointer: { type: hasBars ? 'shadow' : 'line', shadowStyle: { color: 'rgba(29,95,180,0.06)' }, lineStyle: { color: LINE } },
      formatter: axisTooltip(spec, ctx),
    },
    grid: {
      left: 8,
      // hbar: room for the value labels and for a reference-line label near the end.
      right: horizontal && (spec.series.length === 1 || spec.markLine) ? 56 : useAxis1 ? 8 : 20,
      top: legend.show ? 40 : spec.markLine ? 26 : 16,
      bottom: 8,
      outerBoundsMode: 'same',
    },
    series,
  };
  if (horizontal) {
    const { labelWidth, splitNumber } = hbarLayout(width);
    cat.inverse = true;
    cat.axisLabel.width = labelWidth;
    cat.axisLabel.overflow = 'truncate';
    cat.axisLabel.ellipsis = '…';
    cat.axisLabel.interval = 0;
    option.yAxis = cat;
    option.xAxis = values[0];
    option.xAxis.splitLine = { show: true, lineStyle: { color: SPLIT } };
    option.xAxis.splitNumber = splitNumber;
  } else {
    cat.axisLabel.formatter = (v) => truncate(v, 8);
    Object.assign(cat.axisLabel, categoryLabelLayout(spec, width - 70 - (useAxis1 ? 50 : 0)));
    if (type === 'line') cat.boundaryGap = false;
    option.xAxis = cat;
    option.yAxis = values;
  }
  return option;
}

// Vertical category labels: straight when they fit their band; short labels
// (months, years) stay straight and ECharts skips some; longer ones rotate
// (30°, 45°, 60°, 90°: the smallest angle that keeps rotated labels apart),
// and when even 90° is too dense ECharts skips some.
function categoryLabelLayout(spec, plotWidth) {
  const n = spec.categories.length || 1;
  const band = Math.max(1, plotWidth) / n;
  const names = spec.categories.map((c) => truncate(c, 8));
  const longest = Math.max(0, ...names.map((c) => textWidth(c, 12)));
  const gap = 18; // 12 px text + spacing, measured across rotated labels
  if (longest + 16 <= band) return { interval: 0, rotate: 0 };
  if (Math.max(0, ...names.map((c) => Array.from(c).length)) <= 3) return { interval: 'auto', rotate: 0 };
  for (const rotate of [30, 45, 60]) {
    if (band * Math.sin((rotate * Math.PI) / 180) >= gap) return { interval: 0, rotate };
  }
  return { interval: band >= gap ? 0 : 'auto', rotate: 90 };
}

// hbar: unit names get up to 30 % of the width (60–140 px), then an
// ellipsis; fewer value ticks when narrow so "20%40%60%" does not run together.
function hbarLayout(width) {
  const labelWidth = Math.round(Math.max(60, Math.min(140, width * 0.3)));
  const ticks = Math.max(2, Math.min(5, Math.floor((width - labelWidth - 70) / 70)));
  // 3 would give steps like 30 on a 0–100 axis; 2, 4 or 5 divide it evenly.
  const splitNumber = ticks === 3 ? 2 : ticks;
  return { labelWidth, splitNumber };
}

function buildOption(spec, ctx, width) {
  return spec.type === 'pie' ? pieOption(spec, ctx, width) : cartesianOption(spec, ctx, width);
}

// What of the option depends on the width; a change rebuilds the option.
function layoutKey(spec, width) {
  if (spec.type === 'pie') return String(width < PIE_COMPACT_WIDTH);
  if (spec.type === 'hbar') {
    const l = hbarLayout(width);
    return `${l.labelWidth}/${l.splitNumber}`;
  }
  const useAxis1 = spec.type !== 'stacked' && spec.series.some((s) => Number(s.axis) === 1);
  const l = categoryLabelLayout(spec, width - 70 - (useAxis1 ? 50 : 0));
  return `${l.interval}/${l.rotate}`;
}

// --- rendering --------------------------------------------------------------

function canvasOf(figure) {
  let canvas = figure.querySelector('.jx-chart-canvas');
  if (!canvas) {
    canvas = document.createElement('div');
    canvas.className = 'jx-chart-canvas';
    const caption = figure.querySelector('figcaption');
    const table = figure.querySelector('.jx-chart-table');
    figure.insertBefore(canvas, caption || table || null);
  }
  return canvas;
}

function addTableToggle(figure, lang) {
  const table = figure.querySelector('.jx-chart-table');
  if (!table || figure.querySelector('.jx-chart-table-toggle')) return;
  const msg = MESSAGES[lang];
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'jx-chart-table-toggle';
  button.textContent = msg.show;
  button.setAttribute('aria-expanded', 'false');
  if (table.id) button.setAttribute('aria-controls', table.id);
  button.addEventListener('click', () => {
    const open = figure.classList.toggle('jx-chart-table-open');
    button.textContent = open ? msg.hide : msg.show;
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
  table.parentNode.insertBefore(button, table);
}

function render(figure) {
  if (!figure || figure.classList.contains('jx-chart-ready')) return null;
  let chart = null;
  try {
    const script = figure.querySelector('[data-chart-spec]');
    if (!script) throw new Error('no [data-chart-spec]');
    const spec = JSON.parse(script.textContent);
    validate(spec);
    if (!spec.categories.length) {
      // Nothing to draw: the table (e.g. "no data") stays as it is, no warning.
      figure.setAttribute('data-chart-state', 'empty');
      return null;
    }
    const lang = spec.lang === 'en' || spec.lang === 'zh' ? spec.lang : pageLang();
    const font = window.getComputedStyle(figure).fontFamily || 'sans-serif';
    const ctx = { font, lang, ...formatter(lang), axisOf: () => 0 };

    const canvas = canvasOf(figure);
    const height = toNumber(spec.height);
    canvas.style.height = `${height && height > 0 ? height : DEFAULT_HEIGHT}px`;
    const caption = figure.querySelector('figcaption');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', caption ? caption.textContent.trim() : '');
    canvas.setAttribute('aria-hidden', 'true');

    const existing = getInstanceByDom(canvas);
    if (existing) existing.dispose();
    chart = init(canvas, null, { renderer: 'svg', locale: lang === 'en' ? 'EN' : 'ZH' });
    const width = chart.getWidth();
    const state = { figure, spec, ctx, chart, key: layoutKey(spec, width) };
    chart.setOption(buildOption(spec, ctx, width));
    chart.on('click', (params) => {
      const isItem = params.componentType === 'series';
      const isLabel = params.targetType === 'axisLabel' && (params.componentType === 'xAxis' || params.componentType === 'yAxis');
      if (!isItem && !isLabel) return;
      const url = drillUrl(spec, params.dataIndex);
      if (url) window.location.href = url;
    });
    charts.add(state);
    figure.classList.add('jx-chart-ready');
    figure.setAttribute('data-chart-state', 'ready');
    addTableToggle(figure, lang);
    return chart;
  } catch (error) {
    if (chart) {
      try {
        chart.dispose();
      } catch (e) {
        /* ignore */
      }
    }
    const canvas = figure.querySelector('.jx-chart-canvas');
    if (canvas) canvas.style.height = '';
    figure.classList.remove('jx-chart-ready');
    figure.setAttribute('data-chart-state', 'failed');
    warnOnce(error, figure);
    return null;
  }
}

function renderAll(root) {
  (root || document).querySelectorAll('[data-chart]').forEach((figure) => render(figure));
}

function resize() {
  charts.forEach((state) => {
    if (!state.figure.isConnected) {
      state.chart.dispose();
      charts.delete(state);
      return;
    }
    state.chart.resize();
    const width = state.chart.getWidth();
    const key = layoutKey(state.spec, width);
    if (key !== state.key) {
      state.key = key;
      // Rebuilt without animation, so a resize does not replay the entrance.
      state.chart.setOption({ ...buildOption(state.spec, state.ctx, width), animation: false }, { notMerge: true });
    }
  });
}

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(resize, 150);
});

window.jixiaoCharts = { render, renderAll, resize };

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => renderAll());
} else {
  renderAll();
}
