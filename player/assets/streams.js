// llcast stream list (/): the server renders the streams the user may
// watch; this keeps their state (live or offline), titles and viewer counts fresh
// by polling GET /api/streams, and rebuilds the list when streams come or
// go. Plain ES2017, no build step. Text from the server only ever goes
// into textContent and attributes.
//
// For browser tests, window.llcastStreams exposes:
//   streams    the last answer of /api/streams (null before the first)
//   connected  false while the server is unreachable
(() => {
  'use strict';

  const POLL_MS = 3000;

  const list = document.getElementById('streams');
  const empty = document.getElementById('streams-empty');
  const lost = document.getElementById('streams-error');
  const page = { streams: null, connected: true };
  window.llcastStreams = page;
  let shape = null; // what the cards show that never changes in place

  function stateText(s) {
    if (!s.live) {
      return 'Offline';
    }
    return s.vod ? 'Ready' : 'Live';
  }

  function viewersText(n) {
    return n + (n === 1 ? ' viewer' : ' viewers');
  }

  function span(className, text) {
    const el = document.createElement('span');
    el.className = className;
    if (text !== undefined) {
      el.textContent = text;
    }
    return el;
  }

  function card(s) {
    const li = document.createElement('li');
    li.className = 'stream-card';
    li.dataset.stream = s.name;
    const a = document.createElement('a');
    a.className = 'stream-card-link';
    a.href = s.watch;
    const head = span('stream-card-head');
    head.appendChild(span('stream-title', s.name));
    head.appendChild(span('pill stream-state'));
    const subtitle = span('stream-subtitle');
    subtitle.hidden = true;
    const meta = span('stream-meta');
    meta.appendChild(span('stream-kind', s.kind));
    meta.appendChild(span('stream-viewers tabular'));
    a.appendChild(head);
    a.appendChild(subtitle);
    a.appendChild(meta);
    li.appendChild(a);
    return li;
  }

  function update(li, s) {
    li.dataset.live = s.live ? 'true' : 'false';
    li.dataset.vod = s.vod ? 'true' : 'false';
    const pill = li.querySelector('.stream-state');
    pill.dataset.state = s.live ? 'live' : 'offline';
    pill.textContent = stateText(s);
    li.querySelector('.stream-viewers').textContent = viewersText(s.viewers);
    const subtitle = li.querySelector('.stream-subtitle');
    const title = typeof s.title === 'string' ? s.title : '';
    if (subtitle && subtitle.textContent !== title) {
      subtitle.textContent = title;
      subtitle.hidden = !title;
    }
  }

  function render(streams) {
    const valid = streams.filter((s) => s && typeof s.name === 'string' && typeof s.watch === 'string' &&
      s.watch.indexOf('/watch/') === 0);
    page.streams = valid;
    const key = JSON.stringify(valid.map((s) => [s.name, s.kind, s.watch]));
    if (shape === null) {
      // The first answer: keep the server's cards when they match.
      shape = JSON.stringify([...list.querySelectorAll('.stream-card')].map((li) =>
        [li.dataset.stream, li.querySelector('.stream-kind').textContent, li.querySelector('a').getAttribute('href')]));
    }
    if (key !== shape) {
      shape = key;
      list.textContent = '';
      valid.forEach((s) => list.appendChild(card(s)));
    }
    const cards = list.querySelectorAll('.stream-card');
    valid.forEach((s, i) => update(cards[i], s));
    empty.hidden = valid.length > 0;
  }

  async function poll() {
    try {
      const res = await fetch('/api/streams', {
        credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' },
      });
      if (res.status === 401) {
        window.location.assign('/login');
        return;
      }
      const data = res.ok ? await res.json() : null;
      page.connected = true;
      lost.hidden = true;
      if (Array.isArray(data)) {
        render(data);
      }
    } catch (e) {
      page.connected = false;
      lost.hidden = false;
    }
    setTimeout(poll, POLL_MS);
  }

  poll();
})();
