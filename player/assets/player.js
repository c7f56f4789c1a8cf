// llcast player core, shared by the watch page (watch.js) and the embed page
// (embed.js): plays an LL-HLS playlist with hls.js over MediaSource, or
// natively where only that works (Safari on iOS without ManagedMediaSource),
// retries while the stream is offline (showing a poster), keeps up with the
// live edge and measures the latency. Plain ES2017, no build step; hls.js is
// loaded before this file (both deferred) from /assets/vendor/hls.min.js.
//
// Live streams get llcast's own controls (the "player" partial in
// partials.html): play/pause, mute and volume, full screen and a LIVE badge
// that turns into a "Go live" button when the viewer is behind the live
// edge or paused. The browser's controls would show a live stream as a
// clip of a few seconds ("0:09 / 0:10", a seek bar), so they appear only
// for a file on demand (body[data-vod="true"], or a playlist of
// EXT-X-PLAYLIST-TYPE:VOD), which plays like a video: the user seeks, and
// the live-edge steering (keepUp), the latency display and the live
// controls stay off.
//
// The page calls window.llcastPlayer.start(options) once:
//   url             the playlist URL (a stream link's ?token= included)
//   vod             true when the page knows the stream is on demand
//   onUnauthorized  called with the status (401 or 403) when the server
//                   refuses the playlist; the player then stops retrying
//
// State is on the DOM for tests and styles: #player[data-state] ('loading',
// 'live', 'offline'), #player[data-live] ("true" for a live stream that
// plays), #player[data-behind] ("true" while "Go live" is offered) and the
// text of #live. window.llcast exposes:
//   hls     the current Hls instance (null in native mode and while waiting to retry)
//   video   the <video id="video"> element
//   state   'loading' | 'live' | 'offline'
//   mode    'hls' | 'native' | 'unsupported'
//   url     the playlist URL
//   stream  the stream's name (body[data-stream])
//   vod     true for a stream served on demand
//   latency last measured glass-to-glass latency in ms, or null
//   behind  true while the viewer is behind the live edge (or paused)
(() => {
  'use strict';

  const RETRY_MS = 2000; // offline retry interval
  const TICK_MS = 250; // latency refresh, keep-up and live-badge interval
  const STALL_MS = 15000; // no progress while playing for this long -> restart
  const MEDIA_RECOVERY_MS = 5000; // at most one recoverMediaError per this period
  const JUMP_S = 1.0; // jump forward when this far behind hls.js's target latency
  const RATE_S = 0.05; // play faster when this far behind it
  const CATCH_UP_RATE = 1.1; // how much faster: 10 % is not heard
  const MIN_BUFFER_S = 0.15; // play faster only with this much buffered ahead
  const JUMP_MS = 5000; // at most one jump per this period
  const BEHIND_S = 1.5; // offer "Go live" this far behind the live sync position...
  const BEHIND_PARTS = 3; // ...or this many part targets, whichever is more
  // Safari plays natively and tells no target latency: "Go live" goes to
  // the end of the seekable range less about a PART-HOLD-BACK of llcast's
  // defaults (3 parts of 100 ms) with room for its buffering.
  const NATIVE_HOLD_BACK_S = 1.0;

  const $ = (id) => document.getElementById(id);
  const video = $('video');
  const playerEl = $('player');
  const statusEl = $('status'); // optional: the watch page's header
  const latencyEl = $('latency'); // optional too
  const unmuteBtn = $('unmute');
  const messageEl = $('message');
  const posterEl = $('poster');
  const ctl = {
    bar: $('controls'),
    play: $('play-pause'),
    mute: $('mute'),
    volume: $('volume'),
    live: $('live'),
    fullscreen: $('fullscreen'),
  };

  const llcast = {
    hls: null,
    video: video,
    state: 'loading',
    mode: '',
    url: '',
    stream: document.body.dataset.stream,
    vod: false,
    latency: null,
    behind: false,
  };
  window.llcast = llcast;

  let onUnauthorized = () => {};
  let stopped = false; // refused for good, or the page is leaving
  let ready = false; // a playlist was loaded since the last start
  let retryTimer = 0;
  let lastMediaRecovery = 0;
  let lastTime = -1;
  let lastProgressAt = Date.now();
  let lastJump = 0;

  // ---------- status ----------

  function setState(state, text) {
    llcast.state = state;
    playerEl.dataset.state = state;
    document.body.dataset.state = state;
    if (statusEl) {
      statusEl.dataset.state = state;
      statusEl.textContent = text;
    }
    posterEl.hidden = state !== 'offline';
    syncControls();
  }

  function showMessage(text) {
    messageEl.textContent = text;
    messageEl.hidden = !text;
  }

  // A live stream never shows the browser's controls: only a file on
  // demand does, and it has no live controls.
  // The controls show once a playlist is there (ready), even when autoplay
  // was refused: they are how the viewer starts it then.
  function syncControls() {
    const live = !llcast.vod && llcast.mode !== 'unsupported';
    const shown = ready && llcast.state !== 'offline';
    video.controls = llcast.vod && shown;
    ctl.bar.hidden = !live || !shown;
    playerEl.dataset.live = live && llcast.state === 'live' ? 'true' : 'false';
    syncBehind();
    syncPlay();
    syncVolume();
  }

  // Called once a playlist is available.
  function play() {
    ready = true;
    syncControls();
    const p = video.play();
    if (p && typeof p.catch === 'function') {
      // Autoplay may still be refused; the play button (or, on demand, the
      // browser's controls) lets the user start it.
      p.catch(() => {});
    }
  }

  // refused stops the player for good: the server said no (a bad link, no
  // grant, a session that ended). The page says why.
  function refused(status) {
    stopped = true;
    ready = false;
    clearTimeout(retryTimer);
    retryTimer = 0;
    destroyHls();
    syncControls();
    onUnauthorized(status);
  }

  // Marks the stream offline, tears the player down and schedules a retry.
  function offline() {
    if (retryTimer || stopped) {
      return; // a retry is already scheduled, or there is none to come
    }
    ready = false;
    setState('offline', 'Stream offline — retrying…');
    showMessage('');
    if (latencyEl) {
      latencyEl.hidden = true;
    }
    llcast.latency = null;
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
    if (retryTimer || stopped) {
      return;
    }
    lastProgressAt = Date.now();
    setState('live', llcast.vod ? 'On demand' : 'Live');
    showMessage('');
  }

  // Once the playlist says it is on demand, the page stops steering and
  // hands the user the browser's controls, to seek.
  function markVOD() {
    if (llcast.vod) {
      return;
    }
    llcast.vod = true;
    document.body.dataset.vod = 'true';
    video.playbackRate = 1;
    if (llcast.state === 'live') {
      setState('live', 'On demand');
    } else {
      syncControls();
    }
  }

  // The end of a video on demand is not the end of a broadcast: the user
  // may seek back, so nothing restarts.
  function onEnded() {
    if (llcast.vod) {
      if (statusEl) {
        statusEl.textContent = 'Ended';
      }
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
    hls.loadSource(llcast.url);
    hls.attachMedia(video);
  }

  function onHlsError(hls, data) {
    if (hls !== llcast.hls) {
      return; // stale instance
    }
    const code = data.response && data.response.code;
    if (code === 401 || code === 403) {
      refused(code);
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
      res = await fetch(llcast.url, { credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      offline();
      return;
    }
    if (res.status === 401 || res.status === 403) {
      refused(res.status);
      return;
    }
    if (!res.ok) {
      offline();
      return;
    }
    video.src = llcast.url;
    play();
  }

  // ---------- latency, keeping up, the live edge ----------

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

  // liveTarget is where "Go live" goes: hls.js's live sync position (the
  // live edge less its target latency), or in Safari the end of what can
  // be seeked to less a hold back. null while unknown.
  function liveTarget() {
    if (llcast.mode === 'hls' && llcast.hls) {
      const sync = llcast.hls.liveSyncPosition;
      return sync !== null && isFinite(sync) ? sync : null;
    }
    if (llcast.mode === 'native' && video.seekable.length > 0) {
      const end = video.seekable.end(video.seekable.length - 1);
      return isFinite(end) ? Math.max(video.seekable.start(0), end - NATIVE_HOLD_BACK_S) : null;
    }
    return null;
  }

  // behindBy is how far behind the live target "Go live" is offered.
  function behindBy() {
    const d = llcast.hls && llcast.hls.latestLevelDetails;
    const part = d && d.partTarget > 0 ? d.partTarget : 0;
    return Math.max(BEHIND_S, BEHIND_PARTS * part);
  }

  function isBehind() {
    if (llcast.vod || llcast.state !== 'live' || llcast.mode === 'unsupported') {
      return false;
    }
    if (video.paused) {
      return true;
    }
    const target = liveTarget();
    return target !== null && target - video.currentTime > behindBy();
  }

  function syncBehind() {
    const behind = isBehind();
    llcast.behind = behind;
    playerEl.dataset.behind = behind ? 'true' : 'false';
    const text = behind ? 'Go live' : 'LIVE';
    if (ctl.live.textContent !== text) {
      ctl.live.textContent = text;
      ctl.live.dataset.behind = behind ? 'true' : 'false';
      ctl.live.title = behind ? 'Jump to the live picture' : 'You are watching live';
      ctl.live.setAttribute('aria-disabled', behind ? 'false' : 'true');
    }
  }

  function goLive() {
    if (!llcast.behind) {
      return;
    }
    const target = liveTarget();
    if (target !== null && target > video.currentTime) {
      lastJump = Date.now();
      video.currentTime = target;
    }
    play();
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
    const now = Date.now();
    keepUp(now);
    syncBehind();
    const ms = measureLatency();
    if (ms === null || !isFinite(ms)) {
      llcast.latency = null;
      if (latencyEl) {
        latencyEl.hidden = true;
      }
    } else {
      llcast.latency = ms;
      if (latencyEl) {
        // Negative values only mean the viewer's clock is behind the server's.
        latencyEl.textContent = 'Latency ' + (Math.max(0, ms) / 1000).toFixed(2) + ' s';
        latencyEl.hidden = false;
      }
    }

    // Stall watchdog: playing (not paused by the user) but no progress.
    if (video.currentTime !== lastTime || video.paused || llcast.state !== 'live') {
      lastTime = video.currentTime;
      lastProgressAt = now;
    } else if (now - lastProgressAt > STALL_MS) {
      lastProgressAt = now;
      offline();
    }
  }

  // ---------- the live controls ----------

  function syncPlay() {
    const paused = video.paused;
    ctl.play.dataset.paused = paused ? 'true' : 'false';
    ctl.play.setAttribute('aria-label', paused ? 'Play' : 'Pause');
    ctl.play.title = paused ? 'Play' : 'Pause';
  }

  function syncVolume() {
    const muted = video.muted || video.volume === 0;
    ctl.mute.dataset.muted = muted ? 'true' : 'false';
    ctl.mute.setAttribute('aria-label', muted ? 'Unmute' : 'Mute');
    ctl.mute.title = muted ? 'Unmute' : 'Mute';
    const v = muted ? 0 : video.volume;
    if (Number(ctl.volume.value) !== v) {
      ctl.volume.value = String(v);
    }
    unmuteBtn.hidden = !video.muted || llcast.mode === 'unsupported';
  }

  function unmute() {
    video.muted = false;
    if (video.volume === 0) {
      video.volume = 1;
    }
  }

  function fullscreenElement() {
    return document.fullscreenElement || document.webkitFullscreenElement || null;
  }

  // The player box goes full screen, so that llcast's controls come along;
  // iOS can only take the video itself there, with its own controls.
  function toggleFullscreen() {
    if (fullscreenElement()) {
      (document.exitFullscreen || document.webkitExitFullscreen).call(document);
      return;
    }
    const enter = playerEl.requestFullscreen || playerEl.webkitRequestFullscreen;
    if (enter) {
      const p = enter.call(playerEl);
      if (p && typeof p.catch === 'function') {
        p.catch(() => {});
      }
    } else if (typeof video.webkitEnterFullscreen === 'function') {
      video.webkitEnterFullscreen();
    }
  }

  function syncFullscreen() {
    const on = !!fullscreenElement();
    ctl.fullscreen.dataset.on = on ? 'true' : 'false';
    ctl.fullscreen.setAttribute('aria-label', on ? 'Exit full screen' : 'Full screen');
    ctl.fullscreen.title = on ? 'Exit full screen' : 'Full screen';
  }

  ctl.play.addEventListener('click', () => {
    if (video.paused) {
      play();
    } else {
      video.pause();
    }
  });
  ctl.mute.addEventListener('click', () => {
    if (video.muted || video.volume === 0) {
      unmute();
    } else {
      video.muted = true;
    }
  });
  ctl.volume.addEventListener('input', () => {
    const v = Math.min(1, Math.max(0, Number(ctl.volume.value) || 0));
    video.volume = v;
    video.muted = v === 0;
  });
  ctl.live.addEventListener('click', goLive);
  ctl.fullscreen.addEventListener('click', toggleFullscreen);
  document.addEventListener('fullscreenchange', syncFullscreen);
  document.addEventListener('webkitfullscreenchange', syncFullscreen);
  if (!document.fullscreenEnabled && !document.webkitFullscreenEnabled &&
      typeof video.webkitEnterFullscreen !== 'function') {
    ctl.fullscreen.hidden = true; // e.g. an iframe without allowfullscreen
  }

  // ---------- wiring ----------

  function start() {
    if (stopped) {
      return;
    }
    if (llcast.mode === 'hls') {
      startHls();
    } else if (llcast.mode === 'native') {
      startNative();
    }
  }

  unmuteBtn.addEventListener('click', () => {
    unmute();
    if (llcast.state !== 'offline') {
      play(); // the click is a user gesture: starts playback if autoplay was refused
    }
  });
  video.addEventListener('volumechange', syncVolume);
  video.addEventListener('playing', onLive);
  video.addEventListener('play', syncPlay);
  video.addEventListener('pause', () => {
    syncPlay();
    syncBehind();
  });
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

  window.llcastPlayer = {
    // start begins playing options.url; see the top of this file.
    start(options) {
      llcast.url = options.url;
      llcast.vod = !!options.vod;
      if (typeof options.onUnauthorized === 'function') {
        onUnauthorized = options.onUnauthorized;
      }
      if (typeof window.Hls !== 'undefined' && Hls.isSupported()) {
        llcast.mode = 'hls';
      } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
        llcast.mode = 'native';
      } else {
        llcast.mode = 'unsupported';
      }
      syncVolume();
      syncFullscreen();
      if (llcast.mode === 'unsupported') {
        setState('offline', 'Unsupported browser');
        posterEl.hidden = true;
        showMessage('This browser cannot play HLS streams. Please use a current version of Chrome, Edge, Firefox or Safari.');
        return llcast;
      }
      setState('loading', 'Connecting…');
      setInterval(tick, TICK_MS);
      start();
      return llcast;
    },

    // stop ends playing for good: the page is leaving (logging out), and
    // the 401s its requests get meanwhile mean nothing.
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      retryTimer = 0;
      destroyHls();
    },

    // message shows text over the player (why it does not play).
    message(text) {
      posterEl.hidden = true;
      showMessage(text);
    },
  };
})();
