// llcast watch page: plays the stream's LL-HLS playlist (body[data-src]) with
// hls.js over MediaSource, or natively where only that works (Safari on iOS
// without ManagedMediaSource). Plain ES2017, no build step; hls.js is loaded
// before this file (both deferred) from /assets/vendor/hls.min.js.
//
// A file served on demand (body[data-vod="true"], or a playlist of
// EXT-X-PLAYLIST-TYPE:VOD) plays like a video: the user seeks, and the
// live-edge steering (keepUp) and the latency display stay off.
//
// For browser tests, window.llcast exposes:
//   hls     the current Hls instance (null in native mode and while waiting to retry)
//   video   the <video id="video"> element
//   state   'loading' | 'live' | 'offline'
//   mode    'hls' | 'native' | 'unsupported'
//   url     the playlist URL
//   stream  the stream's name (body[data-stream])
//   vod     true for a stream served on demand
//   latency last measured glass-to-glass latency in ms, or null
//   link    the last stream link made with #link-open, as POST /api/links
//           answered it ({id, stream, subject, created, expires, url, qr}), or null
(() => {
  'use strict';

  const RETRY_MS = 2000; // offline retry interval
  const TICK_MS = 250; // latency refresh and keep-up interval
  const STALL_MS = 15000; // no progress while playing for this long -> restart
  const MEDIA_RECOVERY_MS = 5000; // at most one recoverMediaError per this period
  const JUMP_S = 1.0; // jump forward when this far behind hls.js's target latency
  const RATE_S = 0.05; // play faster when this far behind it
  const CATCH_UP_RATE = 1.1; // how much faster: 10 % is not heard
  const MIN_BUFFER_S = 0.15; // play faster only with this much buffered ahead
  const JUMP_MS = 5000; // at most one jump per this period
  const LINK_TIMEOUT_MS = 15000; // give up on POST /api/links after this long

  const video = document.getElementById('video');
  const statusEl = document.getElementById('status');
  const latencyEl = document.getElementById('latency');
  const unmuteBtn = document.getElementById('unmute');
  const messageEl = document.getElementById('message');
  const url = document.body.dataset.src;
  const stream = document.body.dataset.stream;

  const llcast = {
    hls: null,
    video: video,
    state: 'loading',
    mode: '',
    url: url,
    stream: stream,
    vod: document.body.dataset.vod === 'true',
    latency: null,
    link: null,
  };
  window.llcast = llcast;

  let retryTimer = 0;
  let lastMediaRecovery = 0;
  let lastTime = -1;
  let lastProgressAt = Date.now();
  let lastJump = 0;

  // ---------- status ----------

  function setState(state, text) {
    llcast.state = state;
    statusEl.dataset.state = state;
    statusEl.textContent = text;
    document.body.dataset.state = state;
  }

  function showMessage(text) {
    messageEl.textContent = text;
    messageEl.hidden = !text;
  }

  // leaving is set once the page is on its way out (logging out): the
  // player's 401s that follow must not start a second navigation.
  let leaving = false;

  function goLogin() {
    clearTimeout(retryTimer);
    retryTimer = 0;
    destroyHls();
    if (!leaving) {
      leaving = true;
      window.location.assign('/login');
    }
  }

  // Called once a playlist is available.
  function play() {
    video.controls = true;
    const p = video.play();
    if (p && typeof p.catch === 'function') {
      // Autoplay may still be refused; the native controls let the user start it.
      p.catch(() => {});
    }
  }

  // Marks the stream offline, tears the player down and schedules a retry.
  function offline() {
    if (retryTimer) {
      return; // a retry is already scheduled
    }
    setState('offline', 'Stream offline — retrying…');
    showMessage('The stream is offline. Waiting for it to start…');
    latencyEl.hidden = true;
    llcast.latency = null;
    video.controls = false; // no spinner/empty timeline over the offline message
    if (llcast.mode === 'hls') {
      destroyHls();
    } else if (llcast.mode === 'native') {
      video.removeAttribute('src');
      video.load();
    }
    retryTimer = setTimeout(() => {
      retryTimer = 0;
      start();
    }, RETRY_MS);
  }

  function onLive() {
    if (retryTimer) {
      return;
    }
    lastProgressAt = Date.now();
    video.controls = true;
    setState('live', llcast.vod ? 'On demand' : 'Live');
    showMessage('');
  }

  // Once the playlist says it is on demand, the page stops steering.
  function markVOD() {
    if (llcast.vod) {
      return;
    }
    llcast.vod = true;
    video.playbackRate = 1;
    if (llcast.state === 'live') {
      setState('live', 'On demand');
    }
  }

  // The end of a video on demand is not the end of a broadcast: the user
  // may seek back, so nothing restarts.
  function onEnded() {
    if (llcast.vod) {
      statusEl.textContent = 'Ended';
      return;
    }
    offline(); // EXT-X-ENDLIST: the broadcast stopped
  }

  // ---------- hls.js (MediaSource) ----------

  function destroyHls() {
    if (llcast.hls) {
      llcast.hls.destroy();
      llcast.hls = null;
    }
  }

  function startHls() {
    destroyHls();
    // The target latency is the server's PART-HOLD-BACK: no liveSync*
    // overrides. Each stall adds liveSyncOnStallIncrease to it (up to a
    // target duration); hls.js's 1 s would double the latency for one
    // stall, a part's worth is what a stall says was missing. Its own
    // playback-rate catch-up needs a second of buffer, which a
    // low-latency stream never has: keepUp steers instead.
    const hls = new Hls({
      lowLatencyMode: true,
      backBufferLength: 30, // bounded memory on long sessions
      liveSyncOnStallIncrease: 0.1,
      maxLiveSyncPlaybackRate: 1,
    });
    llcast.hls = hls;
    hls.on(Hls.Events.ERROR, (event, data) => onHlsError(hls, data));
    hls.on(Hls.Events.MANIFEST_PARSED, () => play());
    // A live playlist that ended says live === false too; only the type
    // tells a file on demand.
    hls.on(Hls.Events.LEVEL_LOADED, (event, data) => {
      const d = data && data.details;
      if (hls === llcast.hls && d && d.live === false && d.type === 'VOD') {
        markVOD();
      }
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  }

  function onHlsError(hls, data) {
    if (hls !== llcast.hls) {
      return; // stale instance
    }
    const code = data.response && data.response.code;
    if (code === 401) {
      goLogin();
      return;
    }
    if (!data.fatal) {
      return; // hls.js retries/recovers non-fatal errors (stalls, part misses) itself
    }
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
      const now = Date.now();
      if (now - lastMediaRecovery > MEDIA_RECOVERY_MS) {
        lastMediaRecovery = now;
        hls.recoverMediaError();
        return;
      }
    }
    // Playlist 404 (offline/unknown stream), network failure, repeated media
    // errors or anything else fatal: start over in RETRY_MS.
    offline();
  }

  // ---------- native HLS (Safari) ----------

  async function startNative() {
    // The media element gives no HTTP status, so probe the playlist first.
    let res;
    try {
      res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      offline();
      return;
    }
    if (res.status === 401) {
      goLogin();
      return;
    }
    if (!res.ok) {
      offline();
      return;
    }
    video.src = url;
    play();
  }

  // ---------- latency + watchdog ----------

  function measureLatency() {
    if (llcast.state !== 'live' || llcast.vod) {
      return null;
    }
    if (llcast.mode === 'hls' && llcast.hls) {
      const d = llcast.hls.playingDate;
      return d ? Date.now() - d.getTime() : null;
    }
    if (llcast.mode === 'native' && typeof video.getStartDate === 'function') {
      const start = video.getStartDate();
      const t = start ? start.getTime() : NaN;
      if (!isNaN(t) && t > 0) {
        return Date.now() - (t + video.currentTime * 1000);
      }
    }
    return null;
  }

  // Keeping up with the live edge. hls.js starts at a keyframe, which with
  // 1 s GOPs can be most of a second behind its target latency, and after
  // a stall it stays behind. So the page steers: more than JUMP_S behind,
  // with the target position buffered, it jumps there; more than RATE_S
  // behind, with at least MIN_BUFFER_S buffered ahead, it plays
  // CATCH_UP_RATE× fast; otherwise at normal speed.
  function keepUp(now) {
    const hls = llcast.hls;
    if (llcast.mode !== 'hls' || !hls || llcast.vod || video.paused || llcast.state !== 'live' ||
        video.buffered.length === 0) {
      return;
    }
    const target = hls.targetLatency;
    if (target === null || !isFinite(target)) {
      return;
    }
    const behind = hls.latency - target;
    const end = video.buffered.end(video.buffered.length - 1);
    const sync = hls.liveSyncPosition;
    if (behind > JUMP_S && now - lastJump > JUMP_MS && sync !== null && isFinite(sync) &&
        sync > video.currentTime && sync < end - MIN_BUFFER_S &&
        sync >= video.buffered.start(video.buffered.length - 1)) {
      lastJump = now;
      video.currentTime = sync;
      return;
    }
    const rate = behind > RATE_S && end - video.currentTime > MIN_BUFFER_S ? CATCH_UP_RATE : 1;
    if (video.playbackRate !== rate) {
      video.playbackRate = rate;
    }
  }

  function tick() {
    keepUp(Date.now());
    const ms = measureLatency();
    if (ms === null || !isFinite(ms)) {
      llcast.latency = null;
      latencyEl.hidden = true;
    } else {
      llcast.latency = ms;
      // Negative values only mean the viewer's clock is behind the server's.
      latencyEl.textContent = 'Latency ' + (Math.max(0, ms) / 1000).toFixed(2) + ' s';
      latencyEl.hidden = false;
    }

    // Stall watchdog: playing (not paused by the user) but no progress.
    const now = Date.now();
    if (video.currentTime !== lastTime || video.paused || llcast.state !== 'live') {
      lastTime = video.currentTime;
      lastProgressAt = now;
    } else if (now - lastProgressAt > STALL_MS) {
      lastProgressAt = now;
      offline();
    }
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

  function syncUnmute() {
    unmuteBtn.hidden = !video.muted || llcast.mode === 'unsupported';
  }

  function start() {
    if (llcast.mode === 'hls') {
      startHls();
    } else if (llcast.mode === 'native') {
      startNative();
    }
  }

  unmuteBtn.addEventListener('click', () => {
    video.muted = false;
    if (video.volume === 0) {
      video.volume = 1;
    }
    if (llcast.state !== 'offline') {
      play(); // the click is a user gesture: starts playback if autoplay was refused
    }
  });
  video.addEventListener('volumechange', syncUnmute);
  video.addEventListener('playing', onLive);
  video.addEventListener('ended', onEnded);
  video.addEventListener('loadedmetadata', () => {
    // Safari gives a live stream an infinite duration.
    if (llcast.mode === 'native' && isFinite(video.duration) && video.duration > 0) {
      markVOD();
    }
  });
  video.addEventListener('error', () => {
    // hls.js reports media problems through its own ERROR event.
    if (llcast.mode === 'native' && video.getAttribute('src')) {
      offline();
    }
  });

  if (typeof window.Hls !== 'undefined' && Hls.isSupported()) {
    llcast.mode = 'hls';
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    llcast.mode = 'native';
  } else {
    llcast.mode = 'unsupported';
  }
  syncUnmute();

  if (llcast.mode === 'unsupported') {
    video.controls = false;
    setState('offline', 'Unsupported browser');
    showMessage('This browser cannot play HLS streams. Please use a current version of Chrome, Edge, Firefox or Safari.');
    return;
  }

  setState('loading', 'Connecting…');
  setInterval(tick, TICK_MS);
  start();
  // Logging out ends the session for the player too: stop it first, so
  // that its requests answered 401 meanwhile do not navigate elsewhere.
  const logoutForm = document.querySelector('.logout-form');
  if (logoutForm) {
    logoutForm.addEventListener('submit', () => {
      leaving = true;
      clearTimeout(retryTimer);
      retryTimer = 0;
      destroyHls();
    });
  }
})();
