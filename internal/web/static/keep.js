// What a person typed survives a change of language. The language switch
// is a plain link (it works without this script), so following it from a
// form, above all from a form the server refused and sent back with its
// messages, would load the form again empty in the new language. Here a
// click on the switch first puts the typed fields of the page's forms in
// this tab's sessionStorage; the page in the new language puts them back
// once and forgets them at once. Passwords, hidden fields, fields marked
// data-secret (an edit key or a manage link typed in) and files are never
// kept. Without this script the switch still
// works; only the typing is lost.
//
// A form can grow as it is filled: the submit form's "add another" adds a
// row to a step (a second RFE). Fields are put back by name and order, so
// the rows must be there first: each row says which step it is
// (data-code), and the button that adds one says which step it adds to
// (data-adds). How many rows each step had is kept beside the values, and
// the new page presses its own "add another" until it has as many, so the
// page's script draws the rows as it would for the person.
(function () {
  "use strict";
  var KEY = "casetrack-keep";
  // A switch that did not lead to a page within this time is forgotten.
  var MAX_AGE_MS = 2 * 60 * 1000;
  var SKIP = { password: true, hidden: true, file: true, submit: true, button: true, reset: true, image: true };

  var forms = Array.prototype.filter.call(document.forms, function (f) {
    return (f.getAttribute("method") || "").toLowerCase() === "post";
  });
  if (!forms.length) {
    try { sessionStorage.removeItem(KEY); } catch (e) { /* storage off */ }
    return;
  }

  // A form is known by its action, the same in every language.
  function formKey(form) { return form.getAttribute("action") || ""; }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && el.tagName !== "BUTTON" && !SKIP[el.type] && !el.hasAttribute("data-secret");
    });
  }
  function isChoice(el) { return el.type === "checkbox" || el.type === "radio"; }

  // ----- Putting back what was kept. -----
  var kept = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(KEY) || "null");
    sessionStorage.removeItem(KEY);
  } catch (e) { kept = null; }
  // The next page of this tab takes what was kept, whatever it is: a
  // form is matched by its action, since a refused form is answered at
  // its own address and the switch leads to the page the form is on.
  if (kept && Date.now() - kept.at < MAX_AGE_MS) {
    forms.forEach(function (form) {
      var values = kept.forms[formKey(form)];
      if (!values) return;
      // The selects first (a category decides which steps the form
      // lists), each announced with a change event so that the page's
      // own script follows; then the rows added to the steps listed;
      // then every other field, the new ones included.
      put(form, values, function (el) { return el.tagName === "SELECT"; });
      grow(form, (kept.rows || {})[formKey(form)] || {});
      put(form, values, function (el) { return el.tagName !== "SELECT"; });
    });
  }

  // withAttr lists a form's elements whose attribute name is value.
  function withAttr(form, name, value) {
    return Array.prototype.filter.call(form.querySelectorAll("[" + name + "]"), function (el) {
      return el.getAttribute(name) === value;
    });
  }

  // rowCounts counts a form's rows by step, keeping those with more than
  // one: the rows someone added.
  function rowCounts(form) {
    var n = {}, out = {}, any = false;
    form.querySelectorAll("[data-code]").forEach(function (row) {
      var code = row.getAttribute("data-code");
      if (code) n[code] = (n[code] || 0) + 1;
    });
    for (var code in n) {
      if (n[code] > 1) { out[code] = n[code]; any = true; }
    }
    return any ? out : null;
  }

  // grow presses a form's "add another" of each step until the step has
  // as many rows as were kept, or the page offers no more.
  function grow(form, want) {
    var focused = document.activeElement;
    Object.keys(want).forEach(function (code) {
      // A press adds one row: as many presses as rows wanted at most,
      // should a page's button add none.
      for (var presses = want[code]; presses > 0 && withAttr(form, "data-code", code).length < want[code]; presses--) {
        var add = withAttr(form, "data-adds", code)[0];
        if (!add || !press(add)) break;
      }
    });
    // The page moves the focus to a row it adds for the person; nobody
    // pressed here, so the focus stays where the page load left it.
    if (document.activeElement !== focused && document.activeElement && document.activeElement.blur) {
      document.activeElement.blur();
    }
  }

  // press clicks a button the page's script answers, and reports whether
  // it did. "Add another" is also a submit button, for pages without the
  // script: a click no script took would send the form, so it is held
  // back here.
  function press(button) {
    var taken = false;
    function after(ev) {
      taken = ev.defaultPrevented;
      ev.preventDefault();
    }
    window.addEventListener("click", after);
    try { button.click(); } finally { window.removeEventListener("click", after); }
    return taken;
  }

  function put(form, values, which) {
    var seen = {};
    fields(form).filter(which).forEach(function (el) {
      var v = values[el.name];
      if (!v) return;
      if (isChoice(el)) {
        var on = v.indexOf(el.value) >= 0;
        if (el.checked !== on) {
          el.checked = on;
          el.dispatchEvent(new Event("change", { bubbles: true }));
        }
        return;
      }
      // The n-th field of a name takes the n-th value kept for it.
      var i = seen[el.name] || 0;
      seen[el.name] = i + 1;
      if (i < v.length && el.value !== v[i]) {
        el.value = v[i];
        el.dispatchEvent(new Event("input", { bubbles: true }));
        el.dispatchEvent(new Event("change", { bubbles: true }));
        // A form folded away (the case page's "add a milestone") is
        // opened, so that what was typed is in sight.
        var fold = el.closest("details");
        if (fold) fold.open = true;
      }
    });
  }

  // ----- Keeping what was typed when the language changes. -----
  function keep() {
    var out = { at: Date.now(), forms: {}, rows: {} };
    var any = false;
    forms.forEach(function (form) {
      var values = {}, typed = false;
      fields(form).forEach(function (el) {
        var list = values[el.name] || (values[el.name] = []);
        if (isChoice(el)) {
          if (el.checked) { list.push(el.value); typed = true; }
          return;
        }
        list.push(el.value);
        if (el.value !== "") typed = true;
      });
      if (typed) {
        out.forms[formKey(form)] = values;
        var rows = rowCounts(form);
        if (rows) out.rows[formKey(form)] = rows;
        any = true;
      }
    });
    try {
      if (any) sessionStorage.setItem(KEY, JSON.stringify(out));
      else sessionStorage.removeItem(KEY);
    } catch (e) { /* storage off or full: the switch still works */ }
  }
  document.querySelectorAll("nav.languages a[hreflang]").forEach(function (a) {
    a.addEventListener("click", keep);
  });
})();
