// BPMN modeler page: bpmn-js Modeler + Camunda 7 properties panel.
//
// Markup (rendered by the server, see webapp/frontend/README.md):
//   <div data-bpmn-modeler data-xml-url data-save-url data-kind="bpmn"
//        data-roles='[...]' data-decisions='[...]' data-download-name>
//     toolbar with [data-modeler-open] [data-modeler-download] [data-modeler-save],
//     [data-modeler-status], [data-modeler-problems],
//     [data-modeler-canvas], [data-modeler-panel]
//   </div>
//
// State attributes on the root, for tests and styling:
//   data-import-state (loading|done|failed), data-import-warnings (count),
//   data-save-state (saving|saved|invalid|error), data-saved-version.
//
// Markers: jx-invalid (problems from the last save, with overlays of type
// 'jx-save-problem') and jx-warning (live checks of candidate groups and
// decision refs against data-roles / data-decisions, overlays 'jx-live-check').
import BpmnModeler from 'bpmn-js/lib/Modeler';
import { is } from 'bpmn-js/lib/util/ModelUtil';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

import { mountEditorShell, readJsonAttr } from './editor-shell.js';
import TranslateModule, { uiText } from './modeler-i18n.js';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import './modeler.css';

const SAVE_OVERLAY = 'jx-save-problem';
const LIVE_OVERLAY = 'jx-live-check';

