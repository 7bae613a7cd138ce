/*
 * loaxa-web's page: one HTML file, a view per job, shown by the address's
 * #/name.  Every string comes from /api/v1/i18n (the same gettext
 * catalogue as loaxa's messages, in the language chosen here), and text
 * goes into the page with textContent only: nothing a user typed is ever
 * parsed as HTML.  No framework, no build step, nothing from the internet.
 */
'use strict';

const L = {
  lang: localStorage.getItem('loaxa.lang') || 'vi',
  strings: {},
  session: null,
  meta: null,
  timer: null,
  bulletin: null, // the bulletin open in the editor
  draft: null,    // the draft open in approvals
  rec: null,      // the recorder
  recording: null // the recorded WAV (Blob)
};

const $ = (id) => document.getElementById(id);

function t(key, ...args) {
  let s = L.strings[key];
  if (s === undefined) s = key;
  let i = 0;
  return s.replace(/%[sd]/g, () => (i < args.length ? String(args[i++]) : ''));
}

/* An element with text, attributes and children (no HTML parsing anywhere). */
function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
}

function clear(e) {
  while (e.firstChild) e.removeChild(e.firstChild);
  return e;
}

function flash(msg, bad) {
  const f = $('flash');
  f.textContent = msg;
  f.className = bad ? 'flash bad' : 'flash';
  f.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { f.hidden = true; }, bad ? 9000 : 4000);
}

/* ---- talking to loaxa-web ---- */

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : t('err.http', status));
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body, type) {
  const headers = { 'Accept-Language': L.lang };
  if (method !== 'GET' && L.session) headers['X-CSRF-Token'] = L.session.csrf;
  let data = body;
  if (body !== undefined && !type) {
    headers['Content-Type'] = 'application/json';
    data = JSON.stringify(body);
  } else if (type) {
    headers['Content-Type'] = type;
  }
  const r = await fetch('/api/v1' + path, { method, headers, body: data, credentials: 'same-origin' });
  let j = null;
  try { j = await r.json(); } catch (e) { j = null; }
  if (r.status === 401 && path !== '/login' && path !== '/session') {
    L.session = null;
    showLogin();
  }
  if (!r.ok) throw new ApiError(r.status, j);
  return j;
}

/* Runs an action, saying what went wrong in the page's language. */
async function act(fn) {
  try {
    return await fn();
  } catch (e) {
    flash(e.message, true);
    return undefined;
  }
}

/* ---- words ---- */

async function loadStrings() {
  const j = await fetch('/api/v1/i18n', { headers: { 'Accept-Language': L.lang } }).then((r) => r.json());
  L.strings = j.strings;
  document.documentElement.lang = L.lang;
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  document.title = t('app.title');
  $('lang-switch').textContent = t('lang.other');
  $('login-lang').textContent = t('lang.other');
}

async function switchLang() {
  L.lang = L.lang === 'vi' ? 'en' : 'vi';
  localStorage.setItem('loaxa.lang', L.lang);
  await loadStrings();
  if (L.session) {
    $('who-role').textContent = t('role.' + L.session.role);
    route();
  }
}

function fmtTime(iso) {
  if (!iso) return '';
  // the server's local time as written (YYYY-MM-DDTHH:MM:SS.mmm+07:00);
  // in Vietnamese as people write it: 11:03 26/11/2026
  if (L.lang !== 'vi') return iso.slice(0, 16).replace('T', ' ');
  return iso.slice(11, 16) + ' ' + iso.slice(8, 10) + '/' + iso.slice(5, 7) + '/' + iso.slice(0, 4);
}

// a decimal in the reader's notation (6,1 in Vietnamese)
function fmtDecimal(x, digits) {
  const s = x.toFixed(digits);
  return L.lang === 'vi' ? s.replace('.', ',') : s;
}

