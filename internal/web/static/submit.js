// The submit form, made quicker where JavaScript runs: the milestone
// checklist follows the category at once, each date field says how it is
// read as the person types, and a native calendar sits beside it. Without
// this script the form works as a two-step form; the server reads every
// date again and asks to confirm ambiguous ones either way.
(function () {
  "use strict";
  var form = document.querySelector("form.case-form");
  if (!form) return;
  var fieldset = form.querySelector("#f-milestones");
  var list = fieldset && fieldset.querySelector("[data-steps-list]");
  var category = form.querySelector("#f-category");
  var steps = {};
  try { steps = JSON.parse(fieldset.getAttribute("data-steps") || "{}"); } catch (e) { steps = {}; }

  // The page's language: the form's data-texts hold the sentences below
  // in it (none on English pages, which use the script's own); dates and
  // numbers are written with Intl in that language and its digits.
  var TEXTS = null;
  try { TEXTS = JSON.parse(form.getAttribute("data-texts") || "null"); } catch (e) { TEXTS = null; }
  // say is the page's sentence key with its {placeholders} filled, or the
  // English given.
  function say(key, english, vals) {
    var t = TEXTS && TEXTS[key] ? TEXTS[key] : english;
    for (var k in vals) t = t.split("{" + k + "}").join(String(vals[k]));
    return t;
  }
  function num(n) {
    return TEXTS ? new Intl.NumberFormat(TEXTS.lang, { useGrouping: false, numberingSystem: TEXTS.nu }).format(n) : String(n);
  }

  // Must match package caseform: the steps that may be listed again, and
  // how often (timeline.MaxRepeats).
  var REPEATABLE = { rfe: true, rfe_response: true };
  var MAX_REPEATS = 5;

  // ----- Reading dates: the same rules as package dateinput. -----
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  var MIN_YEAR = 1900, MAX_YEAR = 2100;

  function daysIn(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function describe(d) {
    if (TEXTS) {
      var opts = { timeZone: "UTC", calendar: "gregory", month: "long", year: "numeric", numberingSystem: TEXTS.nu };
      if (d.d) opts.day = "numeric";
      return new Intl.DateTimeFormat(TEXTS.lang, opts).format(new Date(Date.UTC(d.y, d.m - 1, d.d || 1)));
    }
    return d.d ? d.d + " " + MONTHS[d.m - 1] + " " + d.y : MONTHS[d.m - 1] + " " + d.y;
  }
  var UNREADABLE = "not a date we can read";
  function canonical(d) { return d.y + "-" + pad(d.m) + (d.d ? "-" + pad(d.d) : ""); }
  function build(y, m, d, hasDay) {
    if (y < MIN_YEAR || y > MAX_YEAR) return { error: say("year_range", "use a year from {min} to {max}, written with four digits", { min: num(MIN_YEAR), max: num(MAX_YEAR) }) };
    if (m < 1 || m > 12) return { error: say("no_month", "there is no month {month}", { month: num(m) }) };
    if (!hasDay) return { date: { y: y, m: m, d: 0 } };
    var last = daysIn(y, m);
    if (d < 1 || d > last) return { error: say("day_range", "{monthyear} has {days} days", { monthyear: describe({ y: y, m: m, d: 0 }), days: num(last) }) };
    return { date: { y: y, m: m, d: d } };
  }
  // The words of every site language the server reads (package dateinput,
  // ScriptWords): month names, the labels of numbers (Vietnamese "tháng 5",
  // Chinese "5月") and the particles between them ("de"), by folded word.
  var WORDS = null;
  try { WORDS = JSON.parse(form.getAttribute("data-date-words") || "null"); } catch (e) { WORDS = null; }
  if (!WORDS) {
    WORDS = { months: {}, before: {}, after: {}, particles: [], ordinals: ["st", "nd", "rd", "th"] };
    for (var mi = 0; mi < 12; mi++) WORDS.months[MONTHS[mi].toLowerCase()] = mi + 1;
  }
  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  var LATIN = /^\p{Script=Latin}+$/u, LATIN_NAMES = [];
  for (var name in WORDS.months) {
    if (own(WORDS.months, name) && LATIN.test(name) && Array.from(name).length >= 3) LATIN_NAMES.push([name, WORDS.months[name]]);
  }
  var ROLE_DAY = 1, ROLE_MONTH = 2, ROLE_YEAR = 3;
  // normalize is dateinput's: ASCII digits for those of other scripts,
  // ASCII punctuation for the Arabic comma and date separator and the
  // full-width marks, no invisible direction or joining marks, lower case,
  // single spaces.
  var PUNCT = { "\u060c": ",", "\u060d": "/", "\u066b": ".", "\uff0c": ",", "\u3001": ",", "\u3002": ".", "\uff0e": ".", "\uff0f": "/", "\uff0d": "-", "\u0970": "." };
  var ZEROS = [0x660, 0x6f0, 0x966, 0xff10];
  function normalize(text) {
    var out = "";
    Array.from(text).forEach(function (ch) {
      var c = ch.codePointAt(0);
      for (var z = 0; z < ZEROS.length; z++) {
        if (c >= ZEROS[z] && c <= ZEROS[z] + 9) { out += String(c - ZEROS[z]); return; }
      }
      if ((c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x61c || c === 0xfeff || c === 0x640) return;
      out += own(PUNCT, ch) ? PUNCT[ch] : ch;
    });
    out = out.toLowerCase().trim();
    return out ? out.split(/\s+/).join(" ") : "";
  }
  // fold is dateinput's: no Latin accents, Arabic vowel signs and hamzas
  // or Devanagari nukta; Persian yeh and kaf for the Arabic letters.
  function fold(w) {
    return w.normalize("NFD").replace(/[\u0300-\u036f\u064b-\u065f\u0670\u093c]/g, "")
      .replace(/[\u064a\u0649]/g, "\u06cc").replace(/\u0643/g, "\u06a9").normalize("NFC");
  }
  // monthNamed is the month a folded word names, or 0: a name of any
  // language, or three letters or more beginning a Latin-script name.
  function monthNamed(f) {
    if (own(WORDS.months, f)) return WORDS.months[f];
    if (Array.from(f).length < 3 || !LATIN.test(f)) return 0;
    for (var i = 0; i < LATIN_NAMES.length; i++) {
      if (LATIN_NAMES[i][0].indexOf(f) === 0) return LATIN_NAMES[i][1];
    }
    return 0;
  }
  // tokens splits a written date into numbers and words (each Han
  // character a word), or is null for what cannot be one.
  function tokens(s) {
    if (!/^[0-9\p{L}\p{M} ,.]*$/u.test(s)) return null;
    return s.match(/\p{Script=Han}|[0-9]+|(?:(?!\p{Script=Han})[\p{L}\p{M}])+/gu) || [];
  }
  // parse returns {date, ambiguous, other}, {error} or null for nothing.
  function parse(text) {
    var s = normalize(text);
    if (!s) return null;
    var m = /^(\d{4})([-/])(\d{1,2})(?:([-/])(\d{1,2}))?$/.exec(s);
    if (m) {
      if (m[4] && m[4] !== m[2]) return { error: say("unreadable", UNREADABLE) };
      return build(+m[1], +m[3], m[5] ? +m[5] : 0, !!m[5]);
    }
    m = /^(\d{1,2})([-/])(\d{1,2})([-/])(\d{4})$/.exec(s);
    if (m) {
      if (m[2] !== m[4]) return { error: say("unreadable", UNREADABLE) };
      var a = +m[1], b = +m[3], y = +m[5];
      if (a > 12 && b >= 1 && b <= 12) return { error: say("month_first", "the month comes first, as on USCIS notices: did you mean {suggestion}?", { suggestion: pad(b) + m[2] + pad(a) + m[2] + y }) };
      var r = build(y, a, b, true);
      if (r.date && a !== b && a <= 12 && b <= 12) {
        r.ambiguous = true;
        r.other = { y: y, m: b, d: a };
      }
      return r;
    }
    m = /^(\d{1,2})[-/](\d{4})$/.exec(s);
    if (m) return build(+m[2], +m[1], 0, false);
    var toks = tokens(s), unreadable = { error: say("unreadable", UNREADABLE) };
    if (!toks) return unreadable;
    // A number is a day, a month or a year by its label, or else by its
    // length: four digits are the year, one or two the day.
    var month = 0, label = 0, nums = [];
    for (var i = 0; i < toks.length; i++) {
      var t = toks[i];
      if (/^[0-9]+$/.test(t)) {
        nums.push({ digits: t, role: label });
        label = 0;
        continue;
      }
      if (label) return unreadable;
      var f = fold(t);
      var afterNumber = i > 0 && /^[0-9]+$/.test(toks[i - 1]) && nums[nums.length - 1].role === 0;
      if (afterNumber && toks[i - 1].length <= 2 && WORDS.ordinals.indexOf(f) >= 0) continue;
      if (afterNumber && own(WORDS.after, f)) { nums[nums.length - 1].role = WORDS.after[f]; continue; }
      if (own(WORDS.before, f)) { label = WORDS.before[f]; continue; }
      if (WORDS.particles.indexOf(f) >= 0) continue;
      if (own(WORDS.after, f)) return unreadable;
      if (month) return unreadable;
      month = monthNamed(f);
      if (!month) return { error: say("not_month", "{word} is not a month name", { word: "\u201c" + t + "\u201d" }) };
    }
    if (label) return unreadable;
    var year = "", day = "", monthNum = "";
    for (i = 0; i < nums.length; i++) {
      var n = nums[i], d = n.digits;
      if (n.role === ROLE_YEAR && !year && d.length <= 4) year = d;
      else if (n.role === ROLE_MONTH && !monthNum && !month && d.length <= 2) monthNum = d;
      else if (n.role === ROLE_DAY && !day && d.length <= 2) day = d;
      else if (!n.role && d.length === 4 && !year) year = d;
      else if (!n.role && d.length <= 2 && !day) day = d;
      else return unreadable;
    }
    if (!month && !monthNum) return unreadable;
    if (!year) return { error: say("add_year", "add the year with four digits") };
    return build(+year, monthNum ? +monthNum : month, day ? +day : 0, !!day);
  }

  // readout writes how a field's text is read into the line under it.
  // While typing only a reading is shown; what is not (yet) a date is
  // said once the field is left.
  function readout(input, final) {
    var out = document.getElementById(input.getAttribute("aria-describedby").split(" ").filter(function (id) { return id.indexOf("r-") === 0; })[0]);
    if (!out) return;
    var r = parse(input.value), monthOnly = input.getAttribute("data-date") === "month";
    var text = "";
    if (r && r.date) {
      var d = r.date;
      if (monthOnly) {
        var month = describe({ y: d.y, m: d.m, d: 0 });
        text = d.d ? say("read_month_only", "Read as {date}: only the month is kept, never the day.", { date: month }) :
          say("read_as", "Read as {date}.", { date: month });
      } else {
        text = say("read_as", "Read as {date}.", { date: describe(d) });
      }
      if (r.ambiguous) {
        text += " " + say("ambiguous", "Month first, as on USCIS notices; written day first it would be {other}. You will be asked to confirm.",
          { other: describe(monthOnly ? { y: r.other.y, m: r.other.m, d: 0 } : r.other) });
      }
    } else if (r && r.error && final) {
      text = say("not_read", "Not read as a date yet: {error}.", { error: r.error });
    }
    if (out.textContent !== text) out.textContent = text;
  }

  // withPicker puts a native calendar (date or month input) beside a text
  // date field; choosing in it writes the canonical date into the field.
  function withPicker(input, label) {
    var kind = input.getAttribute("data-date") === "month" ? "month" : "date";
    var picker = document.createElement("input");
    picker.type = kind;
    if (picker.type !== kind) return; // no native picker in this browser
    picker.className = "picker";
    picker.setAttribute("aria-label", say("pick", "Pick {field} from a calendar", { field: label }));
    var wrap = document.createElement("div");
    wrap.className = "date-pair";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(picker);
    function sync() {
      var r = parse(input.value);
      var v = "";
      if (r && r.date && (kind === "month" || r.date.d)) v = kind === "month" ? r.date.y + "-" + pad(r.date.m) : canonical(r.date);
      if (picker.value !== v) picker.value = v;
    }
    sync();
    input.addEventListener("input", function () {
      // While the calendar field is being typed into, it is the source.
      if (document.activeElement !== picker) sync();
    });
    picker.addEventListener("input", function () {
      // A calendar field typed into reports each complete date on the
      // way ("0002-03-28" before the year is whole); only a plausible
      // one is written into the text field.
      var r = parse(picker.value);
      if (!r || !r.date) return;
      input.value = picker.value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    picker.addEventListener("change", function () { readout(input, true); });
  }

  function enhanceDate(input, label) {
    input.addEventListener("input", function () { readout(input, false); });
    input.addEventListener("change", function () { readout(input, true); });
    withPicker(input, label);
  }

  // ----- The checklist. -----
  function ordinal(n) {
    var s = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" })[n % 10] || "th";
    return n + s;
  }

  // rowsNow reads the checklist as it stands.
  function rowsNow() {
    var rows = [];
    list.querySelectorAll(".step").forEach(function (el) {
      var box = el.querySelector("input[type=checkbox]");
      var date = el.querySelector("input[data-date]");
      var pick = el.querySelector("select");
      var code = el.getAttribute("data-code") || (pick ? pick.value : "");
      var label = el.querySelector(".step-check label");
      rows.push({
        code: code,
        name: el.getAttribute("data-name") || (label ? label.textContent.replace(/, \d+(st|nd|rd|th)$/, "") : code),
        date: date ? date.value : "",
        checked: box ? box.checked : false
      });
    });
    return rows;
  }

  // layout places rows on the checklist of a category, as caseform.Layout.
  function layout(cat, given) {
    var out = [], used = [];
    (steps[cat] || []).forEach(function (m) {
      var n = 0;
      given.forEach(function (g, i) {
        if (used[i] || g.code !== m.code) return;
        used[i] = true;
        out.push({ code: m.code, name: m.name, date: g.date, checked: g.checked });
        n++;
      });
      if (!n) out.push({ code: m.code, name: m.name, date: "", checked: false });
    });
    given.forEach(function (g, i) {
      if (!used[i] && (g.code || g.date || g.checked)) out.push(g);
    });
    return out;
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }

  // render redraws the checklist from rows; the ids and names are those
  // the server writes (templates/_submitchecklist.html).
  function render(rows, cat) {
    var counts = {}, seen = {};
    rows.forEach(function (r) { counts[r.code] = (counts[r.code] || 0) + 1; });
    var inCat = {};
    (steps[cat] || []).forEach(function (m) { inCat[m.code] = true; });
    list.textContent = "";
    rows.forEach(function (r, i) {
      var rep = seen[r.code] || 0;
      seen[r.code] = rep + 1;
      var label = r.name || r.code || say("step_n", "Step {n}", { n: num(i + 1) });
      if (rep) label = TEXTS ? say("repeat", "", { step: label, n: num(rep + 1) }) : label + ", " + ordinal(rep + 1);
      var row = el("div", { "class": "step", "data-code": r.code, "data-name": r.name || "" });
      row.appendChild(el("input", { type: "hidden", name: "milestones[" + i + "].step", value: r.code }));
      var check = el("div", { "class": "step-check" });
      var box = el("input", { type: "checkbox", id: "f-m" + i + "-on", name: "milestones[" + i + "].on", value: "1" });
      box.checked = r.checked || !!r.date;
      check.appendChild(box);
      check.appendChild(el("label", { "for": "f-m" + i + "-on" }, label));
      row.appendChild(check);
      var dateBox = el("div", { "class": "step-date" });
      var lab = el("label", { "for": "f-m" + i + "-date" }, say("date", "Date"));
      lab.appendChild(el("span", { "class": "vh" }, " " + say("date_of", "of {step}", { step: label })));
      dateBox.appendChild(lab);
      var input = el("input", { type: "text", id: "f-m" + i + "-date", name: "milestones[" + i + "].date", placeholder: say("placeholder", "e.g. 05/02/2024"),
        autocomplete: "off", spellcheck: "false", "data-date": "day", "aria-describedby": "r-m" + i });
      input.value = r.date || "";
      dateBox.appendChild(input);
      dateBox.appendChild(el("p", { "class": "readout", id: "r-m" + i, "aria-live": "polite" }));
      row.appendChild(dateBox);
      var last = i === rows.length - 1 || rows[i + 1].code !== r.code;
      if (last && REPEATABLE[r.code] && counts[r.code] < MAX_REPEATS && inCat[r.code]) {
        row.appendChild(el("button", { type: "submit", name: "add", value: r.code, "class": "add-repeat", "data-adds": r.code }, say("add_another", "+ Add another: {step}", { step: r.name })));
      }
      list.appendChild(row);
      enhanceRow(row, label);
      if (input.value) readout(input, true);
    });
    var count = form.querySelector("input[name=rows]");
    if (count) count.value = String(rows.length);
  }

  // enhanceRow ties a row's tick to its date: a step not ticked shows no
  // date field; unticking puts the date aside (so it is not saved), and
  // ticking again brings it back.
  function enhanceRow(row, label) {
    var box = row.querySelector("input[type=checkbox]");
    var input = row.querySelector("input[data-date]");
    if (!input) return;
    enhanceDate(input, say("date_of_step", "the date of {step}", { step: label }));
    if (!box) return;
    var area = row.querySelector(".step-date");
    var more = row.querySelector("button[name=add]");
    area.hidden = !box.checked && !input.value;
    // Another row of a step is offered once the step itself is ticked.
    if (more) more.hidden = area.hidden;
    box.addEventListener("change", function () {
      if (more) more.hidden = !box.checked;
      if (box.checked) {
        if (!input.value && input.getAttribute("data-put-aside")) input.value = input.getAttribute("data-put-aside");
        // The focus stays on the tick: the date field comes next in
        // the Tab order, and moving the focus would surprise.
        area.hidden = false;
      } else {
        if (input.value) input.setAttribute("data-put-aside", input.value);
        input.value = "";
        input.dispatchEvent(new Event("input", { bubbles: true }));
        area.hidden = true;
      }
    });
    input.addEventListener("input", function () { if (input.value.trim()) box.checked = true; });
  }

  // ----- Wiring. -----
  document.querySelectorAll("[data-js-hide]").forEach(function (e) { e.hidden = true; });
  document.querySelectorAll("[data-js-show]").forEach(function (e) { e.hidden = false; });

  var filed = form.querySelector("#f-filed");
  if (filed) enhanceDate(filed, say("filing_month", "the filing month"));

  if (list) {
    list.querySelectorAll(".step").forEach(function (row) {
      var label = row.querySelector(".step-check label");
      enhanceRow(row, label ? label.textContent : say("this_step", "this step"));
    });
    var hint = fieldset.querySelector("#h-milestones");
    if (category) {
      category.addEventListener("change", function () {
        render(layout(category.value, rowsNow()), category.value);
        if (hint && category.value) hint.textContent = say("hint", "Tick each step you have reached and give its date as on the notice, for example 05/02/2024, May 2, 2024 or 2024-05-02; only the month (2024-05) if you don't remember the day.");
      });
    }
    list.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[name=add]");
      if (!b) return;
      ev.preventDefault();
      var rows = rowsNow(), code = b.value, at = -1;
      rows.forEach(function (r, i) { if (r.code === code) at = i; });
      if (at < 0) return;
      rows.splice(at + 1, 0, { code: code, name: rows[at].name, date: "", checked: true });
      render(rows, category ? category.value : "");
      var added = document.getElementById("f-m" + (at + 1) + "-date");
      if (added) added.focus();
    });
  }
})();
