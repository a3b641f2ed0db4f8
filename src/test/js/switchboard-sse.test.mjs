// Unit tests of webapp/js/switchboard.js's SSE transport and transport choice, on a fake WebSocket,
// a fake fetch playing the server's /sse stream and POSTs, and mocked timers: no network, no
// sleeps. Run by SwitchboardJsTest (mvn verify) with `node --test`, beside switchboard.test.mjs.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import {
  Switchboard, SseParser, sseUrlOf, wsFailure, fallsBack, encodePublish,
} from '../../../webapp/js/switchboard.js';

/** A WebSocket double: records what the client sends, lets the test play the server. */
class FakeSocket {
  static all = [];
  constructor(url, protocol) {
    this.url = url;
    this.protocol = protocol;
    this.readyState = 0;
    this.sent = [];
    this.closedWith = null;
    FakeSocket.all.push(this);
  }
  send(data) {
    this.sent.push(typeof data === 'string' ? JSON.parse(data) : data);
  }
  close(code = 1000, reason = '') {
    this.closedWith = code;
    this.readyState = 3;
    this.onclose({ code, reason, wasClean: true });
  }
  open() {
    this.readyState = 1;
    this.onopen({});
  }
  push(obj) {
    this.onmessage({ data: JSON.stringify(obj) });
  }
  reply(id, fields = {}) {
    this.push({ id, ok: true, ...fields });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose({ code, reason: '', wasClean: code !== 1006 });
  }
  last(op) {
    return [...this.sent].reverse().find((m) => m.op === op);
  }
}

const bytes = (text) => new TextEncoder().encode(text);

/** One GET /sse the client made: the test writes events into it. */
class FakeStream {
  constructor(url, init) {
    this.url = url;
    this.init = init;
    this.aborted = false;
    this.body = new ReadableStream({ start: (c) => { this.controller = c; } });
    init.signal.addEventListener('abort', () => {
      this.aborted = true;
      try {
        this.controller.error(new Error('aborted'));
      } catch {
        // already ended
      }
    });
  }
  write(text) {
    this.controller.enqueue(bytes(text));
  }
  open(session = 'S1') {
    this.write(`event: open\ndata: {"session":"${session}","client":"c-${session}"}\n\n`);
  }
  push(obj) {
    this.write(`data: ${JSON.stringify(obj)}\n\n`);
  }
  reply(id, fields = {}) {
    this.push({ id, ok: true, ...fields });
  }
  end() {
    this.controller.close();
  }
}

/** fetch playing the server: GETs become FakeStreams, POSTs wait for `answer` unless auto. */
class FakeServer {
  constructor() {
    this.streams = [];
    this.posts = [];
    this.auto = 204;
    this.fetch = (url, init = {}) => this._fetch(url, init);
  }
  _fetch(url, init) {
    if ((init.method || 'GET') === 'GET') {
      const stream = new FakeStream(url, init);
      this.streams.push(stream);
      return Promise.resolve(new Response(stream.body, { status: 200 }));
    }
    const post = { url, type: init.headers['Content-Type'], body: init.body };
    post.promise = new Promise((resolve) => { post.answer = (status = 204) => resolve(new Response(null, { status })); });
    this.posts.push(post);
    if (this.auto) post.answer(this.auto);
    return post.promise;
  }
  /** The commands sent so far, every text POST split into its lines. */
  commands() {
    return this.posts.filter((p) => typeof p.body === 'string' && p.body)
      .flatMap((p) => p.body.split('\n').map((l) => JSON.parse(l)));
  }
  last(op) {
    return [...this.commands()].reverse().find((m) => m.op === op);
  }
  get stream() {
    return this.streams[this.streams.length - 1];
  }
}