// "YYYY-MM" as people write it: "Tháng 11/2026", "November 2026"
function fmtMonth(ym) {
  if (!/^\d{4}-\d{2}$/.test(ym || '')) return ym || '';
  const y = +ym.slice(0, 4), m = +ym.slice(5, 7);
  if (L.lang === 'vi') return 'Tháng ' + m + '/' + y;
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

// a report's result: met, not met, a month still running, before the first airing, to come
const STATE_KEYS = { met: 'rep.met', not_met: 'rep.notmet', in_progress: 'rep.inprogress',
  not_started: 'rep.notstarted', future: 'rep.future' };
function stateWord(c) { return t(STATE_KEYS[c.state] || (c.met ? 'rep.met' : 'rep.notmet')); }
function stateClass(c) { return c.state === 'met' || (!c.state && c.met) ? 'ok' : c.state === 'not_met' || !c.state ? 'warn' : ''; }

function fmtDuration(s) {
  s = Math.max(0, Math.round(s || 0));
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

/* ---- views ---- */

const VIEWS = {
  dashboard: { roles: ['operator', 'approver', 'officer', 'admin'], show: showDashboard },
  bulletins: { roles: ['operator', 'admin'], show: showBulletins },
  bulletin: { roles: ['operator', 'admin'], show: showBulletin, nav: 'bulletins' },
  record: { roles: ['operator', 'admin'], show: showRecord },
  clips: { roles: ['operator', 'admin'], show: showClips },
  schedule: { roles: ['operator', 'approver', 'officer', 'admin'], show: showSchedule },
  approvals: { roles: ['approver', 'admin'], show: showApprovals },
  log: { roles: ['officer', 'admin'], show: showLog },
  report: { roles: ['officer', 'admin'], show: showReport },
  users: { roles: ['admin'], show: showUsers },
  config: { roles: ['admin'], show: showConfig }
};

function allowed(name) {
  return L.session && VIEWS[name] && VIEWS[name].roles.includes(L.session.role);
}

function showView(name) {
  for (const s of document.querySelectorAll('[data-view]')) s.hidden = s.dataset.view !== name;
  const nav = (VIEWS[name] && VIEWS[name].nav) || name;
  for (const a of document.querySelectorAll('[data-view-link]')) {
    a.classList.toggle('here', a.dataset.viewLink === nav);
  }
}

function route() {
  clearInterval(L.timer);
  L.timer = null;
  if (!L.session) return showLogin();
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  let name = parts[0] || 'dashboard';
  if (!allowed(name)) name = 'dashboard';
  showView(name);
  VIEWS[name].show(parts.slice(1));
}

function showLogin() {
  $('top').hidden = true;
  showView('login');
  $('login-station').textContent = L.meta ? L.meta.station : '';
  $('login-name').focus();
}

async function startSession(s) {
  L.session = s;
  L.meta = await api('GET', '/meta');
  $('top').hidden = false;
  $('station').textContent = s.station;
  $('who-name').textContent = s.name;
  $('who-role').textContent = t('role.' + s.role);
  for (const a of document.querySelectorAll('[data-view-link]')) a.hidden = !allowed(a.dataset.viewLink);
  fillSelect($('ed-topic'), L.meta.topics.map((x) => [x.id, x.name]));
  fillSelect($('rec-topic'), L.meta.topics.map((x) => [x.id, x.name]));
  const logTopic = $('log-topic');
  while (logTopic.options.length > 1) logTopic.remove(1);
  for (const x of L.meta.topics) logTopic.append(el('option', { value: x.id, text: x.name }));
  route();
}

/* Each cell gets its column's name, which a phone shows beside it (rows become cards). */
function labelCells(table) {
  const heads = Array.from(table.tHead.rows[0].cells).map((c) => c.textContent);
  for (const body of [table.tBodies[0], table.tFoot]) {
    if (!body) continue;
    for (const tr of body.rows) {
      Array.from(tr.cells).forEach((td, i) => { if (heads[i]) td.dataset.label = heads[i]; });
    }
  }
}

function fillSelect(sel, pairs) {
  clear(sel);
  for (const [v, label] of pairs) sel.append(el('option', { value: v, text: label }));
}

/* ---- dashboard ---- */

async function showDashboard() {
  await refreshDashboard();
  L.timer = setInterval(refreshDashboard, 2000);
}

async function refreshDashboard() {
  let d;
  try { d = await api('GET', '/dashboard'); } catch (e) { return; }
  const dm = d.daemon || {};
  const p = dm.playing;
  $('dash-onair').classList.toggle('live', !!p);
  if (p) {
    const what = p.title || (p.program === 'live' ? t('dash.live.onair') :
      p.slot ? t('dash.slot', p.slot) + ' · ' + p.program : p.program);
    $('dash-playing').textContent = t('dash.playing', what);
    $('dash-progress').hidden = false;
    $('dash-progress').max = p.length_s || 1;
    $('dash-progress').value = p.position_s || 0;
    $('dash-position').textContent = fmtDuration(p.position_s) + ' / ' + fmtDuration(p.length_s) +
      (p.slot ? '' : ' · ' + t('dash.manual'));
  } else {
    $('dash-playing').textContent = dm.running ? t('dash.silent') : t('dash.unknown');
    $('dash-progress').hidden = true;
    $('dash-position').textContent = '';
  }
  const operator = ['operator', 'admin'].includes(L.session.role);
  $('dash-stop').hidden = !p || !operator;
  // the microphone: on air when nothing else is, ended with its closing jingle
  $('dash-live').hidden = !!p || !dm.running || !operator;
  $('dash-live-stop').hidden = !p || p.program !== 'live' || !operator;
  const c = d.cchc_month;
  if (c) {
    $('dash-cchc-count').textContent = c.aired;
    $('dash-cchc-target').textContent = c.target;
    const st = $('dash-cchc-state');
    // this month is still running: not met yet is "in progress", not "not met"
    st.textContent = c.aired >= c.target ? t('rep.met') : t('rep.inprogress');
    st.className = 'badge ' + (c.aired >= c.target ? 'ok' : 'warn');
    $('dash-cchc-note').textContent = t('dash.cchc.note', fmtMonth(c.month), c.aired_and_planned);
  }
  $('dash-daemon').textContent = dm.running ? t('dash.daemon.up', dm.version || '') : (dm.error || t('dash.daemon.down'));
  $('dash-daemon').className = dm.running ? 'ok' : 'bad';
  $('dash-device').textContent = d.device.output + (d.device.device ? ' · ' + d.device.device : '');
  $('dash-voice').textContent = d.speech ? speechText(d.speech) : '—';
  // a slot, or a bulletin asked for a time (loaxa air --at: program "bulletin-N", no slot)
  const nb = dm.next && !dm.next.slot && /^bulletin-(\d+)$/.exec(dm.next.program || '');
  const nextWhat = dm.next ? (dm.next.slot || (nb ? t('dash.next.bulletin', nb[1]) : dm.next.program || '')) : '';
  $('dash-next').textContent = dm.next ? fmtTime(dm.next.at) + ' · ' + nextWhat : '—';
  const coming = clear($('dash-coming'));
  for (const a of d.next_airings || []) {
    const titles = a.bulletins.map((b) => b.title || '#' + b.id).join(' · ');
    coming.append(el('li', null, el('strong', { text: fmtTime(a.at) }), ' ',
      el('span', { class: 'tag', text: a.slot }), ' ',
      el('span', { text: titles || t('dash.nothing') }),
      el('span', { class: 'muted', text: ' (' + fmtDuration(a.expected_length_s) + ')' })));
  }
  if (!coming.firstChild) coming.append(el('li', { class: 'muted', text: t('dash.none') }));
  const probs = clear($('dash-problems'));
  for (const x of d.problems || []) {
    probs.append(el('li', { class: 'bad' }, el('strong', { text: fmtTime(x.scheduled_at) }), ' ',
      el('span', { class: 'tag', text: x.slot || t('dash.manual') }), ' ',
      el('span', { text: outcome(x) })));
  }
  if (!probs.firstChild) probs.append(el('li', { class: 'muted', text: t('dash.noproblems') }));
}

/* ---- bulletins ---- */

async function showBulletins() {
  const st = $('bul-state').value;
  const j = await act(() => api('GET', '/bulletins' + (st ? '?state=' + st : '')));
  if (!j) return;
  const tb = clear($('bul-table').tBodies[0]);
  for (const b of j.bulletins.slice().reverse()) {
    const link = el('a', { href: '#/bulletin/' + b.id, text: b.title });
    tb.append(el('tr', null, el('td', { text: b.id }), el('td', { class: 'title' }, link),
      el('td', { text: topicName(b.topic) }), el('td', { text: t('class.' + b.class) }),
      el('td', null, el('span', { class: 'badge ' + b.state, text: t('state.' + b.state) })),
      el('td', { class: 'zones', text: zonesText(b.zones), hidden: !hasZones() }),
      el('td', { text: b.airings_done + '/' + b.airings_wanted })));
  }
  $('bul-col-zones').hidden = !hasZones();
  labelCells($('bul-table'));
  $('bul-empty').hidden = j.bulletins.length > 0;
}

function topicName(id) {
  const x = L.meta && L.meta.topics.find((tp) => tp.id === id);
  return x ? x.name : id;
}

async function showBulletin(args) {
  const id = args[0];
  $('ed-audio').hidden = true;
  $('ed-audio').removeAttribute('src');
  $('ed-lint-card').hidden = true;
  fillSelect($('ed-slot'), [['', t('ed.queue.next')]].concat(L.meta.slots.map((s) => [s.name, s.name + ' (' + s.when + ')'])));
  fillZones('ed-zones', null);
  $('ed-at').value = '';
  if (!id || id === 'new') {
    L.bulletin = null;
    $('ed-heading').textContent = t('bul.new');
    $('ed-state').textContent = '';
    $('ed-state').className = 'badge';
    for (const f of ['ed-title', 'ed-source', 'ed-from', 'ed-until', 'ed-text']) $(f).value = '';
    $('ed-airings').value = 1;
    $('ed-class').value = 'normal';
    fillRegions('station');
    fillZones('ed-bzones', null);
    $('ed-after').hidden = true;
    return;
  }
  const b = await act(() => api('GET', '/bulletins/' + id));
  if (!b) return;
  fillEditor(b);
}

function fillEditor(b) {
  L.bulletin = b;
  $('ed-heading').textContent = t('ed.heading', b.id, b.version);
  $('ed-state').textContent = t('state.' + b.state);
  $('ed-state').className = 'badge ' + b.state;
  $('ed-title').value = b.title;
  $('ed-topic').value = b.topic;
  $('ed-class').value = b.class;
  fillRegions(b.region || 'station');
  fillZones('ed-bzones', b.zones);
  $('ed-source').value = b.source || '';
  $('ed-from').value = b.valid_from || '';
  $('ed-until').value = b.valid_until || '';
  $('ed-airings').value = b.airings_wanted;
  $('ed-text').value = b.text || '';
  $('ed-after').hidden = false;
  $('ed-airing').hidden = b.state !== 'approved';
  $('ed-wait').hidden = b.state !== 'draft';
  $('ed-retire').hidden = b.state === 'retired';
  showFindings(b.text || '', b.findings, $('ed-lintview'), $('ed-findings'), $('ed-lint-none'));
  $('ed-lint-card').hidden = !b.text;
  const rv = clear($('ed-reviews'));
  for (const r of b.reviews || []) {
    rv.append(el('li', null, el('strong', { text: fmtTime(r.at) }), ' ',
      el('span', { text: t(r.decision === 'approved' ? 'ed.review.approved' : 'ed.review.returned', r.reviewer || '?', r.version) }),
      r.comment ? el('blockquote', { text: r.comment }) : null));
  }
  $('ed-reviews-box').hidden = !(b.reviews && b.reviews.length);
}

/*
 * The text with each finding marked where the lint found it (line and
 * column in characters), and the list of findings below it.
 */
function showFindings(text, findings, view, list, none) {
  clear(view);
  clear(list);
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const chars = Array.from(line);
    const here = findings.filter((f) => f.line === i + 1).sort((a, b) => a.column - b.column);
    const p = el('div', { class: 'line' });
    let at = 0;
    for (const f of here) {
      const start = Math.max(f.column - 1, at);
      const len = Math.max(1, Array.from(f.text || '').length);
      if (start >= chars.length) continue;
      p.append(chars.slice(at, start).join(''));
      p.append(el('mark', { class: f.kind, title: f.message, text: chars.slice(start, start + len).join('') }));
      at = start + len;
    }
    p.append(chars.slice(at).join('') || '\u00a0');
    view.append(p);
  });
  for (const f of findings) {
    list.append(el('li', { class: f.kind }, el('span', { class: 'where', text: f.line + ':' + f.column }), ' ',
      el('span', { text: f.message })));
  }
  if (none) none.hidden = findings.length > 0;
}

