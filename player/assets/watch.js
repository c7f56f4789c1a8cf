// llcast watch page: the player (player.js, which plays body[data-src]) with
// the stream's title and viewer count above it, and "Open in VLC / on TV",
// which makes a stream link. Plain ES2017, no build step; hls.js and
// player.js are loaded before this file (all deferred).
//
// The title and the viewer count come from GET /api/streams (what the
// stream list at / polls too) every VIEWERS_MS; titles only ever go into
// textContent.
//
// For browser tests, window.llcast (see player.js) also has:
//   link    the last stream link made with #link-open, as POST /api/links
//           answered it ({id, stream, subject, created, expires, url, qr}), or null
//   viewers the viewer count last shown, or null
(() => {
  'use strict';

  const LINK_TIMEOUT_MS = 15000; // give up on POST /api/links after this long
  const VIEWERS_MS = 5000; // how often the title and viewer count are asked for

  const stream = document.body.dataset.stream;
  const titleEl = document.getElementById('title');
  const posterTitleEl = document.getElementById('poster-title');
  const viewersEl = document.getElementById('viewers');

  // leaving is set once the page is on its way out (logging out): the
  // player's 401s that follow must not start a second navigation.
  let leaving = false;

  function goLogin() {
    window.llcastPlayer.stop();
    if (!leaving) {
      leaving = true;
      window.location.assign('/login');
    }
  }

  // 401: the session ended; 403: the grant was taken away meanwhile.
  function refused(status) {
    if (status === 403) {
      window.llcastPlayer.message('You may not watch this stream any more. Ask an admin for access.');
      return;
    }
    goLogin();
  }

  const llcast = window.llcastPlayer.start({
    url: document.body.dataset.src,
    vod: document.body.dataset.vod === 'true',
    onUnauthorized: refused,
  });
  llcast.link = null;
  llcast.viewers = null;

  // ---------- title and viewers ----------

  function showTitle(title) {
    const t = typeof title === 'string' ? title : '';
    if (titleEl.textContent !== t) {
      titleEl.textContent = t;
      titleEl.hidden = !t;
      posterTitleEl.textContent = t || stream;
      document.title = (t ? t + ' · ' : '') + stream + ' · llcast';
    }
  }

  function showViewers(n) {
    llcast.viewers = n;
    viewersEl.dataset.count = String(n);
    viewersEl.textContent = n + (n === 1 ? ' viewer' : ' viewers');
    viewersEl.hidden = false;
  }

  async function pollStreams() {
    if (leaving) {
      return;
    }
    try {
      const res = await fetch('/api/streams', {
        credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' },
      });
      if (res.status === 401) {
        goLogin();
        return;
      }
      const list = res.ok ? await res.json() : null;
      const s = Array.isArray(list) ? list.find((x) => x && x.name === stream) : null;
      if (s) {
        showTitle(s.title);
        if (typeof s.viewers === 'number' && isFinite(s.viewers) && s.viewers >= 0) {
          showViewers(s.viewers);
        }
      }
    } catch (e) {
      // The player says when the server is gone; the count waits.
    }
    setTimeout(pollStreams, VIEWERS_MS);
  }

  // ---------- stream link (VLC, TVs, ffmpeg) ----------

  // The panel shows one link at a time. Its token appears only in the URL
  // field and in the QR code, which the server sends as a data: URL: the
  // page never puts the token into another request.
  const link = {
    open: document.getElementById('link-open'),
    panel: document.getElementById('link-panel'),
    close: document.getElementById('link-close'),
    busy: document.getElementById('link-busy'),
    error: document.getElementById('link-error'),
    body: document.getElementById('link-body'),
    qr: document.getElementById('link-qr'),
    url: document.getElementById('link-url'),
    copy: document.getElementById('link-copy'),
    hint: document.getElementById('link-copy-hint'),
    expires: document.getElementById('link-expires'),
  };
  let linkAsk = 0; // counts requests, so that only the last one's answer shows
  let copyTimer = 0;

  function showPanel() {
    if (link.panel.open) {
      return;
    }
    if (typeof link.panel.showModal === 'function') {
      link.panel.showModal();
    } else {
      link.panel.setAttribute('open', ''); // browsers without <dialog>
    }
  }

  function closePanel() {
    if (typeof link.panel.close === 'function') {
      link.panel.close();
    } else {
      link.panel.removeAttribute('open');
    }
  }

  function linkError(text) {
    link.busy.hidden = true;
    link.body.hidden = true;
    link.error.textContent = text;
    link.error.hidden = false;
  }

  function formatExpiry(iso) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) {
      return String(iso || '');
    }
    const hours = Math.round((d.getTime() - Date.now()) / 3600000);
    const when = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    if (hours >= 48) {
      return when + ' (in ' + Math.round(hours / 24) + ' days)';
    }
    return hours >= 1 ? when + ' (in ' + hours + (hours === 1 ? ' hour)' : ' hours)') : when;
  }

  function showLink(reply) {
    llcast.link = reply;
    link.busy.hidden = true;
    link.error.hidden = true;
    link.url.value = reply.url;
    link.expires.dateTime = reply.expires || '';
    link.expires.textContent = formatExpiry(reply.expires);
    link.hint.textContent = '';
    // Only ever an inline image: never a URL that would carry the token.
    const qr = typeof reply.qr === 'string' && reply.qr.indexOf('data:image/png;base64,') === 0 ? reply.qr : '';
    if (qr) {
      link.qr.src = qr;
    } else {
      link.qr.removeAttribute('src');
    }
    link.qr.hidden = !qr;
    link.body.hidden = false;
  }

  async function makeLink() {
    const ask = ++linkAsk;
    link.open.disabled = true;
    link.busy.hidden = false;
    link.error.hidden = true;
    link.body.hidden = true;
    showPanel();
    let res;
    let data = null;
    const abort = typeof AbortController === 'function' ? new AbortController() : null;
    const abortTimer = abort ? setTimeout(() => abort.abort(), LINK_TIMEOUT_MS) : 0;
    try {
      res = await fetch('/api/links', {
        method: 'POST',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ stream: stream }), // the server's default lifetime (24 h)
        signal: abort ? abort.signal : undefined,
      });
      data = await res.json().catch(() => null);
    } catch (e) {
      res = null;
    }
    clearTimeout(abortTimer);
    if (ask !== linkAsk) {
      return;
    }
    link.open.disabled = false;
    if (!res) {
      linkError('The llcast server cannot be reached. Try again in a moment.');
    } else if (res.status === 401) {
      goLogin();
    } else if (res.status === 404) {
      linkError('This server does not make stream links.');
    } else if (!res.ok || !data || typeof data.url !== 'string') {
      const msg = data && typeof data.error === 'string' && data.error ? data.error : '';
      linkError('No link: ' + (msg || 'the server answered ' + res.status + ' ' + res.statusText) + '.');
    } else {
      showLink(data);
      link.url.focus();
      link.url.select();
    }
  }

  function copyHint(text) {
    clearTimeout(copyTimer);
    link.hint.textContent = text;
    copyTimer = setTimeout(() => {
      link.hint.textContent = '';
    }, 4000);
  }

  // The clipboard API needs a secure context (https or localhost); on plain
  // http in a LAN the field is selected for the user to copy.
  function selectURL() {
    link.url.focus();
    link.url.select();
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch (e) {
      copied = false;
    }
    const mac = /Mac|iPhone|iPad/.test(navigator.platform || '');
    copyHint(copied ? 'Copied.' : 'Selected: press ' + (mac ? '⌘C' : 'Ctrl+C') + ' to copy.');
  }

  function copyLink() {
    if (!link.url.value) {
      return;
    }
    if (navigator.clipboard && typeof navigator.clipboard.writeText === 'function') {
      navigator.clipboard.writeText(link.url.value).then(() => copyHint('Copied.'), selectURL);
    } else {
      selectURL();
    }
  }

  link.open.addEventListener('click', makeLink);
  link.close.addEventListener('click', closePanel);
  link.copy.addEventListener('click', copyLink);
  link.url.addEventListener('focus', () => link.url.select());
  link.panel.addEventListener('click', (e) => {
    const r = link.panel.getBoundingClientRect();
    if (e.target === link.panel && e.clientX !== 0 && (e.clientX < r.left || e.clientX > r.right ||
        e.clientY < r.top || e.clientY > r.bottom)) {
      closePanel(); // a click on the backdrop
    }
  });

  // ---------- wiring ----------

  pollStreams();
  // Logging out ends the session for the player too: stop it first, so
  // that its requests answered 401 meanwhile do not navigate elsewhere.
  const logoutForm = document.querySelector('.logout-form');
  if (logoutForm) {
    logoutForm.addEventListener('submit', () => {
      leaving = true;
      window.llcastPlayer.stop();
    });
  }
})();