/** Lets the fake streams' reads and the POSTs' answers run. */
async function settle() {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

function client(server, extra = {}) {
  FakeSocket.all = [];
  return new Switchboard('ws://test/app/ws', {
    WebSocket: FakeSocket, fetch: server.fetch, random: () => 0.5, ...extra,
  });
}

function events(parserInput) {
  const out = [];
  const p = new SseParser((e) => out.push(e));
  for (const piece of parserInput) p.push(piece);
  p.end();
  return out;
}

test('the event stream parser follows the HTML standard: line ends, comments, fields, multi-line data', () => {
  assert.deepEqual(events(['\ufeffdata: a\n\n']), [{ type: 'message', data: 'a', lastEventId: '' }]);
  // CRLF, CR and LF, even with the CR and its LF in different pieces
  assert.deepEqual(events(['data: one\r', '\n\r', '\ndata:two\rdata:  three\n\n']).map((e) => e.data),
    ['one', 'two\n three']);
  assert.deepEqual(events([': a comment\nevent: ping\ndata\n\n']), [{ type: 'ping', data: '', lastEventId: '' }]);
  // an event without data is not dispatched, and its type does not leak into the next one
  assert.deepEqual(events(['event: x\n\ndata: y\n\n']).map((e) => e.type), ['message']);
  // the id stays for the events after it; an unknown field and retry are ignored
  assert.deepEqual(events(['id: {"c":["e",3]}\nretry: 10\nfoo: bar\ndata: p\n\ndata: q\n\n']).map((e) => e.lastEventId),
    ['{"c":["e",3]}', '{"c":["e",3]}']);
  // an event the stream did not end with a blank line is dropped; UTF-8 decoded before
  assert.deepEqual(events(['data: ≤ ok\n\ndata: cut']).map((e) => e.data), ['≤ ok']);
});

test('the SSE URL is the WebSocket one with http(s) and sse for its last path segment', () => {
  assert.equal(sseUrlOf('ws://h:8080/ws'), 'http://h:8080/sse');
  assert.equal(sseUrlOf('wss://h/app/ws'), 'https://h/app/sse');
  assert.equal(sseUrlOf('ws://h/live/hub'), 'http://h/live/sse'); // a WAR's ws.path=/live/hub
  assert.equal(sseUrlOf('ws://h/hub/'), 'http://h/hub/sse');
  assert.equal(sseUrlOf('ws://h/ws?x=1'), 'http://h/sse?x=1');
});

test('the fallback decision: the first failure to open on a page that never had a WebSocket, else two in a row', () => {
  assert.equal(wsFailure({ opened: false, received: false, fresh: false }, 1006), 'open');
  assert.equal(wsFailure({ opened: true, received: false, fresh: true }, 1006), 'cut');
  assert.equal(wsFailure({ opened: true, received: true, fresh: true }, 1006), null); // it worked
  assert.equal(wsFailure({ opened: true, received: false, fresh: false }, 1006), null); // later break
  assert.equal(wsFailure({ opened: true, received: false, fresh: true }, 1001), null); // a close code
  assert.equal(fallsBack('open', 1, false), true);
  assert.equal(fallsBack('open', 1, true), false);
  assert.equal(fallsBack('open', 2, true), true);
  assert.equal(fallsBack('cut', 1, true), false);
  assert.equal(fallsBack('cut', 2, true), true);
});

test('a WebSocket that cannot open sends a new page to SSE at once; connect, subscribe and publish go by POST', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const server = new FakeServer();
    const sb = client(server, { token: 'T' });
    const transports = [];
    sb.ontransport = (e) => transports.push(e.transport);
    const got = [];
    sb.subscribe('demo:a', (m) => got.push(m.data));
    assert.equal(sb.transport, 'websocket');
    FakeSocket.all[0].drop(1006); // e.g. a proxy answered the upgrade with 403
    assert.deepEqual(transports, ['sse']);
    assert.equal(sb.transport, 'sse');
    mock.timers.tick(0);
    await settle();
    const stream = server.stream;
    assert.equal(stream.url, 'http://test/app/sse');
    assert.equal(stream.init.headers.Accept, 'text/event-stream');
    stream.open('S1');
    await settle();
    assert.equal(server.posts[0].url, 'http://test/app/sse/S1');
    assert.equal(server.posts[0].type, 'text/plain;charset=UTF-8');
    const connect = server.last('connect');
    assert.equal(connect.token, 'T');
    assert.equal(sb.readyState, Switchboard.CONNECTING); // OPEN once the hub answers connect
    stream.reply(connect.id, { client: 'c-S1' });
    await settle();
    assert.equal(sb.readyState, Switchboard.OPEN);
    const sub = server.last('subscribe');
    stream.reply(sub.id, { offset: 0, epoch: 'E' });
    stream.push({ channel: 'demo:a', offset: 1, epoch: 'E', data: 'x' });
    const published = sb.publish('demo:a', 'y');
    await settle();
    const pub = server.last('publish');
    assert.equal(pub.data, 'y');
    stream.reply(pub.id, { offset: 2, epoch: 'E' });
    stream.push({ channel: 'demo:a', offset: 2, epoch: 'E', data: 'y' });
    assert.deepEqual(await published, { id: pub.id, ok: true, offset: 2, epoch: 'E' });
    await settle();
    assert.deepEqual(got, ['x', 'y']);
    assert.equal(FakeSocket.all.length, 1);
  } finally {
    mock.timers.reset();
  }
});

