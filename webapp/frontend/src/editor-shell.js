// Shared plumbing of the BPMN and DMN editors: toolbar, import, download, save, status and
// problem list around an editor adapter.

import { uiLang, uiText } from './modeler-i18n.js';

export function readJsonAttr(el, name) {
  const raw = el.getAttribute(name);
  if (raw === null || raw.trim() === '') return null;
  try {
    return JSON.parse(raw);
  } catch (e) {
    return null;
  }
}

function errorText(err) {
  const text = String((err && err.message) || err || '');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') || '' : '';
}

// POST JSON the way the Flask side expects; resolves with the status and the
// parsed body ({} when it is not JSON), rejects only on network failure.
export async function postJson(url, payload) {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'Content-Type': 'application/json',
      'X-CSRFToken': csrfToken(),
      Accept: 'application/json',
    },
    body: JSON.stringify(payload),
  });
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  return { status: response.status, ok: response.ok, data: data && typeof data === 'object' ? data : {} };
}

const XML_ENCODING = /^(\uFEFF?\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2/;

function sniffEncoding(bytes) {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  // The declaration itself is ASCII in every ASCII-compatible encoding.
  const head = String.fromCharCode.apply(null, bytes.subarray(0, 256));
  const match = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return match ? match[1] : 'utf-8';
}

// moddle only reads UTF-8 strings, so legacy files (e.g. ISO-8859-1) are
// decoded here by their declared encoding. The declaration is then rewritten
// to UTF-8 because the text is no longer in the original encoding.
export function decodeXml(buffer, charset) {
  const bytes = new Uint8Array(buffer);
  let decoder;
  try {
    decoder = new TextDecoder(charset || sniffEncoding(bytes));
  } catch (e) {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes).replace(XML_ENCODING, '$1$2UTF-8$2');
}

async function fetchXml(url) {
  let response;
  try {
    response = await fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/xml, text/xml, */*' },
    });
  } catch (e) {
    throw new Error(uiText('networkError'));
  }
  if (!response.ok) throw new Error(uiText('httpError', { status: response.status }));
  const type = response.headers.get('content-type') || '';
  const charset = (/charset\s*=\s*"?([^";]+)/i.exec(type) || [])[1];
  const xml = decodeXml(await response.arrayBuffer(), charset);
  if (!xml.trim()) throw new Error(uiText('emptyFile'));
  return xml;
}

function readXmlFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(decodeXml(reader.result));
    reader.onerror = () => reject(reader.error || new Error(file.name));
    reader.readAsArrayBuffer(file);
  });
}

function downloadXml(xml, filename) {
  const blob = new Blob([xml], { type: 'application/xml;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Only same-origin or http(s) links from the server are turned into anchors.
function safeHref(url) {
  if (typeof url !== 'string' || !url) return null;
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch (e) {
    return null;
  }
}

// kind: 'info' | 'ok' | 'error'. Errors switch the live region to role=alert.
export function setStatus(el, kind, message, linkUrl) {
  if (!el) return;
  el.classList.toggle('jx-status-ok', kind === 'ok');
  el.classList.toggle('jx-status-error', kind === 'error');
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.textContent = '';
  const text = document.createElement('span');
  text.className = 'jx-status-text';
  text.textContent = message;
  el.appendChild(text);
  const href = safeHref(linkUrl);
  if (href) {
    const link = document.createElement('a');
    link.className = 'jx-status-link';
    link.href = href;
    link.textContent = uiText('view');
    el.appendChild(document.createTextNode(' '));
    el.appendChild(link);
  }
}

function warningsText(warnings) {
  const shown = warnings.slice(0, 3).map((w) => {
    const text = String((w && w.message) || w || '').replace(/\s+/g, ' ').trim();
    return text.length > 160 ? `${text.slice(0, 160)}…` : text;
  });
  const more = warnings.length > shown.length
    ? uiText('moreWarnings', { count: warnings.length - shown.length })
    : '';
  return shown.join(uiLang() === 'zh' ? '；' : '; ') + more;
}

/**
 * Wires the server-rendered toolbar of one editor root to an editor adapter:
 *
 *   editor.kind              'bpmn' | 'dmn' (data-kind wins)
 *   editor.defaultName       download name when data-download-name is missing
 *   editor.importXML(xml)    -> Promise<{ warnings }>, rejects on failure
 *   editor.createBlank()     -> Promise<{ warnings }>
 *   editor.saveXML()         -> Promise<string>
 *   editor.showProblems(ps)  mark problems in the editor (after a 422)
 *   editor.clearProblems()
 *   editor.locate(id)        -> { label, reveal() } | null, for the problem list
 */
// The version the editor was opened on: the server refuses a save when someone deployed a newer
// one of the same key meanwhile, instead of silently replacing their change.
function baseOf(root) {
  const key = root.getAttribute('data-base-key');
  const version = parseInt(root.getAttribute('data-base-version') || '', 10);
  return key && Number.isInteger(version) ? { base_key: key, base_version: version } : {};
}

export function mountEditorShell(root, editor) {
  const status = root.querySelector('[data-modeler-status]');
  const problemList = root.querySelector('[data-modeler-problems]');
  const openInput = root.querySelector('[data-modeler-open]');
  const downloadButton = root.querySelector('[data-modeler-download]');
  const saveButton = root.querySelector('[data-modeler-save]');
  const kind = root.getAttribute('data-kind') || editor.kind;

  let queue = Promise.resolve();
  let latestImport = 0;

  function clearProblems() {
    editor.clearProblems();
    if (problemList) {
      problemList.textContent = '';
      problemList.hidden = true;
    }
  }

  function listProblems(problems) {
    if (!problemList) return;
    problemList.textContent = '';
    problems.forEach((problem) => {
      const li = document.createElement('li');
      const id = problem.element_id || '';
      const target = id ? editor.locate(id) : null;
      li.textContent = id ? `${(target && target.label) || id}: ${problem.message || ''}` : problem.message || '';
      if (id) li.setAttribute('data-element-id', id);
      if (target) {
        // reveal() may be async (DMN switches views); never let it reject unhandled.
        const reveal = () => Promise.resolve().then(() => target.reveal()).catch(() => {});
        li.classList.add('jx-problem-link');
        li.tabIndex = 0;
        li.title = uiText('problemsHint');
        li.addEventListener('click', reveal);
        li.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            reveal();
          }
        });
      }
      problemList.appendChild(li);
    });
    problemList.hidden = problems.length === 0;
  }

  // Imports run one after another; only the newest one reports its state.
  function runImport(load, label) {
    const ticket = ++latestImport;
    root.setAttribute('data-import-state', 'loading');
    setStatus(status, 'info', uiText('loading'));
    queue = queue.then(async () => {
      let warnings = [];
      let failure = null;
      try {
        clearProblems();
        const result = await load();
        warnings = (result && result.warnings) || [];
      } catch (err) {
        failure = err || new Error('import failed');
        warnings = (err && err.warnings) || [];
      }
      if (ticket !== latestImport) return;
      root.setAttribute('data-import-warnings', String(warnings.length));
      if (failure) {
        root.setAttribute('data-import-state', 'failed');
        setStatus(status, 'error', uiText(failure.jxKey || 'importFailed', { error: errorText(failure) }));
        return;
      }
      root.setAttribute('data-import-state', 'done');
      if (warnings.length) {
        setStatus(status, 'info', uiText('importedWarnings', { count: warnings.length, list: warningsText(warnings) }));
      } else {
        setStatus(status, 'ok', label ? uiText('importedFile', { name: label }) : uiText('imported'));
      }
    });
    return queue;
  }

  function importFrom(xmlPromise, label) {
    // The promise may settle while an earlier import still runs; mark it
    // handled now so a rejection is never reported as uncaught.
    xmlPromise.catch(() => {});
    return runImport(async () => editor.importXML(await xmlPromise), label);
  }

  function tagged(promise, key) {
    return promise.catch((err) => {
      const wrapped = new Error(errorText(err));
      wrapped.jxKey = key;
      throw wrapped;
    });
  }

  async function download() {
    const name = root.getAttribute('data-download-name') || editor.defaultName;
    try {
      downloadXml(await editor.saveXML(), name);
      setStatus(status, 'ok', uiText('downloaded', { name }));
    } catch (err) {
      setStatus(status, 'error', uiText('exportFailed', { error: errorText(err) }));
    }
  }

  async function save() {
    const url = root.getAttribute('data-save-url');
    if (!url) return;
    clearProblems();
    let xml;
    try {
      xml = await editor.saveXML();
    } catch (err) {
      root.setAttribute('data-save-state', 'error');
      setStatus(status, 'error', uiText('exportFailed', { error: errorText(err) }));
      return;
    }
    root.setAttribute('data-save-state', 'saving');
    setStatus(status, 'info', uiText('saving'));
    if (saveButton) saveButton.disabled = true;
    try {
      const base = baseOf(root);
      const { status: code, ok, data } = await postJson(url, { xml, kind, ...base });
      if (ok) {
        if (data.created && data.version !== undefined && data.version !== null) {
          root.setAttribute('data-saved-version', String(data.version));
        }
        if (data.key && data.version !== undefined && data.version !== null) {
          // The next save builds on what is now deployed.
          root.setAttribute('data-base-key', data.key);
          root.setAttribute('data-base-version', String(data.version));
        }
        root.setAttribute('data-save-state', 'saved');
        setStatus(status, 'ok', data.message || uiText('saved'), data.url);
      } else if (code === 422) {
        const problems = Array.isArray(data.problems) ? data.problems.filter((p) => p && typeof p === 'object') : [];
        root.setAttribute('data-save-state', 'invalid');
        editor.showProblems(problems);
        listProblems(problems);
        setStatus(status, 'error', data.message || uiText('saveInvalid'));
      } else {
        root.setAttribute('data-save-state', 'error');
        setStatus(status, 'error', data.message || uiText('saveFailed', { error: uiText('httpError', { status: code }) }));
      }
    } catch (err) {
      root.setAttribute('data-save-state', 'error');
      setStatus(status, 'error', uiText('saveFailed', { error: uiText('networkError') }));
    } finally {
      if (saveButton) saveButton.disabled = false;
    }
  }

  if (openInput) {
    openInput.addEventListener('change', () => {
      const file = openInput.files && openInput.files[0];
      if (!file) return;
      importFrom(tagged(readXmlFile(file), 'fileReadFailed'), file.name);
      openInput.value = ''; // picking the same file again fires 'change' again
    });
  }
  if (downloadButton) downloadButton.addEventListener('click', download);
  if (saveButton) saveButton.addEventListener('click', save);

  const url = root.getAttribute('data-xml-url');
  if (url) {
    importFrom(tagged(fetchXml(url), 'loadFailed'));
  } else {
    runImport(() => editor.createBlank()).then(() => {
      if (root.getAttribute('data-import-state') === 'done') setStatus(status, 'ok', uiText('blank'));
    });
  }

  return { status };
}