/* The voice and the region it reads as: "vi-vn-x-south · the South". */
function speechText(s) {
  return (s.voice || s.engine) + ' · ' + t('region.' + s.region);
}

/* The regions a bulletin may be read as; "station": as tts.region says (shown with it). */
function fillRegions(value) {
  const station = L.meta.speech ? L.meta.speech.region : 'north';
  fillSelect($('ed-region'), [['station', t('ed.region.station', t('region.' + station))]]
    .concat((L.meta.regions || []).map((r) => [r, t('region.' + r)])));
  $('ed-region').value = value;
}

function editorFields() {
  const v = (id) => $(id).value.trim();
  const o = {
    title: v('ed-title'), topic: $('ed-topic').value, class: $('ed-class').value,
    region: $('ed-region').value,
    text: $('ed-text').value, airings: parseInt($('ed-airings').value || '0', 10)
  };
  o.source = v('ed-source') || null;
  o.valid_from = v('ed-from') || null;
  o.valid_until = v('ed-until') || null;
  /* none ticked: every zone ("all" clears what an earlier version named) */
  if (hasZones()) o.zones = zonesChosen('ed-bzones') || 'all';
  return o;
}

async function checkText(bytes) {
  const j = await act(() => api('POST', '/lint', bytes, 'text/plain; charset=utf-8'));
  if (!j) return;
  if (typeof bytes !== 'string' || bytes !== j.text) $('ed-text').value = j.text;
  $('ed-lint-card').hidden = false;
  showFindings(j.text, j.findings, $('ed-lintview'), $('ed-findings'), $('ed-lint-none'));
}

