'use strict';
// Peer server for the benchmark comparison: the `ws` library, "raw" dialect of
// shared/tools/wsload.c.
//   /echo  every text or binary message is sent back unchanged
//   /sub   subscriber: receives every message published on /pub
//   /pub   every message received is broadcast as-is (same opcode) to all /sub clients
// Usage: node ws-server.js PORT   (listens on 127.0.0.1 only; SIGTERM/SIGINT stop it)
const http = require('http');
const { WebSocketServer } = require('ws');

const MAX_MESSAGE = 1 << 20; // 1 MiB, the same limit as the other peers and naive Tyrus

const port = parsePort(process.argv[2]);
const server = http.createServer((req, res) => {
  res.writeHead(404);
  res.end();
});
const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  maxPayload: MAX_MESSAGE,
  clientTracking: true,
});
const subscribers = new Set();

server.on('upgrade', (req, socket, head) => {
  const path = req.url.split('?', 1)[0];
  if (path !== '/echo' && path !== '/sub' && path !== '/pub') {
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, path));
});

function onConnection(ws, path) {
  ws.on('error', () => {}); // a broken client only closes its own connection
  if (path === '/echo') {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  } else if (path === '/sub') {
    subscribers.add(ws);
    ws.on('close', () => subscribers.delete(ws));
  } else {
    ws.on('message', (data, isBinary) => {
      const opts = { binary: isBinary };
      for (const sub of subscribers) {
        if (sub.readyState === 1) sub.send(data, opts);
      }
    });
  }
}

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${server.address().port}`);
});

function shutdown() {
  server.close();
  for (const ws of wss.clients) ws.terminate();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

function parsePort(arg) {
  const p = Number(arg);
  if (arg === undefined || !Number.isInteger(p) || p < 0 || p > 65535) {
    console.error('usage: node ws-server.js PORT');
    process.exit(2);
  }
  return p;
}