// Attribute values like "${initiator}" are resolved at run time; skip them.
function isExpression(value) {
  return /[$#]\{/.test(value);
}

// data-roles / data-decisions: a JSON array of codes, or null = do not check.
function codeSet(root, name) {
  const value = readJsonAttr(root, name);
  return Array.isArray(value) ? new Set(value.map(String)) : null;
}

function splitList(value) {
  return String(value || '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

function overlayBox(kind, messages) {
  const box = document.createElement('div');
  box.className = `jx-overlay jx-overlay-${kind}`;
  const badge = document.createElement('span');
  badge.className = 'jx-overlay-badge';
  badge.textContent = '!';
  box.appendChild(badge);
  const list = document.createElement('span');
  list.className = 'jx-overlay-text';
  messages.forEach((message) => {
    const line = document.createElement('span');
    line.textContent = message;
    list.appendChild(line);
  });
  box.appendChild(list);
  return box;
}

// Which elements break the live checks: Map(element id -> messages).
function liveProblems(registry, roles, decisions) {
  const found = new Map();
  const add = (id, message) => found.set(id, (found.get(id) || []).concat(message));

  registry.forEach((element) => {
    if (element.labelTarget || !element.businessObject) return;
    const bo = element.businessObject;
    if (roles && is(element, 'bpmn:UserTask')) {
      const groups = bo.get('camunda:candidateGroups');
      if (groups && !isExpression(groups)) {
        splitList(groups)
          .filter((code) => !roles.has(code))
          .forEach((code) => add(element.id, uiText('unknownRole', { code })));
      }
    }
    if (decisions && is(element, 'bpmn:BusinessRuleTask')) {
      const ref = (bo.get('camunda:decisionRef') || '').trim();
      if (ref && !isExpression(ref) && !decisions.has(ref)) {
        add(element.id, uiText('unknownDecision', { id: ref }));
      }
    }
  });
  return found;
}

function createLiveChecks(modeler, root) {
  const canvas = modeler.get('canvas');
  const registry = modeler.get('elementRegistry');
  const overlays = modeler.get('overlays');
  const roles = codeSet(root, 'data-roles');
  const decisions = codeSet(root, 'data-decisions');
  let marked = [];
  let timer = null;

  function run() {
    timer = null;
    marked.forEach((id) => {
      if (registry.get(id)) canvas.removeMarker(id, 'jx-warning');
    });
    overlays.remove({ type: LIVE_OVERLAY });
    const found = liveProblems(registry, roles, decisions);
    found.forEach((messages, id) => {
      canvas.addMarker(id, 'jx-warning');
      overlays.add(id, LIVE_OVERLAY, {
        position: { bottom: -6, left: 0 },
        html: overlayBox('warning', messages),
      });
    });
    marked = Array.from(found.keys());
  }

  // Debounced: one edit fires several 'elements.changed' events.
  function schedule() {
    if (timer === null) timer = setTimeout(run, 60);
  }

  if (roles || decisions) {
    modeler.on('elements.changed', schedule);
    modeler.on('import.done', schedule);
  }
}

// moddle-xml console.warns about every attribute it cannot serialise before
// saveXML fails (e.g. a file that binds the camunda: prefix to another
// namespace). The failure itself reaches the status line, so keep those
// particular messages out of the console.
async function saveXmlQuietly(modeler) {
  const warn = console.warn;
  console.warn = (...args) => {
    if (typeof args[0] === 'string' && args[0].startsWith('missing namespace information')) return;
    warn.apply(console, args);
  };
  try {
    const { xml } = await modeler.saveXML({ format: true });
    return xml;
  } finally {
    console.warn = warn;
  }
}

function createEditor(modeler) {
  const canvas = modeler.get('canvas');
  const registry = modeler.get('elementRegistry');
  const overlays = modeler.get('overlays');
  const selection = modeler.get('selection');
  let marked = [];

  // Problems may name a process that is drawn as a participant.
  function findElement(id) {
    const element = registry.get(id);
    if (element && element.parent) return element;
    return registry.find((el) => is(el, 'bpmn:Participant')
      && el.businessObject.processRef && el.businessObject.processRef.id === id) || null;
  }

  function fit() {
    try {
      canvas.zoom('fit-viewport', 'auto');
    } catch (e) {
      // A hidden container has no size; the user can still zoom by hand.
    }
  }

  return {
    kind: 'bpmn',
    defaultName: 'diagram.bpmn',

    async importXML(xml) {
      const result = await modeler.importXML(xml);
      fit();
      return result;
    },

    createBlank() {
      return modeler.createDiagram();
    },

    saveXML() {
      return saveXmlQuietly(modeler);
    },

    clearProblems() {
      marked.forEach((id) => {
        if (registry.get(id)) canvas.removeMarker(id, 'jx-invalid');
      });
      marked = [];
      overlays.remove({ type: SAVE_OVERLAY });
    },

    showProblems(problems) {
      const byElement = new Map();
      problems.forEach((problem) => {
        const element = problem.element_id ? findElement(String(problem.element_id)) : null;
        if (!element) return;
        byElement.set(element.id, (byElement.get(element.id) || []).concat(String(problem.message || '')));
      });
      byElement.forEach((messages, id) => {
        canvas.addMarker(id, 'jx-invalid');
        overlays.add(id, SAVE_OVERLAY, {
          position: { top: -12, right: 12 },
          html: overlayBox('invalid', messages),
        });
      });
      marked = Array.from(byElement.keys());
    },

    locate(id) {
      const element = findElement(id);
      if (!element) return null;
      const name = element.businessObject && element.businessObject.name;
      return {
        label: name ? `${name} (${id})` : id,
        reveal() {
          canvas.scrollToElement(element);
          selection.select(element);
        },
      };
    },
  };
}

function mount(root) {
  if (root.__jxModeler) return root.__jxModeler;
  const modeler = new BpmnModeler({
    container: root.querySelector('[data-modeler-canvas]') || root,
    propertiesPanel: {
      parent: root.querySelector('[data-modeler-panel]') || undefined,
      // Assignment and decision refs are what our admins edit most.
      layout: {
        groups: {
          general: { open: true },
          CamundaPlatform__UserAssignment: { open: true },
          CamundaPlatform__Implementation: { open: true },
        },
      },
    },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule,
      TranslateModule,
    ],
    moddleExtensions: { camunda: camundaModdle },
  });
  root.__jxModeler = modeler;
  createLiveChecks(modeler, root);
  mountEditorShell(root, createEditor(modeler));
  return modeler;
}

function mountAll() {
  document.querySelectorAll('[data-bpmn-modeler]').forEach((root) => {
    window.jxModeler = mount(root);
  });
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', mountAll);
} else {
  mountAll();
}