async function saveBulletin(ev) {
  ev.preventDefault();
  const o = editorFields();
  const b = await act(() => (L.bulletin ? api('PUT', '/bulletins/' + L.bulletin.id, o) : api('POST', '/bulletins', o)));
  if (!b) return;
  flash(t(L.bulletin ? 'ed.saved.version' : 'ed.saved', b.id, b.version));
  if (!L.bulletin) history.replaceState(null, '', '#/bulletin/' + b.id);
  fillEditor(b);
}

async function listen(id, audio) {
  audio.hidden = false;
  audio.src = '/api/v1/bulletins/' + id + '/audio?lang=' + L.lang + '&v=' + Date.now();
  try { await audio.play(); } catch (e) { /* the browser may want a gesture: the controls are there */ }
}

function hasZones() {
  return !!(L.meta && L.meta.zones && L.meta.zones.length);
}

/* A bulletin's zones as the list shows them: "thon-1, thon-3", or every zone. */
function zonesText(zones) {
  return zones ? zones.split(',').join(', ') : t('bul.zones.all');
}

/*
 * A box in the fieldset `id` for each zone of the configuration, those of
 * `ticked` ("thon-1,thon-3"; null: none, every zone) ticked; the fieldset
 * (id + "-box") is hidden when there are no zones.
 */
function fillZones(id, ticked) {
  const box = clear($(id));
  const on = ticked ? ticked.split(',') : [];
  for (const z of (L.meta && L.meta.zones) || []) {
    const c = el('input', { type: 'checkbox', value: z, id: id.replace(/s$/, '') + '-' + z });
    c.checked = on.includes(z);
    box.append(el('label', { class: 'check' }, c, ' ', el('span', { text: z })));
  }
  $(id + '-box').hidden = !hasZones();
}

/* The zones ticked in the fieldset `id`, "thon-1,thon-3" as ops_zones_parse() takes them; null: every zone. */
function zonesChosen(id) {
  const on = Array.from($(id).querySelectorAll('input:checked')).map((c) => c.value);
  return on.length ? on.join(',') : null;
}

