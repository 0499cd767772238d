// DMN editor page: dmn-js Modeler + a panel to test the open decision table.
//
// Markup (rendered by the server, see webapp/frontend/README.md):
//   <div data-dmn-modeler data-xml-url data-save-url data-test-url data-download-name>
//     toolbar with [data-modeler-open] [data-modeler-download] [data-modeler-save],
//     [data-modeler-status], [data-modeler-problems],
//     [data-dmn-canvas], <section data-dmn-test>
//   </div>
//
// Load/open/download/save behave like the BPMN modeler (same root state
// attributes; the save body says "kind": "dmn"). Our DMN files often carry no
// DMNDI, so after every import the first decision table is opened directly;
// a small view switcher appears when the file has more than one view.
// Rows: jx-invalid-row (rule named by a save problem), jx-matched-row (rule
// that matched the last test, until the next test or edit).
import DmnModeler from 'dmn-js/lib/Modeler';

import { mountEditorShell, postJson } from './editor-shell.js';
import TranslateModule, { uiText } from './modeler-i18n.js';

import 'dmn-js/dist/assets/diagram-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression-controls.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn-embedded.css';
import './modeler.css';
import './dmn-editor.css';

const NUMBER_TYPES = new Set(['number', 'integer', 'long', 'double']);

const BLANK_DMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="Definitions_1" name="Definitions_1" namespace="https://jixiao.local/dmn">
  <decision id="Decision_1" name="Decision 1">
    <decisionTable id="DecisionTable_1">
      <input id="Input_1" label="Input 1">
        <inputExpression id="InputExpression_1" typeRef="string"><text></text></inputExpression>
      </input>
      <output id="Output_1" label="Output 1" name="output_1" typeRef="string" />
    </decisionTable>
  </decision>
</definitions>`;

function cssId(id) {
  return window.CSS && CSS.escape ? CSS.escape(id) : String(id).replace(/["\\]/g, '\\$&');
}

// Adds/removes a class on every cell of a rule and on the rows holding them.
function markRows(container, ruleIds, className) {
  const found = [];
  ruleIds.forEach((id) => {
    container.querySelectorAll(`[data-row-id="${cssId(id)}"]`).forEach((cell) => {
      cell.classList.add(className);
      const row = cell.closest('tr');
      if (row) row.classList.add(className);
      found.push(cell);
    });
  });
  return found;
}

function unmarkRows(container, className) {
  container.querySelectorAll(`.${className}`).forEach((el) => el.classList.remove(className));
}

function activeDecision(modeler) {
  const view = modeler.getActiveView();
  return view && view.type === 'decisionTable' ? view.element : null;
}

function findRule(definitions, id) {
  for (const decision of (definitions && definitions.drgElement) || []) {
    const rules = (decision.decisionLogic && decision.decisionLogic.rule) || [];
    const index = rules.findIndex((rule) => rule.id === id);
    if (index >= 0) return { decision, index };
  }
  return null;
}

function createEditor(modeler, canvasEl) {
  let invalidRules = [];

  async function openFirstTable() {
    const active = modeler.getActiveView();
    if (active && active.type === 'decisionTable') return;
    const table = modeler.getViews().find((view) => view.type === 'decisionTable');
    if (table) await modeler.open(table);
  }

  async function openDecision(decision) {
    const view = modeler.getViews().find((v) => v.element === decision);
    if (view && modeler.getActiveView() !== view) await modeler.open(view);
  }

  return {
    kind: 'dmn',
    defaultName: 'decision.dmn',

    async importXML(xml) {
      const result = await modeler.importXML(xml);
      await openFirstTable();
      return result;
    },

    createBlank() {
      return this.importXML(BLANK_DMN);
    },

    async saveXML() {
      const { xml } = await modeler.saveXML({ format: true });
      return xml;
    },

    clearProblems() {
      invalidRules = [];
      unmarkRows(canvasEl, 'jx-invalid-row');
    },

    showProblems(problems) {
      invalidRules = problems.map((p) => String(p.element_id || '')).filter(Boolean);
      markRows(canvasEl, invalidRules, 'jx-invalid-row');
    },

    // Table views re-render rows; re-apply the problem marks afterwards.
    refreshMarks() {
      markRows(canvasEl, invalidRules, 'jx-invalid-row');
    },

    locate(id) {
      const definitions = modeler.getDefinitions();
      const hit = findRule(definitions, id);
      const view = modeler.getViews().find((v) => v.element.id === id);
      if (!hit && !view) return null;
      return {
        label: hit ? `${hit.decision.name || hit.decision.id} #${hit.index + 1} (${id})` : view.name || id,
        async reveal() {
          if (view) {
            await modeler.open(view);
            return;
          }
          await openDecision(hit.decision);
          const cells = markRows(canvasEl, [id], 'jx-invalid-row');
          if (cells[0]) cells[0].scrollIntoView({ block: 'nearest', inline: 'nearest' });
        },
      };
    },
  };
}

