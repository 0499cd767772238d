// jixiao site-wide behaviour. Vanilla JS, no framework.
//
// (a) Indicator tables
//     <form data-indicator-table> … (or any element inside the form carrying
//     the attribute) containing a <table> with a <tbody> of rows, a
//     <template data-row-template><tr>…name="indicators-__i__-name"…</tr></template>,
//     an [data-add-row] button and [data-remove-row] buttons in each row.
//     "__i__" in name / id / for attributes becomes the next free index.
//     At least one row is always kept.
// (b) [data-confirm="text"] on a button/link (or on a <form>) asks confirm(text)
//     before the action goes ahead.
// (c) <form data-review-form>: choosing rating "fair" or "poor" selects decision
//     "return" and shows [data-rating-hint]; other ratings hide the hint.
(function () {
  'use strict';

  var PLACEHOLDER = '__i__';
  var INDEX_ATTRS = ['name', 'id', 'for', 'aria-describedby', 'aria-labelledby', 'data-index'];

  function closest(el, selector) {
    return el && el.closest ? el.closest(selector) : null;
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  // ---------------------------------------------------------------- (a) rows

  function tableParts(container) {
    var form = container.tagName === 'FORM' ? container : closest(container, 'form') || container;
    var template =
      container.querySelector('template[data-row-template]') ||
      form.querySelector('template[data-row-template]');
    var tbody = null;
    if (template) {
      var table = closest(template, 'table');
      tbody = (table && table.tBodies[0]) || null;
    }
    if (!tbody) {
      tbody = container.tagName === 'TBODY' ? container : container.querySelector('tbody');
    }
    return { form: form, template: template, tbody: tbody };
  }

  function rowsOf(tbody) {
    return Array.prototype.filter.call(tbody.children, function (el) {
      return el.tagName === 'TR' && !el.hasAttribute('data-row-template');
    });
  }

  // Builds regexes from the template's name attributes (e.g. "indicators-__i__-name"
  // -> /^indicators-(\d+)-name$/) and returns the highest index already in use.
  function maxUsedIndex(template, tbody) {
    var patterns = [];
    var named = template.content.querySelectorAll('[name*="' + PLACEHOLDER + '"]');
    Array.prototype.forEach.call(named, function (el) {
      var parts = el.getAttribute('name').split(PLACEHOLDER).map(escapeRegExp);
      patterns.push(new RegExp('^' + parts.join('(\\d+)') + '$'));
    });
    var max = -1;
    Array.prototype.forEach.call(tbody.querySelectorAll('[name]'), function (el) {
      var name = el.getAttribute('name');
      for (var i = 0; i < patterns.length; i++) {
        var m = patterns[i].exec(name);
        if (m) {
          max = Math.max(max, parseInt(m[1], 10));
          break;
        }
      }
    });
    return max;
  }

  function nextIndex(container, parts) {
    var used = maxUsedIndex(parts.template, parts.tbody);
    var counter = parseInt(container.getAttribute('data-next-index') || '-1', 10);
    var next = Math.max(used + 1, isNaN(counter) ? 0 : counter, rowsOf(parts.tbody).length);
    container.setAttribute('data-next-index', String(next + 1));
    return next;
  }

  function instantiateRow(template, index) {
    var fragment = template.content.cloneNode(true);
    var row = fragment.querySelector('tr') || fragment.firstElementChild;
    if (!row) return null;
    var all = [row].concat(Array.prototype.slice.call(row.querySelectorAll('*')));
    all.forEach(function (el) {
      INDEX_ATTRS.forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v && v.indexOf(PLACEHOLDER) !== -1) {
          el.setAttribute(attr, v.split(PLACEHOLDER).join(String(index)));
        }
      });
    });
    return row;
  }

  function updateRemoveButtons(parts) {
    if (!parts.tbody) return;
    var rows = rowsOf(parts.tbody);
    var only = rows.length <= 1;
    rows.forEach(function (row) {
      row.querySelectorAll('[data-remove-row]').forEach(function (btn) {
        btn.disabled = only;
        btn.setAttribute('aria-disabled', only ? 'true' : 'false');
      });
    });
  }

  function addRow(container) {
    var parts = tableParts(container);
    if (!parts.template || !parts.tbody) return;
    var row = instantiateRow(parts.template, nextIndex(container, parts));
    if (!row) return;
    parts.tbody.appendChild(row);
    updateRemoveButtons(parts);
    var first = row.querySelector('input:not([type="hidden"]), select, textarea');
    if (first) first.focus();
  }

  function removeRow(container, button) {
    var parts = tableParts(container);
    var row = closest(button, 'tr');
    if (!row || !parts.tbody || row.parentNode !== parts.tbody) return;
    if (rowsOf(parts.tbody).length <= 1) return; // keep at least one row
    var sibling = row.nextElementSibling || row.previousElementSibling;
    row.parentNode.removeChild(row);
    updateRemoveButtons(parts);
    var focusTarget =
      (sibling && sibling.querySelector('input:not([type="hidden"]), select, textarea')) ||
      container.querySelector('[data-add-row]');
    if (focusTarget) focusTarget.focus();
  }

  function initIndicatorTables() {
    document.querySelectorAll('[data-indicator-table]').forEach(function (container) {
      var parts = tableParts(container);
      // Start the counter after every index already rendered by the server.
      if (parts.template && parts.tbody) {
        container.setAttribute('data-next-index', String(maxUsedIndex(parts.template, parts.tbody) + 1));
      }
      updateRemoveButtons(parts);
    });
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    var add = closest(target, '[data-add-row]');
    var remove = add ? null : closest(target, '[data-remove-row]');
    if (!add && !remove) return;
    var btn = add || remove;
    var container = closest(btn, '[data-indicator-table]');
    if (!container) {
      var form = closest(btn, 'form');
      container = form && form.querySelector('[data-indicator-table]');
    }
    if (!container) return;
    event.preventDefault();
    if (add) addRow(container);
    else removeRow(container, remove);
  });

  // ------------------------------------------------------------- (b) confirm

  document.addEventListener('click', function (event) {
    var el = closest(event.target, 'button[data-confirm], input[data-confirm], a[data-confirm]');
    if (!el) return;
    if (el.disabled) return;
    var text = el.getAttribute('data-confirm');
    if (!text) return;
    if (!window.confirm(text)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    } else {
      el.setAttribute('data-confirmed', '1');
    }
  });

  document.addEventListener('submit', function (event) {
    var form = event.target;
    var submitter = event.submitter;
    // Already confirmed by the button click (or submitted without a button).
    if (submitter && submitter.hasAttribute('data-confirmed')) {
      submitter.removeAttribute('data-confirmed');
      return;
    }
    if (!form.hasAttribute || !form.hasAttribute('data-confirm')) return;
    var text = form.getAttribute('data-confirm');
    if (text && !window.confirm(text)) event.preventDefault();
  });

  // ------------------------------------------------------- (c) review forms

  var RETURN_RATINGS = ['fair', 'poor'];

  function ratingHint(form) {
    return form.querySelector('[data-rating-hint]') || document.querySelector('[data-rating-hint]');
  }

  function selectReturn(form) {
    var radio = form.querySelector('input[type="radio"][name="decision"][value="return"]');
    if (radio) {
      if (!radio.checked) {
        radio.checked = true;
        radio.dispatchEvent(new Event('change', { bubbles: true }));
      }
      return;
    }
    var select = form.querySelector('select[name="decision"]');
    if (select && select.value !== 'return') {
      var hasOption = Array.prototype.some.call(select.options, function (o) {
        return o.value === 'return';
      });
      if (hasOption) {
        select.value = 'return';
        select.dispatchEvent(new Event('change', { bubbles: true }));
      }
    }
  }

  function syncReview(form, fromUser) {
    var rating = form.querySelector('select[name="rating"]');
    if (!rating) return;
    var needsReturn = RETURN_RATINGS.indexOf(rating.value) !== -1;
    var hint = ratingHint(form);
    if (hint) hint.hidden = !needsReturn;
    // On page load only the hint is synced: a re-rendered form keeps whatever
    // decision the reviewer chose.
    if (needsReturn && fromUser) selectReturn(form);
  }

  function initReviewForms() {
    document.querySelectorAll('form[data-review-form], [data-review-form]').forEach(function (form) {
      syncReview(form, false);
    });
  }

  document.addEventListener('change', function (event) {
    var target = event.target;
    if (!target || target.name !== 'rating' || target.tagName !== 'SELECT') return;
    var form = closest(target, '[data-review-form]');
    if (form) syncReview(form, true);
  });

  // ------------------------------------------------------------------ init

  function init() {
    initIndicatorTables();
    initReviewForms();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