async function queueIt() {
  const at = $('ed-at').value;
  const body = { bulletin: L.bulletin.id };
  if (zonesChosen('ed-zones')) body.zones = zonesChosen('ed-zones');
  if (at) body.at = at.replace('T', ' ');
  else if ($('ed-slot').value) body.slot = $('ed-slot').value;
  const j = await act(() => api('POST', '/queue', body));
  if (j) flash(t('ed.queued', j.id));
}

function confirmDialog(text) {
  return new Promise((resolve) => {
    const d = $('confirm');
    $('confirm-text').textContent = text;
    d.addEventListener('close', () => resolve(d.returnValue === 'ok'), { once: true });
    d.showModal();
  });
}

async function airIt() {
  const cls = $('ed-air-class').value;
  const emergency = cls === 'emergency' || (!cls && L.bulletin.class === 'emergency');
  const body = { bulletin: L.bulletin.id };
  if (cls) body.class = cls;
  if (zonesChosen('ed-zones')) body.zones = zonesChosen('ed-zones');
  if (emergency) {
    if (!(await confirmDialog(t('ed.air.confirm', L.bulletin.title)))) return;
    body.confirm = true;
  }
  const j = await act(() => api('POST', '/air', body));
  if (j) flash(j.message || t('ed.aired'));
}

async function retireIt() {
  if (!(await confirmDialog(t('ed.retire.confirm', L.bulletin.title)))) return;
  const b = await act(() => api('POST', '/bulletins/' + L.bulletin.id + '/retire'));
  if (b) fillEditor(b);
}

/* ---- recording from the microphone ---- */

function showRecord() {
  $('rec-error').hidden = true;
}

async function recStart() {
  $('rec-error').hidden = true;
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  } catch (e) {
    $('rec-error').textContent = t('rec.nomic', e.message);
    $('rec-error').hidden = false;
    return;
  }
  const ctx = new AudioContext();
  await ctx.audioWorklet.addModule('/recorder.js');
  const src = ctx.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(ctx, 'loaxa-recorder');
  const chunks = [];
  let frames = 0;
  node.port.onmessage = (m) => {
    chunks.push(m.data.samples);
    frames += m.data.samples.length;
    $('rec-level').value = m.data.peak;
  };
  src.connect(node);
  /* the clock shows what is recorded (not the time since the click: a microphone takes a moment to start) */
  const clock = () => { $('rec-clock').textContent = fmtDuration(frames / ctx.sampleRate); };
  $('rec-clock').textContent = fmtDuration(0);
  L.rec = { ctx, stream, node, src, chunks, clock: setInterval(clock, 250), tick: clock };
  $('rec-start').disabled = true;
  $('rec-stop').disabled = false;
  $('rec-form').hidden = true;
  $('rec-audio').hidden = true;
}

async function recStop() {
  const r = L.rec;
  if (!r) return;
  L.rec = null;
  clearInterval(r.clock);
  r.tick();
  $('rec-level').value = 0;
  r.src.disconnect();
  r.node.disconnect();
  for (const tr of r.stream.getTracks()) tr.stop();
  const rate = r.ctx.sampleRate;
  await r.ctx.close();
  L.recording = wavBlob(r.chunks, rate);
  const a = $('rec-audio');
  a.src = URL.createObjectURL(L.recording);
  a.hidden = false;
  fillZones('rec-bzones', null);
  $('rec-form').hidden = false;
  $('rec-start').disabled = false;
  $('rec-stop').disabled = true;
  $('rec-title').focus();
}

/* 16-bit mono PCM in a WAV container: what loaxa's decoder (libsndfile) reads as it is. */
function wavBlob(chunks, rate) {
  let n = 0;
  for (const c of chunks) n += c.length;
  const buf = new ArrayBuffer(44 + 2 * n);
  const v = new DataView(buf);
  const str = (o, s) => { for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); };
  str(0, 'RIFF'); v.setUint32(4, 36 + 2 * n, true); str(8, 'WAVE');
  str(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
  str(36, 'data'); v.setUint32(40, 2 * n, true);
  let o = 44;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++, o += 2) {
      const s = Math.max(-1, Math.min(1, c[i]));
      v.setInt16(o, s < 0 ? s * 0x8000 : s * 0x7fff, true);
    }
  }
  return new Blob([buf], { type: 'audio/wav' });
}

async function recSave(ev) {
  ev.preventDefault();
  if (!L.recording) return;
  const q = new URLSearchParams({
    title: $('rec-title').value.trim(), topic: $('rec-topic').value, class: $('rec-class').value,
    airings: $('rec-airings').value || '1', filename: 'ghi-am.wav'
  });
  if (zonesChosen('rec-bzones')) q.set('zones', zonesChosen('rec-bzones'));
  const b = await act(() => api('POST', '/bulletins/recording?' + q.toString(), L.recording, 'audio/wav'));
  if (!b) return;
  L.recording = null;
  flash(t('ed.saved', b.id, b.version));
  location.hash = '#/bulletin/' + b.id;
}

/* ---- clips ---- */

