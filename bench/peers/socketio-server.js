'use strict';
// Peer server for the benchmark comparison: socket.io, "socketio" dialect of
// shared/tools/wsload.c (default path /socket.io/, Engine.IO v4 over a WebSocket).
//   event "echo" (data)  -> emits "echo" with the same data back to that socket
//   event "join" (room)  -> the socket joins that room
//   event "pub"  (data)  -> io.to('room1').emit('msg', data)
// Usage: node socketio-server.js PORT   (listens on 127.0.0.1 only; SIGTERM/SIGINT stop it)
const http = require('http');
const { Server } = require('socket.io');

const MAX_MESSAGE = 1 << 20; // 1 MiB, the same limit as the other peers and naive Tyrus

const port = parsePort(process.argv[2]);
const server = http.createServer();
const io = new Server(server, {
  cors: { origin: '*' },
  transports: ['websocket'], // wsload connects straight to the websocket transport
  perMessageDeflate: false,
  httpCompression: false,
  maxHttpBufferSize: MAX_MESSAGE,
  serveClient: false,
  pingInterval: 25000, // library defaults, stated for the record
  pingTimeout: 20000,
});

io.on('connection', (socket) => {
  socket.on('echo', (data) => {
    socket.emit('echo', data);
  });
  socket.on('join', (room) => {
    if (typeof room === 'string') socket.join(room);
  });
  socket.on('pub', (data) => {
    io.to('room1').emit('msg', data);
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${server.address().port}`);
});

function shutdown() {
  io.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

function parsePort(arg) {
  const p = Number(arg);
  if (arg === undefined || !Number.isInteger(p) || p < 0 || p > 65535) {
    console.error('usage: node socketio-server.js PORT');
    process.exit(2);
  }
  return p;
}
