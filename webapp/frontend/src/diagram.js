// Read-only BPMN process diagrams with progress highlighting.
//
// Markup (rendered by the server):
//   <div data-bpmn-diagram
//        data-xml-url="/process/123/diagram.bpmn"
//        data-completed='["StartEvent_1","Task_fill"]'
//        data-active='["Task_review"]'
//        data-path='["Flow_1","Flow_2"]'   (optional, see below)
//        data-error-message="(optional, overrides the built-in message)"></div>
//
// Markers added to the canvas:
//   jx-completed  – shapes whose id is in data-completed
//   jx-active     – shapes whose id is in data-active (wins over completed)
//   jx-path       – sequence flows whose source and target are both
//                   completed or active; if the optional data-path attribute
//                   (JSON array of flow ids actually taken) is present, exactly
//                   those flows are marked instead of using that heuristic
//
// Optional extras (e.g. version diffs and "where instances wait" heat maps):
//   data-marks='{"Task_1":"jx-added","Task_2":"jx-heat-3"}'
//       id -> one marker of jx-added | jx-removed | jx-changed | jx-heat-1..5
//   data-counts='{"Task_1": 12}'
//       id -> number, shown as a small badge overlay at the element's top right
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import './diagram-theme.css';

const MESSAGES = {
  zh: {
    load: '流程图加载失败',
    http: '服务器返回错误',
    empty: '流程图内容为空',
    render: '流程图无法显示',
  },
  en: {
    load: 'Could not load the process diagram',
    http: 'The server returned an error',
    empty: 'The process diagram is empty',
    render: 'The process diagram could not be displayed',
  },
};

function messages() {
  const lang = (document.documentElement.getAttribute('lang') || 'zh').toLowerCase();
  return lang.startsWith('en') ? MESSAGES.en : MESSAGES.zh;
}

function parseIds(value) {
  if (!value) return [];
  try {
    const parsed = JSON.parse(value);
    if (Array.isArray(parsed)) {
      return parsed.filter((id) => typeof id === 'string' && id !== '');
    }
  } catch (e) {
    // fall through
  }
  return [];
}

class DiagramError extends Error {
  constructor(kind, detail) {
    super(detail || kind);
    this.kind = kind;
    this.detail = detail || '';
  }
}

function showError(container, err) {
  const msgs = messages();
  const custom = container.getAttribute('data-error-message');
  const kind = err && err.kind && msgs[err.kind] ? err.kind : 'render';

  container.classList.add('jx-diagram-failed');
  container.removeAttribute('aria-busy');
  container.textContent = '';

  const box = document.createElement('div');
  box.className = 'jx-diagram-error';
  box.setAttribute('role', 'alert');

  const title = document.createElement('strong');
  title.textContent = custom || msgs[kind];
  box.appendChild(title);

  let detail = String((err && (err.detail || err.message)) || '');
  if (detail.length > 200) detail = `${detail.slice(0, 200)}…`;
  if (detail && detail !== kind) {
    const small = document.createElement('div');
    small.className = 'jx-diagram-error-detail';
    small.textContent = detail;
    box.appendChild(small);
  }
  container.appendChild(box);

  if (window.console && console.error) console.error('[jixiao] diagram:', err);
}

function flowEnds(flow) {
  // Prefer the rendered connection ends; fall back to the BPMN model refs.
  const bo = flow.businessObject || {};
  const source = (flow.source && flow.source.id) || (bo.sourceRef && bo.sourceRef.id);
  const target = (flow.target && flow.target.id) || (bo.targetRef && bo.targetRef.id);
  return [source, target];
}

function applyMarkers(viewer, completedIds, activeIds, pathIds) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');

  const active = new Set(activeIds);
  const completed = new Set(completedIds.filter((id) => !active.has(id)));
  const reached = new Set([...completed, ...active]);

  completed.forEach((id) => {
    if (registry.get(id)) canvas.addMarker(id, 'jx-completed');
  });
  active.forEach((id) => {
    if (registry.get(id)) canvas.addMarker(id, 'jx-active');
  });

  if (pathIds) {
    pathIds.forEach((id) => {
      if (registry.get(id)) canvas.addMarker(id, 'jx-path');
    });
    return;
  }

  registry
    .filter((el) => el.type === 'bpmn:SequenceFlow')
    .forEach((flow) => {
      const [source, target] = flowEnds(flow);
      if (source && target && reached.has(source) && reached.has(target)) {
        canvas.addMarker(flow.id, 'jx-path');
      }
    });
}

