// llcast embed page (/embed/{stream}): the player alone, for other sites'
// iframes (README "Embedding the player"). It plays through a stream link:
// the token comes in the URL's fragment (#token=…, which browsers never
// send to a server, so it reaches no log) or, failing that, its query
// (?token=…). The page asks for the playlist with ?token=, and the server
// writes the token into every URI of the playlists it answers, as for
// any stream link (README "Stream links"). Without a token it tries the
// viewer's session cookie, which a browser sends only when the frame is
// on llcast's own site; refused, it says that the stream needs a link.
// Plain ES2017, no build step; hls.js and player.js are loaded before
// this file (all deferred).
//
// For browser tests, window.llcast (see player.js) also has:
//   token   whether the page was given a token (true/false), never the token
(() => {
  'use strict';

  function tokenFrom(text) {
    const v = new URLSearchParams(text).get('token');
    return v ? v.trim() : '';
  }

  const token = tokenFrom(window.location.hash.slice(1)) || tokenFrom(window.location.search);
  let url = document.body.dataset.src;
  if (token) {
    url += '?token=' + encodeURIComponent(token);
  }

  function refused(status) {
    let text;
    if (status === 403) {
      text = 'You may not watch this stream.';
    } else if (token) {
      text = 'This stream link has expired or was revoked. Ask for a new one.';
    } else {
      text = 'This stream needs a link: ask its owner for an embed code with one.';
    }
    document.body.dataset.refused = String(status);
    window.llcastPlayer.message(text);
  }

  const llcast = window.llcastPlayer.start({ url: url, vod: false, onUnauthorized: refused });
  llcast.token = !!token;
})();
