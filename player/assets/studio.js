// llcast studio page: picks the camera and microphone, starts and stops the
// broadcast, previews it and shows its health, the network state, the
// addresses to watch from other devices, the stream links and the server
// log. It polls the studio API (GET /api/studio every second,
// /api/studio/logs?after=N every second, /api/studio/links every 5 s; the
// links panel stays hidden when the server answers 404 there: no link store).
// "Revoke all" asks for a second click within 4 s. Plain ES2017, no build step; hls.js is loaded before this file
// (both deferred) from /assets/vendor/hls.min.js.
//
// For browser tests, window.llcastStudio exposes:
//   snapshot   the last snapshot from the server (null before the first one)
//   hls        the preview's Hls instance (null when offline, native or waiting to retry)
//   video      the <video id="preview"> element
//   mode       'hls' | 'native' | 'unsupported' (how the preview plays)
//   url        the playlist the preview plays (snapshot.stream_url)
//   connected  false while the server is unreachable
//   logNext    the `after` value of the next log poll
//   links      the last list of stream links from the server (null before the first)
(() => {
  'use strict';

  const POLL_MS = 1000; // snapshot and log poll interval
  const RETRY_MS = 2000; // preview retry interval
  const STALL_MS = 10000; // a preview that does not move for this long restarts
  const LOG_LINES = 100; // log lines kept on the page
  const LOGIN_URL = '/login?next=/studio';
  const LINKS_POLL_MS = 5000; // stream links change rarely
  const CONFIRM_MS = 4000; // how long "Revoke all" waits for the confirming click

  const $ = (id) => document.getElementById(id);
  const video = $('preview');
  const els = {
    badge: $('live-badge'),
    connection: $('connection'),
    error: $('studio-error'),
    errorText: $('studio-error-text'),
    errorClose: $('studio-error-close'),
    network: $('network'),
    networkText: $('network-text'),
    networkError: $('network-error'),
    previewMessage: $('preview-message'),
    start: $('start'),
    stop: $('stop'),
    uptime: $('uptime'),
    camera: $('camera'),
    microphone: $('microphone'),
    videoStatus: $('video-status'),
    audioStatus: $('audio-status'),
    viewers: $('viewers'),
    fpsIn: $('fps-in'),
    fpsOut: $('fps-out'),
    videoKbps: $('video-kbps'),
    audioKbps: $('audio-kbps'),
    dropped: $('dropped'),
    addresses: $('addresses'),
    addressesEmpty: $('addresses-empty'),
    log: $('log'),
    linksPanel: $('links-panel'),
    links: $('links'),
    linksEmpty: $('links-empty'),
    linksError: $('links-error'),
    linksRevokeAll: $('links-revoke-all'),
  };

  const studio = {
    snapshot: null,
    hls: null,
    video: video,
    mode: '',
    connected: true,
    logNext: 0,
    links: null,
  };
  window.llcastStudio = studio;

  let busy = false; // a start/stop/select request is in flight
  let epoch = 0; // counts actions, so that a poll answered across one is dropped
  let leaving = false; // on the way to the login page
  let previewState = ''; // 'live' while the preview should play, 'offline' when not
  let previewSince = ''; // broadcast.since of the live period the preview plays
  let lastTime = -1; // the preview's currentTime at the last watchdog tick
  let lastProgressAt = 0;
  let pollError = false; // the error area shows a poll failure
  let retryTimer = 0;
  let addressesKey = null;
  const pickerKeys = { video: null, audio: null };

  // ---------- HTTP ----------

  class HTTPError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // Fetches JSON; throws HTTPError (with the server's {"error"} sentence when
  // there is one) or, when the server is unreachable, a TypeError.
  async function api(method, path, body) {
    const opts = {
      method: method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json' },
    };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(path, opts);
    if (res.status === 401) {
      goLogin();
      throw new HTTPError(401, 'Signed out.');
    }
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (!res.ok) {
      let msg = data && typeof data.error === 'string' && data.error ? data.error : '';
      if (res.status === 403 && (!msg || msg === 'forbidden')) {
        msg = 'The studio is for admins.';
      }
      throw new HTTPError(res.status, msg || 'The server answered ' + res.status + ' ' + res.statusText + '.');
    }
    return data;
  }

  function goLogin() {
    if (leaving) {
      return;
    }
    leaving = true;
    stopPreview();
    window.location.assign(LOGIN_URL);
  }

  function setConnected(ok) {
    studio.connected = ok;
    els.connection.hidden = ok;
    document.body.dataset.connected = ok ? 'true' : 'false';
  }

  // fromPoll marks errors of the snapshot poll, which the next good poll clears.
  function showError(text, fromPoll) {
    pollError = !!text && !!fromPoll;
    els.errorText.textContent = text;
    els.error.hidden = !text;
  }

  function errorText(e) {
    if (e instanceof HTTPError) {
      return e.message;
    }
    return 'The llcast server cannot be reached.';
  }

  // ---------- polling ----------

  async function pollSnapshot() {
    const asked = epoch;
    try {
      const snap = await api('GET', '/api/studio');
      setConnected(true);
      if (pollError) {
        pollError = false;
        showError('');
      }
      if (!busy && asked === epoch) {
        render(snap); // else it may predate the action's answer
      }
    } catch (e) {
      if (leaving) {
        return;
      }
      if (e instanceof HTTPError && e.status !== 502 && e.status !== 503 && e.status !== 504) {
        setConnected(true);
        showError(e.message, true);
      } else {
        // Unreachable, or a reverse proxy in front of it cannot reach it.
        setConnected(false);
      }
    }
    if (!leaving) {
      setTimeout(pollSnapshot, POLL_MS);
    }
  }

  async function pollLogs() {
    try {
      const data = await api('GET', '/api/studio/logs?after=' + studio.logNext);
      appendLogs(data);
    } catch (e) {
      // The snapshot poll reports an unreachable server.
    }
    if (!leaving) {
      setTimeout(pollLogs, POLL_MS);
    }
  }

  // ---------- actions ----------

  async function act(path, body) {
    if (busy) {
      return;
    }
    busy = true;
    epoch++;
    syncButtons();
    syncPickersEnabled();
    try {
      const snap = await api('POST', path, body);
      epoch++;
      setConnected(true);
      showError('');
      busy = false;
      if (path === '/api/studio/start') {
        previewState = ''; // so that render starts the preview afresh
      }
      render(snap);
    } catch (e) {
      busy = false;
      epoch++;
      if (!leaving) {
        showError(errorText(e));
        if (studio.snapshot) {
          render(studio.snapshot); // put the pickers back to what the server has
        }
      }
    }
    syncButtons();
    syncPickersEnabled();
  }

  // ---------- rendering ----------

  function isLive(snap) {
    return !!(snap && snap.broadcast && snap.broadcast.live);
  }

  function render(snap) {
    if (!snap || typeof snap !== 'object') {
      return;
    }
    studio.snapshot = snap;
    const b = snap.broadcast || {};
    const live = !!b.live;

    els.badge.dataset.state = live ? 'live' : 'offline';
    els.badge.textContent = live ? 'LIVE' : 'OFFLINE';
    document.body.dataset.live = live ? 'true' : 'false';
    syncButtons();

    const sel = b.selection || {};
    renderPicker(els.camera, 'video', snap.cameras, sel.video, 'camera');
    renderPicker(els.microphone, 'audio', snap.microphones, sel.audio, 'microphone');
    syncPickersEnabled();
    renderInput(els.videoStatus, b.video, 'Camera', live);
    renderInput(els.audioStatus, b.audio, 'Microphone', live);

    renderNetwork(snap.network);
    renderHealth(b.health, snap.viewers, live);
    renderUptime();
    renderAddresses(snap.addresses);
    syncPreview(live, snap.stream_url, b.since);
  }

  function syncButtons() {
    const snap = studio.snapshot;
    const live = isLive(snap);
    els.start.disabled = busy || !snap || live;
    els.stop.disabled = busy || !snap || !live;
  }

  function syncPickersEnabled() {
    const ready = !!studio.snapshot && !busy;
    els.camera.disabled = !ready;
    els.microphone.disabled = !ready;
  }

  // Option values: "device:NAME", "test", "none" (disabled placeholders: "").
  function choiceValue(c) {
    if (!c || !c.kind) {
      return '';
    }
    return c.kind === 'device' ? 'device:' + (c.name || '') : c.kind;
  }

  function valueChoice(v) {
    if (v.indexOf('device:') === 0) {
      return { kind: 'device', name: v.slice('device:'.length) };
    }
    return { kind: v };
  }

  // Which option a selection stands for: the device named exactly, else the
  // first whose name contains it (the server matches part of a name), else
  // the first device when no name was given.
  function selectedValue(devices, choice) {
    if (!choice || !choice.kind) {
      return '';
    }
    if (choice.kind !== 'device') {
      return choice.kind;
    }
    const want = (choice.name || '').toLowerCase();
    let found = devices.find((d) => d.name === choice.name);
    if (!found && want) {
      found = devices.find((d) => d.name.toLowerCase().indexOf(want) >= 0);
    }
    if (!found && !want) {
      found = devices[0];
    }
    return found ? 'device:' + found.name : choiceValue(choice);
  }

  function renderPicker(select, kind, list, choice, noun) {
    const devices = [];
    const seen = new Set();
    (Array.isArray(list) ? list : []).forEach((d) => {
      if (d && d.name && !seen.has(d.name)) {
        seen.add(d.name);
        devices.push(d);
      }
    });
    const current = selectedValue(devices, choice);

    const options = [];
    const real = devices.filter((d) => !d.null);
    if (real.length === 0) {
      options.push({ value: '', text: 'No ' + noun + ' found', disabled: true });
    }
    devices.forEach((d) => {
      options.push({
        value: 'device:' + d.name,
        text: d.null ? d.name + ' (silence: no sound hardware)' : d.name,
        title: d.label || '',
      });
    });
    let selected = current;
    if (current.indexOf('device:') === 0 && !seen.has(current.slice('device:'.length))) {
      if (devices.length === 0) {
        selected = ''; // shows "No camera found"
      } else {
        // Another device is there: keep the missing one visible rather than pretend.
        options.push({ value: current, text: current.slice('device:'.length) + ' (not connected)' });
      }
    }
    options.push({ value: 'test', text: kind === 'video' ? 'Test pattern' : 'Test tone' });
    options.push({ value: 'none', text: 'None' });

    // Rebuild only when the list changes, so an open picker stays open.
    const key = JSON.stringify(options);
    if (key !== pickerKeys[kind]) {
      pickerKeys[kind] = key;
      select.textContent = '';
      options.forEach((o) => {
        const opt = document.createElement('option');
        opt.value = o.value;
        opt.textContent = o.text;
        if (o.disabled) {
          opt.disabled = true;
        }
        if (o.title) {
          opt.title = o.title;
        }
        select.appendChild(opt);
      });
    }
    if (!busy && select.value !== selected) {
      select.value = selected;
      if (select.value !== selected) {
        select.selectedIndex = -1;
      }
    }
  }

  function onPick() {
    const snap = studio.snapshot;
    if (!snap) {
      return;
    }
    const sel = (snap.broadcast && snap.broadcast.selection) || {};
    const body = {
      video: els.camera.value ? valueChoice(els.camera.value) : sel.video || { kind: 'none' },
      audio: els.microphone.value ? valueChoice(els.microphone.value) : sel.audio || { kind: 'none' },
    };
    act('/api/studio/select', body);
  }

  function renderInput(el, input, noun, live) {
    const s = input || {};
    const state = s.state || '';
    el.dataset.state = state;
    el.textContent = '';
    if (state === 'lost') {
      const strong = document.createElement('strong');
      strong.textContent = noun + ' lost — retrying…';
      el.appendChild(strong);
      if (s.error) {
        const detail = document.createElement('span');
        detail.className = 'input-error';
        detail.textContent = s.error;
        el.appendChild(detail);
      }
      return;
    }
    if (!live) {
      return;
    }
    if (state === 'off') {
      el.textContent = noun === 'Camera' ? 'No camera: viewers see a slate.' : 'No microphone: viewers hear silence.';
    } else if (state === 'ok') {
      el.textContent = 'On air: ' + (s.name || (s.kind === 'test' ? 'test source' : noun.toLowerCase()));
    }
  }

  function renderNetwork(net) {
    const n = net || {};
    const state = n.state === 'online' || n.state === 'offline' ? n.state : 'unknown';
    els.network.dataset.state = state;
    els.networkText.textContent = {
      online: 'Connected to the internet',
      offline: 'Not connected to the internet',
      unknown: 'Checking network…',
    }[state];
    const err = state === 'offline' && n.error ? n.error : '';
    els.networkError.textContent = err;
    els.networkError.hidden = !err;
    els.network.title = n.checked ? 'Checked ' + new Date(n.checked).toLocaleTimeString() +
      (n.address ? ' against ' + n.address : '') : '';
  }

  function num(v, digits) {
    return typeof v === 'number' && isFinite(v) ? v.toFixed(digits) : '—';
  }

  function renderHealth(h, viewers, live) {
    const x = live && h ? h : {};
    els.viewers.textContent = typeof viewers === 'number' ? String(viewers) : '—';
    els.fpsIn.textContent = num(x.fps_in, 1);
    els.fpsOut.textContent = num(x.fps_out, 1);
    els.videoKbps.textContent = typeof x.video_kbps === 'number' ? num(x.video_kbps, 0) + ' kbit/s' : '—';
    els.audioKbps.textContent = typeof x.audio_kbps === 'number' ? num(x.audio_kbps, 0) + ' kbit/s' : '—';
    els.dropped.textContent = typeof x.dropped === 'number' ? String(x.dropped) : '—';
    els.dropped.dataset.nonzero = x.dropped > 0 ? 'true' : 'false';
  }

  function renderUptime() {
    const b = studio.snapshot && studio.snapshot.broadcast;
    const since = b && b.live && b.since ? Date.parse(b.since) : NaN;
    if (isNaN(since)) {
      els.uptime.textContent = '—';
      return;
    }
    let s = Math.max(0, Math.floor((Date.now() - since) / 1000));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    s %= 60;
    const pad = (v) => (v < 10 ? '0' : '') + v;
    els.uptime.textContent = (h ? h + ':' + pad(m) : String(m)) + ':' + pad(s);
  }

  function renderAddresses(list) {
    const urls = (Array.isArray(list) ? list : []).filter((u) => typeof u === 'string' && u);
    const key = urls.join('\n');
    if (key === addressesKey) {
      return;
    }
    addressesKey = key;
    els.addresses.textContent = '';
    urls.forEach((u) => {
      const li = document.createElement('li');
      li.className = 'address';
      const img = document.createElement('img');
      img.className = 'qr';
      img.src = '/api/qr.png?text=' + encodeURIComponent(u);
      img.alt = 'QR code for ' + u;
      img.width = 132;
      img.height = 132;
      img.loading = 'lazy';
      const a = document.createElement('a');
      a.className = 'address-link';
      a.href = u;
      a.textContent = u;
      a.target = '_blank';
      a.rel = 'noopener';
      li.appendChild(img);
      li.appendChild(a);
      els.addresses.appendChild(li);
    });
    els.addressesEmpty.hidden = urls.length > 0;
  }

  // ---------- stream links ----------

  let linksBusy = false; // a revoke is in flight
  let linksEpoch = 0; // like epoch, for the links poll
  let linksKey = null;
  let linksTimer = 0;
  let confirmTimer = 0; // while "Revoke all" waits for its second click

  function linkState(l, now) {
    if (l.revoked) {
      return 'revoked';
    }
    const t = Date.parse(l.expires);
    return !isNaN(t) && t <= now ? 'expired' : 'active';
  }

  function scheduleLinks() {
    clearTimeout(linksTimer);
    linksTimer = leaving ? 0 : setTimeout(pollLinks, LINKS_POLL_MS);
  }

  function linksError(text) {
    els.linksError.textContent = text;
    els.linksError.hidden = !text;
  }

  async function pollLinks() {
    linksTimer = 0;
    const asked = linksEpoch;
    try {
      const list = await api('GET', '/api/studio/links');
      if (!linksBusy && asked === linksEpoch) {
        renderLinks(list);
      }
    } catch (e) {
      if (leaving) {
        return;
      }
      if (e instanceof HTTPError && e.status === 404) {
        els.linksPanel.hidden = true; // this server keeps no links
        return;
      }
      if (e instanceof HTTPError && e.status !== 502 && e.status !== 503 && e.status !== 504) {
        linksError(e.message); // unreachable: the connection banner says so
      }
    }
    scheduleLinks();
  }

  async function revokeLinks(id) {
    if (linksBusy) {
      return;
    }
    linksBusy = true;
    linksEpoch++;
    disarmRevokeAll();
    syncLinkButtons();
    let list = null;
    let failed = '';
    try {
      list = await api('POST', '/api/studio/links/' + encodeURIComponent(id) + '/revoke');
    } catch (e) {
      failed = errorText(e);
    }
    linksBusy = false;
    linksEpoch++;
    if (leaving) {
      return;
    }
    linksError(failed);
    if (failed) {
      pollLinks(); // show the list as it is now
      return;
    }
    renderLinks(list); // the answer is the new list
    scheduleLinks();
  }

  function formatDate(iso) {
    const d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso || '—') : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }

  function cell(label, content, className) {
    const td = document.createElement('td');
    td.dataset.label = label;
    if (className) {
      td.className = className;
    }
    if (typeof content === 'string') {
      td.textContent = content;
    } else {
      td.appendChild(content);
    }
    return td;
  }

  function linkRow(l, state) {
    const tr = document.createElement('tr');
    tr.dataset.linkId = l.id;
    tr.dataset.state = state;

    const id = document.createElement('span');
    const code = document.createElement('code');
    code.textContent = l.id;
    id.appendChild(code);
    if (l.label) {
      const label = document.createElement('span');
      label.className = 'link-label';
      label.textContent = l.label;
      id.appendChild(label);
    }
    const idCell = cell('Link', id, 'link-id');
    idCell.title = 'Created ' + formatDate(l.created);
    tr.appendChild(idCell);
    tr.appendChild(cell('Stream', l.stream || '—'));
    tr.appendChild(cell('Issued by', l.subject || '—'));
    const expires = document.createElement('time');
    expires.dateTime = l.expires || '';
    expires.textContent = formatDate(l.expires);
    tr.appendChild(cell('Expires', expires, 'tabular'));
    const pill = document.createElement('span');
    pill.className = 'link-state';
    pill.dataset.state = state;
    pill.textContent = { active: 'Active', expired: 'Expired', revoked: 'Revoked' }[state];
    tr.appendChild(cell('State', pill));

    const action = document.createElement('td');
    action.className = 'link-action';
    if (state === 'active') {
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'btn-danger link-revoke';
      btn.dataset.id = l.id;
      btn.textContent = 'Revoke';
      btn.setAttribute('aria-label', 'Revoke link ' + l.id);
      action.appendChild(btn);
    }
    tr.appendChild(action);
    return tr;
  }

  function renderLinks(list) {
    const now = Date.now();
    const rows = (Array.isArray(list) ? list : []).filter((l) => l && typeof l.id === 'string' && l.id);
    studio.links = rows;
    els.linksPanel.hidden = false;
    const states = rows.map((l) => linkState(l, now));
    // Rebuild only on a change, so that a focused button stays focused.
    const key = JSON.stringify(rows.map((l, i) => [l.id, l.stream, l.subject, l.label, l.created, l.expires, states[i]]));
    if (key !== linksKey) {
      linksKey = key;
      els.links.textContent = '';
      rows.forEach((l, i) => els.links.appendChild(linkRow(l, states[i])));
    }
    els.linksEmpty.hidden = rows.length > 0;
    els.links.parentElement.hidden = rows.length === 0;
    syncLinkButtons();
  }

  function activeLinks() {
    const now = Date.now();
    return (studio.links || []).filter((l) => linkState(l, now) === 'active').length;
  }

  function syncLinkButtons() {
    els.links.querySelectorAll('.link-revoke').forEach((b) => {
      b.disabled = linksBusy;
    });
    els.linksRevokeAll.disabled = linksBusy || activeLinks() === 0;
    if (els.linksRevokeAll.disabled) {
      disarmRevokeAll();
    }
  }

  function disarmRevokeAll() {
    clearTimeout(confirmTimer);
    confirmTimer = 0;
    delete els.linksRevokeAll.dataset.armed;
    els.linksRevokeAll.textContent = 'Revoke all';
  }

  function onRevokeAll() {
    if (confirmTimer) {
      revokeLinks('all');
      return;
    }
    const n = activeLinks();
    els.linksRevokeAll.dataset.armed = 'true';
    els.linksRevokeAll.textContent = 'Revoke ' + (n === 1 ? '1 link' : n + ' links') + '? Click again';
    confirmTimer = setTimeout(disarmRevokeAll, CONFIRM_MS);
  }

  // ---------- log ----------

  function appendLogs(data) {
    if (!data || !Array.isArray(data.lines)) {
      return;
    }
    const next = typeof data.next === 'number' ? data.next : studio.logNext;
    if (next < studio.logNext) {
      // The server restarted and numbers lines from 1 again.
      els.log.textContent = '';
      studio.logNext = 0;
      return;
    }
    const atBottom = els.log.scrollHeight - els.log.scrollTop - els.log.clientHeight < 8;
    let added = 0;
    data.lines.forEach((l) => {
      if (!l || typeof l.seq !== 'number' || l.seq <= lastSeq()) {
        return;
      }
      const li = document.createElement('li');
      li.dataset.seq = String(l.seq);
      // level=INFO from the text log, "level":"INFO" from log.format json.
      const level = /\blevel=(\w+)|"level":"(\w+)"/.exec(l.text || '');
      if (level) {
        li.dataset.level = (level[1] || level[2]).toLowerCase();
      }
      li.textContent = l.text || '';
      els.log.appendChild(li);
      added++;
    });
    while (els.log.childElementCount > LOG_LINES) {
      els.log.removeChild(els.log.firstElementChild);
    }
    studio.logNext = next;
    if (added && atBottom) {
      els.log.scrollTop = els.log.scrollHeight;
    }
  }

  function lastSeq() {
    const last = els.log.lastElementChild;
    return last ? Number(last.dataset.seq) : 0;
  }

  // ---------- preview ----------

  function previewMessage(text) {
    els.previewMessage.textContent = text;
    els.previewMessage.hidden = !text;
  }

  // Follows the broadcast: plays while it is live, and starts afresh when it
  // went live again (a new `since`) between two polls.
  function syncPreview(live, url, since) {
    if (url) {
      studio.url = url;
    }
    if (studio.mode === 'unsupported') {
      return;
    }
    if (!live) {
      if (previewState !== 'offline') {
        previewState = 'offline';
        stopPreview();
        previewMessage('Offline. Press Start to go live.');
      }
      return;
    }
    if (previewState !== 'live' || (since || '') !== previewSince) {
      previewState = 'live';
      previewSince = since || '';
      startPreview();
    }
  }

  // Restarts a preview that stopped moving although it should play (1 s tick).
  function watchPreview() {
    const now = Date.now();
    if (previewState !== 'live' || retryTimer || video.paused || video.currentTime !== lastTime) {
      lastTime = video.currentTime;
      lastProgressAt = now;
    } else if (now - lastProgressAt > STALL_MS) {
      lastProgressAt = now;
      retryPreview();
    }
  }

  function stopPreview() {
    clearTimeout(retryTimer);
    retryTimer = 0;
    if (studio.hls) {
      studio.hls.destroy();
      studio.hls = null;
    }
    if (studio.mode === 'native' && video.getAttribute('src')) {
      video.removeAttribute('src');
      video.load();
    }
  }

  // Schedules another attempt while the broadcast should be live.
  function retryPreview() {
    if (retryTimer || previewState !== 'live') {
      return;
    }
    stopPreview();
    previewMessage('Waiting for the stream…');
    retryTimer = setTimeout(() => {
      retryTimer = 0;
      if (previewState === 'live') {
        startPreview();
      }
    }, RETRY_MS);
  }

  function startPreview() {
    stopPreview();
    const url = studio.url || document.body.dataset.src;
    previewMessage('Connecting…');
    if (studio.mode === 'native') {
      video.src = url;
      play();
      return;
    }
    const hls = new Hls({
      lowLatencyMode: true,
      backBufferLength: 10, // a preview needs little history
      maxLiveSyncPlaybackRate: 1.1,
    });
    studio.hls = hls;
    hls.on(Hls.Events.ERROR, (event, data) => {
      if (hls !== studio.hls) {
        return; // stale instance
      }
      if (data.response && data.response.code === 401) {
        goLogin();
        return;
      }
      if (data.fatal) {
        retryPreview();
      }
    });
    hls.on(Hls.Events.MANIFEST_PARSED, play);
    hls.loadSource(url);
    hls.attachMedia(video);
  }

  function play() {
    const p = video.play();
    if (p && typeof p.catch === 'function') {
      p.catch(() => {});
    }
  }

  // ---------- wiring ----------

  if (typeof window.Hls !== 'undefined' && Hls.isSupported()) {
    studio.mode = 'hls';
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    studio.mode = 'native';
  } else {
    studio.mode = 'unsupported';
    previewMessage('This browser cannot play the preview.');
  }

  video.addEventListener('playing', () => {
    if (previewState === 'live' && !retryTimer) {
      previewMessage('');
    }
  });
  video.addEventListener('ended', retryPreview);
  video.addEventListener('error', () => {
    if (studio.mode === 'native' && video.getAttribute('src')) {
      retryPreview();
    }
  });

  els.start.addEventListener('click', () => act('/api/studio/start'));
  els.stop.addEventListener('click', () => {
    if (busy) {
      return;
    }
    // Let go of the stream first: its blocking playlist requests would end
    // in 404s when it goes away. The next render restarts the preview if
    // the stream is still live.
    previewState = 'stopping';
    stopPreview();
    previewMessage('Stopping…');
    act('/api/studio/stop');
  });
  els.camera.addEventListener('change', onPick);
  els.microphone.addEventListener('change', onPick);
  els.errorClose.addEventListener('click', () => showError(''));
  els.links.addEventListener('click', (e) => {
    const btn = e.target.closest('.link-revoke');
    if (btn && !btn.disabled) {
      revokeLinks(btn.dataset.id);
    }
  });
  els.linksRevokeAll.addEventListener('click', onRevokeAll);

  setConnected(true);
  setInterval(() => {
    renderUptime();
    watchPreview();
  }, 1000);
  pollSnapshot();
  pollLogs();
  pollLinks();
})();