const EXTRA_MARKS = /^jx-(added|removed|changed|heat-[1-5])$/;

function parseObject(value) {
  if (!value) return {};
  try {
    const parsed = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch (e) {
    // fall through
  }
  return {};
}

function applyExtraMarks(viewer, marks) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  Object.keys(marks).forEach((id) => {
    const marker = marks[id];
    if (typeof marker === 'string' && EXTRA_MARKS.test(marker) && registry.get(id)) {
      canvas.addMarker(id, marker);
    }
  });
}

function applyCounts(viewer, counts) {
  const registry = viewer.get('elementRegistry');
  const overlays = viewer.get('overlays');
  Object.keys(counts).forEach((id) => {
    const raw = counts[id];
    const count = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    const element = registry.get(id);
    if (!Number.isFinite(count) || !element || !element.parent) return;
    const badge = document.createElement('span');
    badge.className = 'jx-count-badge';
    badge.textContent = String(count);
    overlays.add(id, 'jx-count', { position: { top: -10, right: 10 }, html: badge });
  });
}

async function fetchXml(url) {
  let response;
  try {
    response = await fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/xml, text/xml, */*' },
    });
  } catch (e) {
    throw new DiagramError('load', e && e.message);
  }
  if (!response.ok) {
    throw new DiagramError('http', `HTTP ${response.status}`);
  }
  const text = await response.text();
  if (!text.trim()) throw new DiagramError('empty');
  return text;
}

async function renderDiagram(container) {
  if (container.__jxViewer) return container.__jxViewer;

  container.classList.add('jx-diagram');
  container.setAttribute('aria-busy', 'true');

  const url = container.getAttribute('data-xml-url');
  const completedIds = parseIds(container.getAttribute('data-completed'));
  const activeIds = parseIds(container.getAttribute('data-active'));
  const pathIds = container.hasAttribute('data-path')
    ? parseIds(container.getAttribute('data-path'))
    : null;
  const extraMarks = parseObject(container.getAttribute('data-marks'));
  const counts = parseObject(container.getAttribute('data-counts'));

  try {
    if (!url) throw new DiagramError('load', 'data-xml-url missing');
    const xml = await fetchXml(url);

    container.textContent = '';
    const viewer = new NavigatedViewer({ container });
    container.__jxViewer = viewer;

    try {
      const { warnings } = await viewer.importXML(xml);
      if (warnings && warnings.length && window.console && console.warn) {
        console.warn('[jixiao] diagram import warnings:', warnings);
      }
    } catch (e) {
      viewer.destroy();
      container.__jxViewer = null;
      throw new DiagramError('render', e && e.message);
    }

    const canvas = viewer.get('canvas');
    try {
      canvas.zoom('fit-viewport', 'auto');
    } catch (e) {
      // Hidden containers have no size; ignore, the user can still pan/zoom.
    }
    applyMarkers(viewer, completedIds, activeIds, pathIds);
    applyExtraMarks(viewer, extraMarks);
    applyCounts(viewer, counts);
    container.removeAttribute('aria-busy');
    container.classList.add('jx-diagram-ready');
    return viewer;
  } catch (err) {
    showError(container, err instanceof DiagramError ? err : new DiagramError('render', err && err.message));
    return null;
  }
}

function renderAll(root) {
  const scope = root || document;
  return Promise.all(
    Array.from(scope.querySelectorAll('[data-bpmn-diagram]')).map(renderDiagram),
  );
}

// Small hook for pages that reveal a diagram later (e.g. inside a tab).
window.jixiaoDiagram = {
  render: renderDiagram,
  renderAll,
  refit(container) {
    const viewer = container && container.__jxViewer;
    if (viewer) viewer.get('canvas').zoom('fit-viewport', 'auto');
  },
};

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => renderAll());
} else {
  renderAll();
}
