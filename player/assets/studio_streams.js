// llcast studio, "Streams" panel: every stream the server carries, with its
// title (what viewers read above the player; "Save" sets it), the publish
// URLs of push streams (the key hidden until "Reveal key"; "Copy";
// "Rotate key"), an OBS settings hint, the publisher's state ("Stop"
// disconnects it), the <iframe> code that embeds its player on another
// site ("Make embed code": a new stream link's token in the URL's
// fragment), and adding and removing streams. It polls
// GET /api/studio/streams every 2 s; the panel stays hidden when the
// server answers 404 there (no stream store). Rotate and Remove ask for a
// second click within 4 s, like "Revoke all". Plain ES2017, no build step.
// Text from the server only ever goes into textContent and attributes.
//
// For browser tests, window.llcastStreamsAdmin exposes:
//   streams    the last list from the server (null before the first)
//   revealed   the names of the streams whose keys are shown
//   embeds     stream name -> the last embed code made for it
(() => {
  'use strict';

  const POLL_MS = 2000;
  const CONFIRM_MS = 4000;
  const COPIED_MS = 2000;
  const LOGIN_URL = '/login?next=/studio';
  const MASK = '••••••••';
  // An embed code's link lasts as long as an admin's may (README "Stream
  // links"): a web page keeps its code for a while.
  const EMBED_TTL = '2160h';

  const $ = (id) => document.getElementById(id);
  const els = {
    panel: $('streams-panel'),
    cards: $('stream-cards'),
    none: $('streams-none'),
    error: $('streams-error'),
    form: $('stream-add'),
    name: $('stream-add-name'),
    file: $('stream-add-file'),
    vod: $('stream-add-vod'),
    title: $('stream-add-title-text'),
    submit: $('stream-add-submit'),
    addError: $('stream-add-error'),
  };

  const admin = { streams: null, revealed: new Set(), embeds: new Map() };
  window.llcastStreamsAdmin = admin;

  const cards = new Map(); // name -> {li, key, uptime, polled}
  let pollTimer = 0;
  let leaving = false;
  let busy = 0; // actions in flight: a poll answered across one is stale
  let epoch = 0;

  // ---------- HTTP ----------

  async function api(method, path, body) {
    const opts = {
      method: method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' },
    };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(path, opts);
    if (res.status === 401 && !leaving) {
      leaving = true;
      window.location.assign(LOGIN_URL);
    }
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const msg = data && typeof data.error === 'string' && data.error ? data.error : '';
      const err = new Error(msg || 'The server answered ' + res.status + ' ' + res.statusText + '.');
      err.status = res.status;
      throw err;
    }
    return data;
  }

  function path(name, rest) {
    return '/api/studio/streams/' + encodeURIComponent(name) + (rest || '');
  }

  function showError(el, text) {
    el.textContent = text;
    el.hidden = !text;
  }

  function failure(e) {
    return e && typeof e.status === 'number' ? e.message : 'The llcast server cannot be reached.';
  }

  // ---------- polling ----------

  function schedule(ms) {
    clearTimeout(pollTimer);
    pollTimer = leaving ? 0 : setTimeout(poll, ms);
  }

  async function poll() {
    pollTimer = 0;
    const asked = epoch;
    try {
      const list = await api('GET', '/api/studio/streams');
      if (!busy && asked === epoch) {
        showError(els.error, '');
        render(Array.isArray(list) ? list : []);
      }
    } catch (e) {
      if (leaving) {
        return;
      }
      if (e.status === 404) {
        els.panel.hidden = true; // this server keeps no streams
        return;
      }
      if (typeof e.status === 'number') {
        showError(els.error, e.message); // unreachable: the connection banner says so
      }
    }
    schedule(POLL_MS);
  }

  // act runs an action, shows its error next to where it was asked for,
  // and polls at once so that the list shows its outcome.
  async function act(errorEl, f) {
    busy++;
    epoch++;
    let ok = true;
    try {
      await f();
      showError(errorEl, '');
    } catch (e) {
      ok = false;
      if (!leaving) {
        showError(errorEl, failure(e));
      }
    }
    busy--;
    epoch++;
    if (!leaving) {
      poll();
    }
    return ok;
  }

  // ---------- rendering ----------

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  function button(className, text, field) {
    const b = el('button', className, text);
    b.type = 'button';
    if (field) {
      b.dataset.field = field;
    }
    return b;
  }

  function kindText(s) {
    switch (s.source) {
      case 'local':
        return 'Camera / test source (the broadcast above)';
      case 'push':
        return 'Push: OBS, ffmpeg or llcast push';
      case 'file':
        return s.vod ? 'File on demand' : 'File, looped as live';
    }
    return s.source || '';
  }

  // What a card shows that only changes when the stream itself does.
  function cardKey(s) {
    return JSON.stringify([s.name, s.source, s.file, s.vod, s.key, s.rtmp, s.obs_server, s.obs_key, s.rtmps, s.srt,
      s.srt_passphrase, s.watch]);
  }

  // The publish URLs, secret ones (with the key) first masked.
  function publishRows(s) {
    const rows = [];
    if (s.rtmp) {
      rows.push(['RTMP', 'rtmp', s.rtmp, true]);
    }
    if (s.obs_server) {
      rows.push(['OBS Server', 'obs_server', s.obs_server, false]);
      rows.push(['OBS Stream Key', 'obs_key', s.obs_key, true]);
    }
    if (s.rtmps) {
      rows.push(['RTMPS', 'rtmps', s.rtmps, true]);
    }
    if (s.srt) {
      rows.push(['SRT', 'srt', s.srt + (s.srt_passphrase ? '&passphrase=…' : ''), true]);
    }
    return rows;
  }

  function masked(value, key) {
    return key ? value.split(key).join(MASK) : value;
  }

  function buildCard(s) {
    const li = el('li', 'stream-admin');
    li.dataset.stream = s.name;
    li.dataset.source = s.source;

    const head = el('div', 'stream-admin-head');
    head.appendChild(el('h3', 'stream-admin-name', s.name));
    head.appendChild(el('span', 'pill stream-admin-state'));
    head.appendChild(el('span', 'stream-admin-viewers tabular'));
    head.appendChild(el('span', 'spacer'));
    const watch = el('a', 'btn-ghost stream-watch', 'Watch');
    watch.href = s.watch;
    head.appendChild(watch);
    const remove = button('btn-danger stream-remove', 'Remove');
    remove.setAttribute('aria-label', 'Remove stream ' + s.name);
    head.appendChild(remove);
    li.appendChild(head);

    li.appendChild(el('p', 'stream-admin-title'));
    li.appendChild(el('p', 'stream-admin-kind', kindText(s)));
    if (s.source === 'file' && s.file) {
      const p = el('p', 'stream-admin-file');
      p.appendChild(document.createTextNode('File '));
      p.appendChild(el('code', '', s.file));
      li.appendChild(p);
    }
    li.appendChild(buildTitleForm(s));
    if (s.source === 'push') {
      li.appendChild(buildPublish(s));
      li.appendChild(buildPublisher());
    }
    li.appendChild(buildEmbed(s));
    const err = el('p', 'input-status stream-admin-error');
    err.dataset.state = 'lost';
    err.setAttribute('role', 'alert');
    err.hidden = true;
    li.appendChild(err);
    return li;
  }

  function buildTitleForm(s) {
    const form = el('form', 'stream-title-form');
    form.autocomplete = 'off';
    const id = 'stream-title-' + s.name;
    const label = el('label', '', 'Title');
    label.htmlFor = id;
    form.appendChild(label);
    const input = el('input', 'stream-title-input');
    input.id = id;
    input.type = 'text';
    input.maxLength = 100;
    input.placeholder = 'What viewers read above the player';
    input.value = typeof s.title === 'string' ? s.title : '';
    form.appendChild(input);
    const save = button('btn-ghost stream-title-save', 'Save');
    save.type = 'submit';
    form.appendChild(save);
    return form;
  }

  function buildEmbed(s) {
    const box = el('div', 'embed');
    box.appendChild(el('h4', 'embed-title', 'Embed on a website'));
    box.appendChild(el('p', 'hint', 'An <iframe> that plays this stream through a new stream link, valid 90 days ' +
      '(revoke it under Stream links). Other sites may show it only when embed.origins in the configuration lists them.'));
    box.appendChild(button('btn-ghost embed-make', 'Make embed code'));
    const code = el('div', 'embed-code');
    code.hidden = true;
    const area = el('textarea', 'embed-snippet');
    area.readOnly = true;
    area.rows = 3;
    area.spellcheck = false;
    area.setAttribute('aria-label', 'Embed code for ' + s.name);
    code.appendChild(area);
    code.appendChild(button('btn-ghost embed-copy', 'Copy'));
    code.appendChild(el('p', 'hint embed-expires'));
    box.appendChild(code);
    const known = admin.embeds.get(s.name);
    if (known) {
      showEmbed(box, known);
    }
    return box;
  }

  // embedCode is the snippet for a stream link as POST /api/links answers
  // it: the player page on the link's server, the token in the fragment,
  // which browsers never send to a server.
  function embedCode(name, reply) {
    const u = new URL(reply.url);
    const token = u.searchParams.get('token') || '';
    const src = u.origin + '/embed/' + encodeURIComponent(name) + '#token=' + encodeURIComponent(token);
    const esc = (v) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    return {
      code: '<iframe src="' + esc(src) + '" width="640" height="360" title="' + esc(name) + '" ' +
        'allow="autoplay; fullscreen; picture-in-picture" allowfullscreen style="border:0"></iframe>',
      expires: reply.expires || '',
    };
  }

  function showEmbed(box, embed) {
    box.querySelector('.embed-snippet').value = embed.code;
    const d = new Date(embed.expires);
    box.querySelector('.embed-expires').textContent = isNaN(d.getTime()) ? '' :
      'Its link expires ' + d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) + '.';
    box.querySelector('.embed-code').hidden = false;
    box.querySelector('.embed-make').textContent = 'Make a new embed code';
  }

  async function makeEmbed(entry, btn, errorEl) {
    const name = entry.stream.name;
    btn.disabled = true;
    try {
      const reply = await api('POST', '/api/links', { stream: name, ttl: EMBED_TTL, label: 'embed' });
      if (!reply || typeof reply.url !== 'string') {
        throw new Error('The server answered no link.');
      }
      const embed = embedCode(name, reply);
      admin.embeds.set(name, embed);
      showError(errorEl, '');
      const current = cards.get(name);
      if (current) {
        showEmbed(current.li.querySelector('.embed'), embed);
      }
    } catch (e) {
      if (!leaving) {
        showError(errorEl, e && e.status === 404 ? 'This server makes no stream links, which embedding needs.' : failure(e));
      }
    }
    btn.disabled = false;
  }

  function buildPublish(s) {
    const box = el('div', 'publish');
    const dl = el('dl', 'publish-urls');
    const shown = admin.revealed.has(s.name);
    publishRows(s).forEach(([label, field, value, secret]) => {
      const row = el('div', 'publish-row');
      row.dataset.field = field;
      row.appendChild(el('dt', '', label));
      const dd = el('dd');
      const code = el('code', 'publish-value', secret && !shown ? masked(value, s.key) : value);
      code.dataset.field = field;
      dd.appendChild(code);
      const copy = button('btn-ghost publish-copy', 'Copy', field);
      copy.setAttribute('aria-label', 'Copy ' + label);
      dd.appendChild(copy);
      row.appendChild(dd);
      dl.appendChild(row);
    });
    box.appendChild(dl);
    if (s.srt_passphrase) {
      box.appendChild(el('p', 'hint', 'SRT publishers also need the passphrase from the server configuration.'));
    }
    const actions = el('div', 'publish-actions');
    actions.appendChild(button('btn-ghost publish-reveal', shown ? 'Hide key' : 'Reveal key'));
    actions.appendChild(button('btn-danger publish-rotate', 'Rotate key'));
    box.appendChild(actions);

    const hint = el('p', 'obs-hint');
    hint.appendChild(el('strong', '', 'OBS: '));
    hint.appendChild(document.createTextNode('Settings → Stream: Service '));
    hint.appendChild(el('em', '', 'Custom'));
    hint.appendChild(document.createTextNode(', Server '));
    hint.appendChild(el('code', '', s.obs_server || 'rtmp://HOST:1935/live'));
    hint.appendChild(document.createTextNode(', Stream Key: the OBS Stream Key above. ' +
      'Settings → Output (Advanced): Keyframe Interval 1 s, encoder x264, rate control CBR; audio AAC 48 kHz.'));
    box.appendChild(hint);
    return box;
  }

  function buildPublisher() {
    const box = el('div', 'publisher');
    box.appendChild(el('h4', 'publisher-title', 'Publisher'));
    box.appendChild(el('p', 'publisher-none hint', 'No publisher connected.'));
    const dl = el('dl', 'stats publisher-stats');
    [['Address', 'remote'], ['Protocol', 'protocol'], ['Bitrate', 'bitrate'], ['FPS', 'fps'],
      ['Keyframes every', 'keyframe'], ['Uptime', 'uptime']].forEach(([label, field]) => {
      const d = el('div', 'stat');
      d.appendChild(el('dt', '', label));
      const dd = el('dd', 'tabular');
      dd.dataset.field = field;
      d.appendChild(dd);
      dl.appendChild(d);
    });
    box.appendChild(dl);
    const warn = el('p', 'keyframe-warning', '');
    warn.setAttribute('role', 'alert');
    warn.hidden = true;
    box.appendChild(warn);
    const stop = button('btn-stop publisher-stop', 'Stop');
    stop.title = 'Disconnect the publisher. It may come back with the same key: rotate the key to keep it out.';
    box.appendChild(stop);
    return box;
  }

  function formatUptime(total) {
    let s = Math.max(0, Math.floor(total));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    s %= 60;
    const pad = (v) => (v < 10 ? '0' : '') + v;
    return (h ? h + ':' + pad(m) : String(m)) + ':' + pad(s);
  }

  function setField(li, field, text) {
    const dd = li.querySelector('.publisher-stats dd[data-field="' + field + '"]');
    if (dd) {
      dd.textContent = text;
    }
  }

  function updateCard(entry, s) {
    const li = entry.li;
    const title = typeof s.title === 'string' ? s.title : '';
    const shown = li.querySelector('.stream-admin-title');
    shown.textContent = title;
    shown.hidden = !title;
    const input = li.querySelector('.stream-title-input');
    // Never under the admin's fingers: only when it is not being edited.
    if (document.activeElement !== input && !input.dataset.dirty && input.value !== title) {
      input.value = title;
    }
    const live = !!s.live;
    li.dataset.live = live ? 'true' : 'false';
    const state = li.querySelector('.stream-admin-state');
    state.dataset.state = live ? 'live' : 'offline';
    state.textContent = live ? (s.vod ? 'READY' : 'LIVE') : 'OFFLINE';
    const n = typeof s.viewers === 'number' ? s.viewers : 0;
    li.querySelector('.stream-admin-viewers').textContent = n + (n === 1 ? ' viewer' : ' viewers');
    if (s.source !== 'push') {
      return;
    }
    const p = s.publisher || {};
    const connected = !!p.connected;
    li.dataset.connected = connected ? 'true' : 'false';
    li.querySelector('.publisher-none').hidden = connected;
    li.querySelector('.publisher-stats').hidden = !connected;
    li.querySelector('.publisher-stop').hidden = !connected;
    const warn = li.querySelector('.keyframe-warning');
    entry.uptime = connected && typeof p.uptime_s === 'number' ? p.uptime_s : null;
    entry.polled = Date.now();
    if (!connected) {
      warn.hidden = true;
      return;
    }
    setField(li, 'remote', p.remote || '—');
    setField(li, 'protocol', (p.protocol || '—').toUpperCase());
    setField(li, 'bitrate', typeof p.bitrate === 'number' ? Math.round(p.bitrate / 1000) + ' kbit/s' : '—');
    setField(li, 'fps', typeof p.fps === 'number' ? String(p.fps) : '—');
    const kf = typeof p.keyframe_interval_ms === 'number' && p.keyframe_interval_ms > 0 ?
      (p.keyframe_interval_ms / 1000).toFixed(2) + ' s' : '—';
    setField(li, 'keyframe', kf);
    const kfCell = li.querySelector('.publisher-stats dd[data-field="keyframe"]');
    kfCell.dataset.warn = p.keyframe_warning ? 'true' : 'false';
    warn.hidden = !p.keyframe_warning;
    warn.textContent = p.keyframe_warning ?
      'Keyframes come every ' + kf + ': longer than a segment, which adds latency. Set the keyframe interval to 1 s.' : '';
    tickUptime();
  }

  function tickUptime() {
    const now = Date.now();
    cards.forEach((entry) => {
      if (entry.uptime !== null && entry.uptime !== undefined) {
        setField(entry.li, 'uptime', formatUptime(entry.uptime + (now - entry.polled) / 1000));
      }
    });
  }

  function render(list) {
    const streams = list.filter((s) => s && typeof s.name === 'string' && s.name && typeof s.watch === 'string' &&
      s.watch.indexOf('/watch/') === 0);
    admin.streams = streams;
    els.panel.hidden = false;
    const seen = new Set();
    streams.forEach((s, i) => {
      seen.add(s.name);
      const key = cardKey(s);
      let entry = cards.get(s.name);
      if (!entry || entry.key !== key) {
        const li = buildCard(s);
        if (entry) {
          els.cards.replaceChild(li, entry.li);
        }
        entry = { li: li, key: key, uptime: null, polled: 0, stream: s };
        cards.set(s.name, entry);
      }
      entry.stream = s;
      // Keep the server's order, moving a card only when it is out of
      // place: a moved node loses focus, and a click aimed at it.
      if (els.cards.children[i] !== entry.li) {
        els.cards.insertBefore(entry.li, els.cards.children[i] || null);
      }
      updateCard(entry, s);
    });
    cards.forEach((entry, name) => {
      if (!seen.has(name)) {
        entry.li.remove();
        cards.delete(name);
        admin.revealed.delete(name);
      }
    });
    els.none.hidden = streams.length > 0;
  }

  // ---------- actions ----------

  function cardOf(target) {
    const li = target.closest('.stream-admin');
    const entry = li && cards.get(li.dataset.stream);
    return entry && entry.li === li ? entry : null;
  }

  // confirmFirst arms btn on the first click; a second click within
  // CONFIRM_MS runs action.
  function confirmFirst(btn, question, action) {
    if (btn.dataset.armed) {
      clearTimeout(Number(btn.dataset.timer));
      delete btn.dataset.armed;
      action();
      return;
    }
    const label = btn.textContent;
    btn.dataset.armed = 'true';
    btn.textContent = question;
    btn.dataset.timer = String(setTimeout(() => {
      delete btn.dataset.armed;
      btn.textContent = label;
    }, CONFIRM_MS));
  }

  function reveal(entry) {
    const name = entry.stream.name;
    const shown = !admin.revealed.has(name);
    if (shown) {
      admin.revealed.add(name);
    } else {
      admin.revealed.delete(name);
    }
    const s = entry.stream;
    const values = {};
    publishRows(s).forEach(([, field, value, secret]) => {
      values[field] = secret && !shown ? masked(value, s.key) : value;
    });
    entry.li.querySelectorAll('.publish-value').forEach((code) => {
      code.textContent = values[code.dataset.field] || '';
    });
    entry.li.querySelector('.publish-reveal').textContent = shown ? 'Hide key' : 'Reveal key';
  }

  function copyText(text) {
    if (navigator.clipboard && typeof navigator.clipboard.writeText === 'function') {
      return navigator.clipboard.writeText(text).catch(() => copyBySelection(text));
    }
    return Promise.resolve(copyBySelection(text));
  }

  // On plain http in a LAN there is no clipboard API: copy through a
  // selection, which needs no permission.
  function copyBySelection(text) {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    area.remove();
    if (!ok) {
      throw new Error('copy refused');
    }
  }

  function copy(entry, btn) {
    const row = publishRows(entry.stream).find(([, field]) => field === btn.dataset.field);
    if (!row) {
      return;
    }
    copyText(row[2]).then(() => 'Copied', () => 'Select and copy').then((label) => {
      btn.textContent = label;
      setTimeout(() => {
        btn.textContent = 'Copy';
      }, COPIED_MS);
    });
  }

  els.cards.addEventListener('click', (e) => {
    const btn = e.target.closest('button');
    const entry = btn && cardOf(btn);
    if (!entry || btn.disabled) {
      return;
    }
    const name = entry.stream.name;
    const errorEl = entry.li.querySelector('.stream-admin-error');
    if (btn.classList.contains('publish-reveal')) {
      reveal(entry);
    } else if (btn.classList.contains('publish-copy')) {
      copy(entry, btn);
    } else if (btn.classList.contains('publish-rotate')) {
      confirmFirst(btn, 'Rotate? The old key stops working. Click again', () =>
        act(errorEl, () => api('POST', path(name, '/key'))));
    } else if (btn.classList.contains('stream-remove')) {
      confirmFirst(btn, 'Remove ' + name + '? Click again', () =>
        act(errorEl, () => api('DELETE', path(name))));
    } else if (btn.classList.contains('embed-make')) {
      makeEmbed(entry, btn, errorEl);
    } else if (btn.classList.contains('embed-copy')) {
      const code = entry.li.querySelector('.embed-snippet').value;
      copyText(code).then(() => 'Copied', () => 'Select and copy').then((label) => {
        btn.textContent = label;
        setTimeout(() => {
          btn.textContent = 'Copy';
        }, COPIED_MS);
      });
    } else if (btn.classList.contains('publisher-stop')) {
      btn.disabled = true;
      act(errorEl, () => api('POST', path(name, '/kick'))).then(() => {
        btn.disabled = false;
      });
    }
  });

  els.cards.addEventListener('input', (e) => {
    if (e.target.classList.contains('stream-title-input')) {
      e.target.dataset.dirty = 'true';
    }
  });

  els.cards.addEventListener('submit', async (e) => {
    const form = e.target.closest('.stream-title-form');
    const entry = form && cardOf(form);
    if (!entry) {
      return;
    }
    e.preventDefault();
    const input = form.querySelector('.stream-title-input');
    const save = form.querySelector('.stream-title-save');
    save.disabled = true;
    const ok = await act(entry.li.querySelector('.stream-admin-error'), () =>
      api('PUT', path(entry.stream.name, '/title'), { title: input.value }));
    save.disabled = false;
    if (ok) {
      delete input.dataset.dirty;
      input.blur();
    }
  });

  els.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { name: els.name.value.trim() };
    const file = els.file.value.trim();
    if (file) {
      body.file = file;
    }
    if (els.vod.checked) {
      body.vod = true;
    }
    const title = els.title.value.trim();
    if (title) {
      body.title = title;
    }
    els.submit.disabled = true;
    const ok = await act(els.addError, () => api('POST', '/api/studio/streams', body));
    els.submit.disabled = false;
    if (ok) {
      els.form.reset();
    }
  });

  document.querySelectorAll('.logout-form').forEach((f) => f.addEventListener('submit', () => {
    leaving = true;
  }));
  setInterval(tickUptime, 1000);
  poll();
})();