test('commands made while a POST is in flight leave together in the next one, in order; a ping gets an empty POST', async () => {
  const server = new FakeServer();
  server.auto = 0;
  const sb = client(server, { transports: ['sse'] });
  await settle();
  server.stream.open();
  await settle();
  assert.equal(sb.readyState, Switchboard.OPEN); // no token: open with the stream
  sb.publish('a', 1).catch(() => {});
  sb.publish('a', 2).catch(() => {});
  sb.publish('a', 3).catch(() => {});
  await settle();
  assert.equal(server.posts.length, 1);
  assert.equal(sb.bufferedAmount > 0, true);
  server.posts[0].answer();
  await settle();
  assert.equal(server.posts.length, 2);
  assert.deepEqual(server.posts[1].body.split('\n').map((l) => JSON.parse(l).data), [2, 3]);
  server.posts[1].answer();
  await settle();
  assert.equal(sb.bufferedAmount, 0);
  server.stream.write('event: ping\ndata:\n\n');
  await settle();
  assert.equal(server.posts.length, 3);
  assert.equal(server.posts[2].body, '');
  server.posts[2].answer();
  sb.close();
});

test('binary publications arrive as bytes, binary publishes go alone as application/octet-stream', async () => {
  const server = new FakeServer();
  const sb = client(server, { transports: ['sse'] });
  const got = [];
  sb.subscribe('files', (m) => got.push(m));
  await settle();
  server.stream.open();
  await settle();
  server.stream.reply(server.last('subscribe').id);
  // kind 2, no flags, channel "files", payload 1 2 3
  const push = new Uint8Array([2, 0, 5, ...bytes('files'), 1, 2, 3]);
  server.stream.write(`event: binary\ndata: ${Buffer.from(push).toString('base64')}\n\n`);
  await settle();
  assert.equal(got.length, 1);
  assert.deepEqual([...got[0].bytes], [1, 2, 3]);
  sb.publish('files', new Uint8Array([9, 8])).catch(() => {});
  await settle();
  const post = server.posts.find((p) => p.type === 'application/octet-stream');
  const id = new DataView(post.body.buffer, post.body.byteOffset).getUint32(2);
  assert.deepEqual([...post.body], [...encodePublish(id, 'files', new Uint8Array([9, 8]))]);
  sb.close();
});

test('a close event is a WebSocket close: 4500 ends the client, 1012 reconnects; a stream that just ends is 1006 and recovers', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const server = new FakeServer();
    const sb = client(server, { transports: ['sse'], restartJitter: 100 });
    const delays = [];
    sb.onreconnecting = (e) => delays.push([e.code, e.delay]);
    sb.subscribe('demo:a', () => {});
    await settle();
    server.stream.open('S1');
    await settle();
    server.stream.reply(server.last('subscribe').id, { offset: 7, epoch: 'E' });
    server.stream.write('event: close\ndata: {"code":1012,"reason":"restart"}\n\n');
    await settle();
    assert.deepEqual(delays, [[1012, 50]]);
    assert.equal(server.streams[0].aborted, true);
    mock.timers.tick(50);
    await settle();
    server.stream.open('S2');
    await settle();
    assert.deepEqual(server.last('subscribe').since, { offset: 7, epoch: 'E' });
    assert.equal(server.posts.at(-1).url, 'http://test/app/sse/S2');
    server.stream.end(); // no close event: abnormal
    await settle();
    assert.equal(delays[1][0], 1006);
    mock.timers.tick(delays[1][1]);
    await settle();
    let closed = null;
    sb.onclose = (e) => (closed = e);
    server.stream.open('S3');
    await settle();
    server.stream.write('event: close\ndata: {"code":4500,"reason":"no"}\n\n');
    await settle();
    assert.deepEqual([closed.code, closed.reason, sb.readyState], [4500, 'no', Switchboard.CLOSED]);
    mock.timers.tick(60000);
    assert.equal(server.streams.length, 3);
  } finally {
    mock.timers.reset();
  }
});