async function showClips() {
  const j = await act(() => api('GET', '/clips'));
  if (!j) return;
  const ul = clear($('clip-list'));
  for (const c of j.clips) {
    const audio = el('audio', { controls: true, preload: 'none', src: '/api/v1/clips/' + c.id + '/audio' });
    const del = el('button', { type: 'button', class: 'link danger', text: t('clip.remove'), onclick: () => removeClip(c) });
    ul.append(el('li', { class: 'card' },
      el('h3', { text: c.name }),
      el('p', { class: 'muted', text: t('kind.' + c.kind) + ' · ' + fmtDuration(c.duration_s) + ' · ' + fmtDecimal(c.lufs, 1) + ' LUFS' }),
      audio, el('div', { class: 'actions' }, del)));
  }
  $('clip-empty').hidden = j.clips.length > 0;
}

async function removeClip(c) {
  if (!(await confirmDialog(t('clip.remove.confirm', c.name)))) return;
  const j = await act(() => api('DELETE', '/clips/' + c.id));
  if (j) showClips();
}

async function uploadClip(ev) {
  ev.preventDefault();
  const f = $('clip-file').files[0];
  if (!f) return;
  if (f.size > L.meta.audio_max * 1048576) return flash(t('clip.toolarge', L.meta.audio_max), true);
  const q = new URLSearchParams({ name: $('clip-name').value.trim(), kind: $('clip-kind').value, filename: f.name });
  $('clip-progress').hidden = false;
  const j = await act(() => api('POST', '/clips?' + q.toString(), f, f.type || 'application/octet-stream'));
  $('clip-progress').hidden = true;
  if (j) {
    flash(t('clip.added', j.name));
    $('clip-form').reset();
    showClips();
  }
}

/* ---- schedule ---- */

async function showSchedule() {
  const j = await act(() => api('GET', '/schedule?days=7'));
  if (!j) return;
  const c = j.cchc_month;
  $('sched-cchc').textContent = t('sched.cchc', fmtMonth(c.month), c.aired, c.aired_and_planned, c.target);
  const box = clear($('sched-days'));
  let day = null, ul = null;
  for (const a of j.airings) {
    const d = a.at.slice(0, 10);
    if (d !== day) {
      day = d;
      ul = el('ol', { class: 'slots' });
      box.append(el('div', { class: 'day card' }, el('h2', { text: d }), ul));
    }
    const titles = a.bulletins.length ? a.bulletins.map((b) => b.title || '#' + b.id) : [t('dash.nothing')];
    ul.append(el('li', null, el('span', { class: 'time', text: a.at.slice(11, 16) }),
      el('span', { class: 'tag', text: a.slot }),
      el('span', { class: 'what', text: titles.join(' · ') }),
      el('span', { class: 'muted', text: fmtDuration(a.expected_length_s) + (a.left_for_later ? ' · ' + t('sched.later', a.left_for_later) : '') })));
  }
  if (!box.firstChild) box.append(el('p', { class: 'muted', text: t('sched.none') }));
  const canQueue = ['operator', 'admin'].includes(L.session.role);
  $('sched-queue-card').hidden = !canQueue;
  if (canQueue) {
    const q = await act(() => api('GET', '/queue'));
    const ql = clear($('sched-queue'));
    for (const e of (q ? q.queue : [])) {
      ql.append(el('li', null, el('strong', { text: e.title || '#' + e.bulletin_id }), ' ',
        el('span', { class: 'tag', text: e.slot || (e.at ? fmtTime(e.at) : t('ed.queue.next')) }), ' ',
        el('span', { class: 'muted', text: e.by ? t('sched.by', e.by) : '' }), ' ',
        el('button', { type: 'button', class: 'link danger', text: t('sched.unqueue'), onclick: async () => { if (await act(() => api('DELETE', '/queue/' + e.id))) showSchedule(); } })));
    }
    if (!ql.firstChild) ql.append(el('li', { class: 'muted', text: t('sched.queue.empty') }));
  }
}

/* ---- approvals ---- */

async function showApprovals() {
  $('appr-detail').hidden = true;
  const j = await act(() => api('GET', '/bulletins?state=draft'));
  if (!j) return;
  const ul = clear($('appr-list'));
  for (const b of j.bulletins) {
    ul.append(el('li', null, el('button', { type: 'button', class: 'link', text: '#' + b.id + ' ' + b.title, onclick: () => openDraft(b.id) }),
      ' ', el('span', { class: 'muted', text: topicName(b.topic) + (b.made_by ? ' · ' + t('sched.by', b.made_by) : '') })));
  }
  $('appr-empty').hidden = j.bulletins.length > 0;
}

async function openDraft(id) {
  const b = await act(() => api('GET', '/bulletins/' + id));
  if (!b) return;
  L.draft = b;
  $('appr-detail').hidden = false;
  $('appr-heading').textContent = '#' + b.id + ' ' + b.title;
  $('appr-meta').textContent = topicName(b.topic) + ' · ' + t('class.' + b.class) + (b.made_by ? ' · ' + t('sched.by', b.made_by) : '');
  showFindings(b.text || '', b.findings, $('appr-text'), $('appr-findings'), null);
  $('appr-audio').hidden = true;
  $('appr-comment').value = '';
  $('appr-force').checked = false;
  $('appr-force-box').hidden = true;
}