// Tab bar for files with several decisions (or a DRD); hidden otherwise.
function createViewSwitcher(modeler, canvasEl) {
  const nav = document.createElement('nav');
  nav.className = 'jx-dmn-views';
  nav.setAttribute('aria-label', uiText('views'));
  nav.hidden = true;
  canvasEl.parentNode.insertBefore(nav, canvasEl);

  modeler.on('views.changed', ({ views, activeView }) => {
    nav.textContent = '';
    nav.hidden = views.length < 2;
    views.forEach((view) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'jx-dmn-view';
      button.textContent = view.type === 'drd' ? 'DRD' : view.name || view.id;
      if (view === activeView) button.setAttribute('aria-current', 'true');
      button.addEventListener('click', () => {
        modeler.open(view).catch(() => {});
      });
      nav.appendChild(button);
    });
  });
}

function inputFields(decision) {
  const table = decision && decision.decisionLogic;
  return ((table && table.input) || []).map((input, index) => {
    const expression = input.inputExpression || {};
    const text = (expression.text || '').trim();
    return {
      name: text || input.id || `input_${index + 1}`,
      label: (input.label || '').trim() || text || input.id,
      type: (expression.typeRef || input.typeRef || 'string').toLowerCase(),
    };
  });
}

function formatValue(value) {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function outputTable(outputs) {
  const rows = Array.isArray(outputs) ? outputs : [outputs];
  const table = document.createElement('table');
  table.className = 'jx-dmn-test-outputs';
  const head = table.createTHead().insertRow();
  [uiText('testOutput'), uiText('testValue')].forEach((title) => {
    const th = document.createElement('th');
    th.textContent = title;
    head.appendChild(th);
  });
  const body = table.createTBody();
  rows.forEach((row) => {
    if (!row || typeof row !== 'object') return;
    Object.keys(row).forEach((key) => {
      const tr = body.insertRow();
      tr.insertCell().textContent = key;
      tr.insertCell().textContent = formatValue(row[key]);
    });
  });
  return table;
}

// The test form: one input per input column of the open decision table.
function createTestPanel(section, modeler, canvasEl, refreshMarks) {
  const root = section.closest('[data-dmn-modeler]') || section;
  const testUrl = () => root.getAttribute('data-test-url');
  const form = document.createElement('form');
  form.className = 'jx-dmn-test-form';
  form.noValidate = true;
  const title = document.createElement('h3');
  title.className = 'jx-dmn-test-title';
  title.textContent = uiText('testTitle');
  const fields = document.createElement('div');
  fields.className = 'jx-dmn-test-fields';
  const button = document.createElement('button');
  button.type = 'submit';
  button.className = 'jx-btn jx-dmn-test-run';
  button.textContent = uiText('testButton');
  const result = document.createElement('div');
  result.className = 'jx-dmn-test-result';
  result.setAttribute('role', 'status');
  result.setAttribute('aria-live', 'polite');
  form.append(title, fields, button);
  section.textContent = '';
  section.append(form, result);

  let timer = null;

  function clearMatch() {
    unmarkRows(canvasEl, 'jx-matched-row');
  }

  function showResult(kind, message, extra) {
    result.className = `jx-dmn-test-result jx-status-${kind}`;
    result.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    result.textContent = '';
    const text = document.createElement('p');
    text.textContent = message;
    result.appendChild(text);
    if (extra) result.appendChild(extra);
  }

  let shape = null; // the columns the fields were built for

  function rebuild() {
    timer = null;
    const decision = activeDecision(modeler);
    const inputs = inputFields(decision);
    button.disabled = !decision || !testUrl();
    // Same columns: leave the fields alone, so nothing the user is typing is replaced.
    const next = JSON.stringify([decision && decision.id, inputs]);
    if (next === shape) return;
    shape = next;
    // Keep what the user typed in the columns that stay.
    const previous = {};
    fields.querySelectorAll('input').forEach((input) => {
      previous[input.name] = input.type === 'checkbox' ? input.checked : input.value;
    });
    fields.textContent = '';
    if (!decision) {
      fields.textContent = uiText('testNoTable');
      return;
    }
    if (!inputs.length) fields.textContent = uiText('testNoInputs');
    inputs.forEach((field, index) => {
      const id = `jx-dmn-test-${index}`;
      const wrap = document.createElement('div');
      wrap.className = 'jx-dmn-test-field';
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = field.label;
      const input = document.createElement('input');
      input.id = id;
      input.name = field.name;
      input.setAttribute('data-type-ref', field.type);
      if (field.type === 'boolean') {
        input.type = 'checkbox';
        input.checked = previous[field.name] === true;
        wrap.classList.add('jx-dmn-test-check');
        wrap.append(input, label);
      } else {
        input.type = NUMBER_TYPES.has(field.type) ? 'number' : 'text';
        if (input.type === 'number') input.step = 'any';
        if (typeof previous[field.name] === 'string') input.value = previous[field.name];
        wrap.append(label, input);
      }
      fields.appendChild(wrap);
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(rebuild, 200);
  }

  function collectInputs() {
    const inputs = {};
    fields.querySelectorAll('input').forEach((input) => {
      if (input.type === 'checkbox') inputs[input.name] = input.checked;
      else if (input.type === 'number') inputs[input.name] = input.value === '' || Number.isNaN(input.valueAsNumber) ? null : input.valueAsNumber;
      else inputs[input.name] = input.value;
    });
    return inputs;
  }

  async function runTest(event) {
    event.preventDefault();
    clearMatch();
    const decision = activeDecision(modeler);
    const url = testUrl();
    if (!decision || !url) return;
    button.disabled = true;
    section.setAttribute('data-test-state', 'running');
    showResult('info', uiText('testing'));
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const { ok, data } = await postJson(url, { xml, decision_id: decision.id, inputs: collectInputs() });
      if (!ok) {
        const problems = Array.isArray(data.problems) ? data.problems : [];
        const list = document.createElement('ul');
        problems.forEach((p) => {
          const li = document.createElement('li');
          li.textContent = p && p.element_id ? `${p.element_id}: ${p.message || ''}` : (p && p.message) || String(p);
          list.appendChild(li);
        });
        section.setAttribute('data-test-state', 'failed');
        showResult('error', data.message || uiText('testFailed'), problems.length ? list : null);
        return;
      }
      const ruleIds = [].concat(data.rule_id || []).map(String);
      section.setAttribute('data-test-state', ruleIds.length ? 'matched' : 'nomatch');
      const message = data.message || (ruleIds.length
        ? uiText('testMatched', { rule: ruleIds.join(', '), row: [].concat(data.row || []).join(', ') })
        : uiText('testNoMatch'));
      showResult(ruleIds.length ? 'ok' : 'info', message, data.outputs ? outputTable(data.outputs) : null);
      markRows(canvasEl, ruleIds, 'jx-matched-row');
    } catch (err) {
      section.setAttribute('data-test-state', 'failed');
      showResult('error', `${uiText('testFailed')}: ${(err && err.message) || uiText('networkError')}`);
    } finally {
      button.disabled = !activeDecision(modeler) || !testUrl();
    }
  }

  form.addEventListener('submit', runTest);

  // A new view means a new table: rebuild at once. Edits: debounced.
  modeler.on('views.changed', () => {
    clearMatch();
    refreshMarks();
    rebuild();
  });
  // (The event's own 'type' is the event name, so every viewer is hooked;
  // DRD edits can rename decisions or inputs too.)
  modeler.on('viewer.created', ({ viewer }) => {
    viewer.on('elements.changed', () => {
      clearMatch();
      schedule();
    });
  });
  rebuild();
}

function mount(root) {
  if (root.__jxDmnModeler) return root.__jxDmnModeler;
  const canvasEl = root.querySelector('[data-dmn-canvas]') || root;
  // dmn-js drops common.additionalModules, so every view gets the module.
  const translated = { additionalModules: [TranslateModule] };
  const modeler = new DmnModeler({
    container: canvasEl,
    drd: translated,
    decisionTable: translated,
    literalExpression: translated,
    boxedExpression: translated,
  });
  root.__jxDmnModeler = modeler;
  const editor = createEditor(modeler, canvasEl);
  if (canvasEl !== root) createViewSwitcher(modeler, canvasEl);
  const testSection = root.querySelector('[data-dmn-test]');
  if (testSection) createTestPanel(testSection, modeler, canvasEl, () => editor.refreshMarks());
  mountEditorShell(root, editor);
  return modeler;
}

function mountAll() {
  document.querySelectorAll('[data-dmn-modeler]').forEach((root) => {
    window.jxDmnModeler = mount(root);
  });
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', mountAll);
} else {
  mountAll();
}
