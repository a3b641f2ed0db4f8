'use strict';
// Peer server for the benchmark comparison: uWebSockets.js (the npm-served build
// @trufflesuite/uws-js-unofficial, which ships the native uWS binaries), "raw" dialect of
// shared/tools/wsload.c.
//   /echo  every text or binary message is sent back unchanged
//   /sub   subscriber: subscribes to the topic "bench"
//   /pub   every message received is published as-is (same opcode) to "bench" with
//          uWS's own pub/sub (app.publish), which frames the message once for all subscribers
//   /sub/ROOM, /pub/ROOM   the same for the topic ROOM (many-rooms benchmark: bench rooms);
//          separate routes, so /sub and /pub (and wsload.c's use of them) stay as they were
// Usage: node uws-server.js PORT   (listens on 127.0.0.1 only; SIGTERM/SIGINT stop it)
//
// That package falls back to a slow pure-Node emulation when the native binary does not load
// (or when UWS_USE_FALLBACK is set); a benchmark must not measure that, so this server refuses
// to start on the fallback.
const uWS = require('@trufflesuite/uws-js-unofficial');

const MAX_MESSAGE = 1 << 20; // 1 MiB, the same limit as the other peers and naive Tyrus
const TOPIC = 'bench';

if (typeof uWS.us_listen_socket_close !== 'function' || !/\.node$/.test(resolvedBinary())) {
  console.error('uws-server: the native uWebSockets.js binary did not load (fallback in use); refusing to run');
  process.exit(1);
}

const port = parsePort(process.argv[2]);
const common = {
  compression: uWS.DISABLED,
  maxPayloadLength: MAX_MESSAGE,
  // uWS skips (drops messages for) a receiver whose send buffer is above maxBackpressure;
  // the default 64 KiB would turn a burst into lost messages, which the other peers never do.
  maxBackpressure: 64 * 1024 * 1024,
  closeOnBackpressureLimit: false,
  idleTimeout: 120, // library default; with sendPingsAutomatically uWS pings, wsload answers
};
let listenSocket = null;

const app = uWS
  .App()
  .ws('/echo', {
    ...common,
    message: (ws, message, isBinary) => {
      ws.send(message, isBinary);
    },
  })
  .ws('/sub', {
    ...common,
    open: (ws) => {
      ws.subscribe(TOPIC);
    },
  })
  .ws('/pub', {
    ...common,
    message: (ws, message, isBinary) => {
      app.publish(TOPIC, message, isBinary);
    },
  })
  .ws('/sub/:room', {
    ...common,
    upgrade: upgradeWithRoom,
    open: (ws) => {
      ws.subscribe(ws.getUserData().room);
    },
  })
  .ws('/pub/:room', {
    ...common,
    upgrade: upgradeWithRoom,
    message: (ws, message, isBinary) => {
      app.publish(ws.getUserData().room, message, isBinary);
    },
  })
  .any('/*', (res) => {
    res.writeStatus('404 Not Found').end();
  })
  .listen('127.0.0.1', port, (token) => {
    if (!token) {
      console.error(`uws-server: cannot listen on 127.0.0.1:${port}`);
      process.exit(1);
    }
    listenSocket = token;
    console.log(`listening on 127.0.0.1:${uWS.us_socket_local_port(token)}`);
  });

function shutdown() {
  if (listenSocket) uWS.us_listen_socket_close(listenSocket);
  listenSocket = null;
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

// Upgrades as uWS would by default, keeping the room named by the route in the user data.
function upgradeWithRoom(res, req, context) {
  res.upgrade(
    { room: req.getParameter(0) },
    req.getHeader('sec-websocket-key'),
    req.getHeader('sec-websocket-protocol'),
    req.getHeader('sec-websocket-extensions'),
    context,
  );
}

function resolvedBinary() {
  const file = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  const loaded = Object.keys(require.cache).find((k) => k.endsWith(file));
  return loaded || '';
}

function parsePort(arg) {
  const p = Number(arg);
  if (arg === undefined || !Number.isInteger(p) || p < 0 || p > 65535) {
    console.error('usage: node uws-server.js PORT');
    process.exit(2);
  }
  return p;
}