async function decide(approve) {
  const b = L.draft;
  const j = approve
    ? await act(() => api('POST', '/bulletins/' + b.id + '/approve', { force: $('appr-force').checked }).catch((e) => {
      if (e.status === 409 && e.body && e.body.findings) $('appr-force-box').hidden = false;
      throw e;
    }))
    : await act(() => api('POST', '/bulletins/' + b.id + '/return', { comment: $('appr-comment').value }));
  if (!j) return;
  flash(t(approve ? 'appr.approved' : 'appr.returned', b.title));
  showApprovals();
}

/* ---- log and report ---- */

function monthNow() {
  const d = new Date();
  return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0');
}

function logQuery() {
  const q = new URLSearchParams();
  if (!$('log-month').value) $('log-month').value = monthNow();
  q.set('month', $('log-month').value);
  for (const [k, id] of [['topic', 'log-topic'], ['class', 'log-class'], ['status', 'log-status']]) {
    if ($(id).value) q.set(k, $(id).value);
  }
  return q;
}

// An outcome and why, in the page's language (the server translates the
// reasons when asked with display=1; the stored reason is the fallback).
function outcome(x) {
  const why = [x.reason_text || x.reason, x.item_reason_text || x.item_reason].filter(Boolean);
  return t('status.' + x.status) + (why.length ? ': ' + why.join('; ') : '');
}

async function showLog() {
  const q = logQuery();
  for (const f of ['csv', 'xlsx']) {
    const qq = new URLSearchParams(q);
    qq.set('format', f);
    $('log-' + f).href = '/api/v1/log?' + qq.toString();
  }
  const rows = await act(() => api('GET', '/log?display=1&' + q.toString()));
  if (!rows) return;
  const tb = clear($('log-table').tBodies[0]);
  for (const r of rows) {
    tb.append(el('tr', { class: r.status },
      el('td', { text: fmtTime(r.scheduled_at) }), el('td', { text: r.slot || t('dash.manual') }),
      el('td', { class: 'title', text: r.title || r.clip || (r.kind ? t('kind.' + r.kind) : '') }),
      el('td', { text: r.topic ? topicName(r.topic) : '' }), el('td', { text: r.class ? t('class.' + r.class) : '' }),
      el('td', { text: r.length_s !== null ? fmtDecimal(r.length_s, 1) : '' }),
      el('td', { text: outcome(r) }),
      el('td', { text: r.approved_by || '' }), el('td', { text: r.asked_by || '' })));
  }
  labelCells($('log-table'));
  $('log-empty').hidden = rows.length > 0;
}

function reportQuery() {
  const q = new URLSearchParams();
  const k = $('rep-kind').value;
  if (k === 'month') {
    if (!$('rep-month').value) $('rep-month').value = monthNow();
    q.set('month', $('rep-month').value);
  } else {
    if (!$('rep-year').value) $('rep-year').value = new Date().getFullYear();
    q.set('period', k);
    q.set('year', $('rep-year').value);
  }
  return q;
}

async function showReport() {
  const month = $('rep-kind').value === 'month';
  $('rep-month-box').hidden = !month;
  $('rep-year-box').hidden = month;
  const q = reportQuery();
  for (const f of ['csv', 'xlsx']) {
    const qq = new URLSearchParams(q);
    qq.set('format', f);
    $('rep-' + f).href = '/api/v1/report?' + qq.toString();
  }
  const r = await act(() => api('GET', '/report?display=1&' + q.toString()));
  if (!r) return;
  const row = (label, c) => el('tr', null, el('td', { text: label }), el('td', { text: c.bulletins }),
    el('td', { text: c.cchc_bulletins + ' / ' + c.target }), el('td', { text: c.airings }),
    el('td', { text: fmtDuration(c.airtime_s) }),
    el('td', null, el('span', { class: 'badge ' + stateClass(c), text: stateWord(c) })));
  const tb = clear($('rep-table').tBodies[0]);
  for (const m of r.months) tb.append(row(fmtMonth(m.month), m));
  const tf = clear($('rep-table').tFoot);
  tf.append(row(t('rep.total'), r.totals));
  labelCells($('rep-table'));
  const ml = clear($('rep-missed'));
  for (const x of r.missed || []) {
    ml.append(el('li', null, el('strong', { text: fmtTime(x.scheduled_at) }), ' ',
      el('span', { class: 'tag', text: x.slot || '' }), ' ', el('span', { text: outcome(x) })));
  }
  $('rep-missed-card').hidden = !(r.missed && r.missed.length);
}

/* ---- users and configuration ---- */