test('a POST answered 404 means the session is gone: a new stream, subscriptions renewed with since', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const server = new FakeServer();
    const sb = client(server, { transports: ['sse'] });
    const got = [];
    sb.subscribe('demo:a', (m) => got.push(m.offset));
    await settle();
    server.stream.open('S1');
    await settle();
    server.stream.reply(server.last('subscribe').id, { offset: 0, epoch: 'E' });
    server.stream.push({ channel: 'demo:a', offset: 1, epoch: 'E', data: 1 });
    await settle();
    server.auto = 404;
    const rejected = sb.publish('demo:a', 2).catch((e) => e);
    await settle();
    assert.equal(sb.readyState, Switchboard.CONNECTING);
    assert.equal((await rejected).closeCode, 1006);
    server.auto = 204;
    mock.timers.tick(1000);
    await settle();
    server.stream.open('S2');
    await settle();
    const sub = server.last('subscribe');
    assert.deepEqual(sub.since, { offset: 1, epoch: 'E' });
    server.stream.reply(sub.id, { recovered: true, offset: 2, epoch: 'E' });
    server.stream.push({ channel: 'demo:a', offset: 1, epoch: 'E', data: 1 }); // had it: skipped
    server.stream.push({ channel: 'demo:a', offset: 2, epoch: 'E', data: 2 });
    await settle();
    assert.deepEqual(got, [1, 2]);
    sb.close();
  } finally {
    mock.timers.reset();
  }
});

test('a WebSocket cut right after the upgrade falls back only the second time in a row', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const server = new FakeServer();
    const sb = client(server);
    FakeSocket.all[0].open(); // no token: OPEN with the socket
    assert.equal(sb.readyState, Switchboard.OPEN);
    FakeSocket.all[0].drop(1006); // nothing came from the server
    assert.equal(sb.transport, 'websocket');
    mock.timers.tick(1000);
    FakeSocket.all[1].open();
    const reconnects = [];
    sb.onreconnecting = (e) => reconnects.push(e.delay);
    FakeSocket.all[1].drop(1006);
    assert.equal(sb.transport, 'sse');
    assert.equal(sb.readyState, Switchboard.CONNECTING); // a publish now waits for the stream
    assert.deepEqual(reconnects, [0]); // SSE at once, not after the backoff
    mock.timers.tick(0);
    await settle();
    assert.equal(server.streams.length, 1);
    sb.close();
  } finally {
    mock.timers.reset();
  }
});

test('a page that had a WebSocket falls back after two failures to open, not one; a break of a working one is no failure', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const server = new FakeServer();
    const sb = client(server);
    sb.subscribe('demo:a', () => {});
    const ws = FakeSocket.all[0];
    ws.open();
    ws.reply(ws.last('subscribe').id);
    ws.drop(1006); // it had answered: a network failure, not a proxy
    mock.timers.tick(1000);
    FakeSocket.all[1].drop(1006);
    assert.equal(sb.transport, 'websocket');
    mock.timers.tick(1000);
    FakeSocket.all[2].open();
    FakeSocket.all[2].reply(FakeSocket.all[2].last('subscribe').id);
    FakeSocket.all[2].drop(1006);
    mock.timers.tick(1000);
    FakeSocket.all[3].drop(1006); // the failure count started again after the working one
    assert.equal(sb.transport, 'websocket');
    mock.timers.tick(1000);
    FakeSocket.all[4].drop(1006);
    assert.equal(sb.transport, 'sse');
    sb.close();
  } finally {
    mock.timers.reset();
  }
});

test('a WebSocket that does not open within wsOpenTimeout counts as failed', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const server = new FakeServer();
    const sb = client(server, { wsOpenTimeout: 3000 });
    mock.timers.tick(2999);
    assert.equal(sb.transport, 'websocket');
    mock.timers.tick(1);
    assert.equal(FakeSocket.all[0].closedWith, 1000);
    assert.equal(sb.transport, 'sse');
    sb.close();
  } finally {
    mock.timers.reset();
  }
});

