'use strict';
// Peer server for the benchmark comparison: WebSocket-Node (npm `websocket`), "raw" dialect
// of shared/tools/wsload.c.
//   /echo  every text or binary message is sent back unchanged
//   /sub   subscriber: receives every message published on /pub
//   /pub   every message received is broadcast as-is (same opcode) to all /sub clients
// Usage: node websocket-node-server.js PORT   (listens on 127.0.0.1 only; SIGTERM/SIGINT stop it)
// WebSocket-Node has no permessage-deflate support at all, so there is nothing to turn off.
const http = require('http');
const WebSocketServer = require('websocket').server;

const MAX_MESSAGE = 1 << 20; // 1 MiB, the same limit as the other peers and naive Tyrus

const port = parsePort(process.argv[2]);
const server = http.createServer((req, res) => {
  res.writeHead(404);
  res.end();
});
const wss = new WebSocketServer({
  httpServer: server,
  autoAcceptConnections: false,
  maxReceivedFrameSize: MAX_MESSAGE,
  maxReceivedMessageSize: MAX_MESSAGE,
  // library defaults otherwise: keepalive pings every 20 s (wsload answers them), Nagle off
});
const subscribers = new Set();

wss.on('request', (request) => {
  const path = request.resourceURL.pathname;
  if (path !== '/echo' && path !== '/sub' && path !== '/pub') {
    request.reject(404);
    return;
  }
  const conn = request.accept(null, request.origin);
  conn.on('error', () => {}); // a broken client only closes its own connection
  if (path === '/echo') {
    conn.on('message', (m) => {
      if (m.type === 'utf8') conn.sendUTF(m.utf8Data);
      else conn.sendBytes(m.binaryData);
    });
  } else if (path === '/sub') {
    subscribers.add(conn);
    conn.on('close', () => subscribers.delete(conn));
  } else {
    conn.on('message', (m) => {
      if (m.type === 'utf8') {
        const text = m.utf8Data;
        for (const sub of subscribers) if (sub.connected) sub.sendUTF(text);
      } else {
        const bytes = m.binaryData;
        for (const sub of subscribers) if (sub.connected) sub.sendBytes(bytes);
      }
    });
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${server.address().port}`);
});

function shutdown() {
  server.close();
  wss.shutDown();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

function parsePort(arg) {
  const p = Number(arg);
  if (arg === undefined || !Number.isInteger(p) || p < 0 || p > 65535) {
    console.error('usage: node websocket-node-server.js PORT');
    process.exit(2);
  }
  return p;
}