async function showUsers() {
  const j = await act(() => api('GET', '/users'));
  if (!j) return;
  const tb = clear($('users-table').tBodies[0]);
  for (const u of j.users) {
    const sel = el('select', { 'aria-label': t('users.role') });
    for (const r of ['operator', 'approver', 'officer', 'admin']) sel.append(el('option', { value: r, text: t('role.' + r) }));
    sel.value = u.role;
    sel.addEventListener('change', async () => {
      if (await act(() => api('PUT', '/users/' + u.name, { role: sel.value }))) flash(t('users.changed', u.name));
      showUsers();
    });
    const pw = el('button', { type: 'button', class: 'link', text: t('users.password'), onclick: async () => {
      const p = prompt(t('users.password.new', u.name));
      if (p && await act(() => api('PUT', '/users/' + u.name, { password: p }))) flash(t('users.changed', u.name));
    } });
    const rm = el('button', { type: 'button', class: 'link danger', text: t('users.remove'), onclick: async () => {
      if (!(await confirmDialog(t('users.remove.confirm', u.name)))) return;
      if (await act(() => api('DELETE', '/users/' + u.name))) showUsers();
    } });
    tb.append(el('tr', null, el('td', { class: 'title', text: u.name }), el('td', null, sel),
      el('td', { text: fmtTime(u.created_at) + (u.created_by ? ' · ' + u.created_by : '') }),
      el('td', { class: 'actions' }, pw, rm)));
  }
  labelCells($('users-table'));
}

async function addUser(ev) {
  ev.preventDefault();
  const body = { name: $('users-name').value.trim(), role: $('users-role').value, password: $('users-password').value };
  const j = await act(() => api('POST', '/users', body));
  if (!j) return;
  flash(t('users.added', j.name));
  $('users-form').reset();
  showUsers();
}

async function showConfig() {
  const j = await act(() => api('GET', '/config'));
  if (!j) return;
  $('conf-path').textContent = j.path || t('conf.defaults');
  $('conf-text').textContent = j.text;
  $('conf-result').textContent = '';
}

async function checkConfig(ev) {
  ev.preventDefault();
  const res = $('conf-result');
  res.textContent = '';
  try {
    const j = await api('POST', '/config/check', $('conf-paste').value, 'text/plain; charset=utf-8');
    res.textContent = j.message;
    res.className = 'ok';
  } catch (e) {
    res.textContent = e.message;
    res.className = 'error';
  }
}

/* ---- start ---- */

async function login(ev) {
  ev.preventDefault();
  $('login-error').hidden = true;
  try {
    const s = await api('POST', '/login', { name: $('login-name').value.trim(), password: $('login-password').value });
    $('login-password').value = '';
    if (!location.hash || location.hash === '#/login') location.hash = '#/dashboard';
    await startSession(s);
  } catch (e) {
    $('login-error').textContent = e.message;
    $('login-error').hidden = false;
  }
}

async function logout() {
  await act(() => api('POST', '/logout'));
  L.session = null;
  showLogin();
}

function wire() {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  $('lang-switch').addEventListener('click', switchLang);
  $('login-lang').addEventListener('click', switchLang);
  $('dash-stop').addEventListener('click', async () => {
    if (await confirmDialog(t('dash.stop.confirm'))) {
      const j = await act(() => api('POST', '/stop'));
      if (j) flash(j.message || '');
    }
  });
  $('dash-live').addEventListener('click', async () => {
    const j = await act(() => api('POST', '/live', {}));
    if (j) flash(j.message || '');
    refreshDashboard();
  });
  $('dash-live-stop').addEventListener('click', async () => {
    const j = await act(() => api('POST', '/live/stop'));
    if (j) flash(j.message || '');
    refreshDashboard();
  });
  $('bul-state').addEventListener('change', showBulletins);
  $('ed-form').addEventListener('submit', saveBulletin);
  $('ed-check').addEventListener('click', () => checkText($('ed-text').value));
  $('ed-file').addEventListener('change', async () => {
    const f = $('ed-file').files[0];
    if (!f) return;
    if (f.size > L.meta.text_max) return flash(t('ed.toolarge'), true);
    await checkText(await f.arrayBuffer());
    $('ed-file').value = '';
  });
  $('ed-listen').addEventListener('click', () => listen(L.bulletin.id, $('ed-audio')));
  $('ed-queue').addEventListener('click', queueIt);
  $('ed-air').addEventListener('click', airIt);
  $('ed-retire').addEventListener('click', retireIt);
  $('rec-start').addEventListener('click', recStart);
  $('rec-stop').addEventListener('click', recStop);
  $('rec-form').addEventListener('submit', recSave);
  $('clip-form').addEventListener('submit', uploadClip);
  $('appr-listen').addEventListener('click', () => listen(L.draft.id, $('appr-audio')));
  $('appr-approve').addEventListener('click', () => decide(true));
  $('appr-return').addEventListener('click', () => decide(false));
  $('log-form').addEventListener('submit', (e) => { e.preventDefault(); showLog(); });
  $('rep-form').addEventListener('submit', (e) => { e.preventDefault(); showReport(); });
  $('rep-kind').addEventListener('change', showReport);
  $('users-form').addEventListener('submit', addUser);
  $('conf-form').addEventListener('submit', checkConfig);
  $('conf-reload').addEventListener('click', async () => {
    const j = await act(() => api('POST', '/reload'));
    if (j) flash(j.message || '');
  });
  window.addEventListener('hashchange', route);
}

async function main() {
  wire();
  await loadStrings();
  try {
    const s = await api('GET', '/session');
    await startSession(s);
  } catch (e) {
    showLogin();
  }
}

main();