test('on SSE a background WebSocket is tried every upgradeInterval; once it answers, subscriptions move with since and the stream closes after its last reply', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const server = new FakeServer();
    const sb = client(server, { token: () => 'T', upgradeInterval: 5000 });
    const got = [];
    sb.subscribe('demo:a', (m) => got.push(m.offset));
    FakeSocket.all[0].drop(1006);
    mock.timers.tick(0);
    await settle();
    const stream = server.stream;
    stream.open('S1');
    await settle();
    stream.reply(server.last('connect').id);
    await settle();
    stream.reply(server.last('subscribe').id, { offset: 0, epoch: 'E' });
    stream.push({ channel: 'demo:a', offset: 1, epoch: 'E', data: 1 });
    await settle();

    // The first try fails to open: still on SSE, tried again an interval later.
    mock.timers.tick(5000);
    assert.equal(FakeSocket.all.length, 2);
    FakeSocket.all[1].drop(1006);
    assert.equal(sb.transport, 'sse');
    mock.timers.tick(5000);
    const ws = FakeSocket.all[2];
    ws.open();
    await settle();
    const connect = ws.last('connect');
    assert.equal(connect.token, 'T');
    const publishing = sb.publish('demo:a', 'p'); // still goes by POST: the socket has not answered
    await settle();
    const pub = server.last('publish');
    ws.reply(connect.id);
    assert.equal(sb.transport, 'websocket');
    assert.equal(sb.readyState, Switchboard.OPEN);
    const sub = ws.last('subscribe');
    assert.deepEqual(sub.since, { offset: 1, epoch: 'E' });
    assert.equal(stream.aborted, false); // a reply is still due on it
    stream.push({ channel: 'demo:a', offset: 2, epoch: 'E', data: 2 }); // left behind: not delivered
    stream.reply(pub.id, { offset: 3, epoch: 'E' });
    assert.equal((await publishing).offset, 3);
    await settle();
    assert.equal(stream.aborted, true);
    ws.reply(sub.id, { recovered: true, offset: 3, epoch: 'E' });
    for (const offset of [2, 3]) ws.push({ channel: 'demo:a', offset, epoch: 'E', data: offset });
    assert.deepEqual(got, [1, 2, 3]);
    const posts = server.posts.length;
    sb.publish('demo:a', 'q').catch(() => {}); // goes on the WebSocket now
    await settle();
    assert.equal(server.posts.length, posts);
    assert.equal(ws.last('publish').data, 'q');
    mock.timers.tick(60000);
    assert.equal(FakeSocket.all.length, 3); // no more tries once on WebSocket
  } finally {
    mock.timers.reset();
  }
});

test('a background WebSocket cut after its upgrade never takes over; without a token it must answer a ping', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const server = new FakeServer();
    const sb = client(server, { upgradeInterval: 1000 });
    FakeSocket.all[0].drop(1006);
    mock.timers.tick(0);
    await settle();
    server.stream.open();
    await settle();
    mock.timers.tick(1000);
    const probe = FakeSocket.all[1];
    probe.open();
    await settle();
    assert.equal(probe.last('ping') !== undefined, true);
    probe.drop(1006);
    assert.equal(sb.transport, 'sse');
    assert.equal(sb.readyState, Switchboard.OPEN);
    mock.timers.tick(1000);
    FakeSocket.all[2].open();
    await settle();
    FakeSocket.all[2].reply(FakeSocket.all[2].last('ping').id);
    assert.equal(sb.transport, 'websocket');
    await settle();
    assert.equal(server.stream.aborted, true);
    sb.close();
  } finally {
    mock.timers.reset();
  }
});

test('a POST refused with 403 (an origin that may not send commands) ends the client: no retry mends it', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const server = new FakeServer();
    const sb = client(server, { transports: ['sse'] });
    let closed = null;
    sb.onclose = (e) => (closed = e);
    sb.subscribe('demo:a', () => {});
    await settle();
    server.auto = 403;
    server.stream.open();
    await settle();
    assert.deepEqual([closed.code, sb.readyState], [1008, Switchboard.CLOSED]);
    mock.timers.tick(60000);
    await settle();
    assert.equal(server.streams.length, 1);
  } finally {
    mock.timers.reset();
  }
});
