// Unit tests of webapp/js/switchboard.js's reconnect and recovery logic, on a fake WebSocket and
// mocked timers: no network, no sleeps. Run by SwitchboardJsTest (mvn verify) with `node --test`.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Switchboard, encodePublish, decodePublication } from '../../../webapp/js/switchboard.js';

/** A WebSocket double: records what the client sends, lets the test play the server. */
class FakeSocket {
  static all = [];
  constructor(url, protocol) {
    this.url = url;
    this.protocol = protocol;
    this.readyState = 0;
    this.sent = [];
    this.bufferedAmount = 0;
    FakeSocket.all.push(this);
  }
  send(data) {
    this.sent.push(typeof data === 'string' ? JSON.parse(data) : data);
  }
  close(code = 1000, reason = '') {
    this.readyState = 3;
    this.onclose({ code, reason, wasClean: true });
  }
  // the "server":
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
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose({ code, reason, wasClean: code !== 1006 }); // 1006: no close frame came
  }
  fail() {
    this.onerror({ type: 'error' });
  }
  refuse(id, code, message) {
    this.push({ id, error: { code, message } });
  }
  last(op) {
    return [...this.sent].reverse().find((m) => m.op === op);
  }
}

const flush = () => new Promise((r) => setImmediate(r));

function client(extra = {}) {
  FakeSocket.all = [];
  return new Switchboard('ws://test/ws', { WebSocket: FakeSocket, random: () => 0.5, ...extra });
}

test('reconnects with exponential backoff and full jitter, then resubscribes from the last position', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const sb = client({ backoffInitial: 100, backoffMax: 1000 });
    const got = [];
    const outcomes = [];
    sb.subscribe('demo:a', { onMessage: (m) => got.push(m.offset), onSubscribed: (r, why) => outcomes.push([r, why]) });
    const ws1 = FakeSocket.all[0];
    ws1.open();
    await flush();
    const sub1 = ws1.last('subscribe');
    assert.equal(sub1.since, undefined);
    ws1.reply(sub1.id, { offset: 0, epoch: 'E1' });
    ws1.push({ channel: 'demo:a', offset: 1, epoch: 'E1', data: 'x' });
    ws1.push({ channel: 'demo:a', offset: 2, epoch: 'E1', data: 'y' });

    const delays = [];
    sb.onreconnecting = (e) => delays.push(e.delay);
    ws1.drop(1006);
    assert.equal(sb.readyState, Switchboard.CONNECTING);
    assert.deepEqual(delays, [50]); // random 0.5 of min(1000, 100 * 2^0) = 100 -> 50
    mock.timers.tick(50);
    const ws2 = FakeSocket.all[1];
    ws2.drop(1006); // the second attempt fails too
    assert.deepEqual(delays, [50, 100]); // cap doubled to 200
    mock.timers.tick(100);
    const ws3 = FakeSocket.all[2];
    ws3.open();
    await flush();
    const sub3 = ws3.last('subscribe');
    assert.deepEqual(sub3.since, { offset: 2, epoch: 'E1' });
    ws3.reply(sub3.id, { recovered: true, offset: 3, epoch: 'E1' });
    ws3.push({ channel: 'demo:a', offset: 3, epoch: 'E1', data: 'z' });
    await flush();
    assert.deepEqual(got, [1, 2, 3]);
    assert.deepEqual(outcomes, [[true, null], [true, null]]);
  } finally {
    mock.timers.reset();
  }
});

test('a failed recovery is reported and live delivery continues from the new position', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const sb = client();
    const outcomes = [];
    const sub = sb.subscribe('demo:a', { onMessage: () => {}, onSubscribed: (r, why) => outcomes.push([r, why]) });
    FakeSocket.all[0].open();
    await flush();
    FakeSocket.all[0].reply(FakeSocket.all[0].last('subscribe').id, { offset: 5, epoch: 'OLD' });
    FakeSocket.all[0].drop(1006);
    mock.timers.tick(1000);
    const ws = FakeSocket.all[1];
    ws.open();
    await flush();
    ws.reply(ws.last('subscribe').id, { recovered: false, reason: 'epoch changed', offset: 0, epoch: 'NEW' });
    await flush();
    assert.deepEqual(outcomes[1], [false, 'epoch changed']);
    assert.equal(sub.epoch, 'NEW');
    assert.equal(sub.offset, 0);
  } finally {
    mock.timers.reset();
  }
});

test('a final close code stops reconnecting and fires onclose', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const sb = client({ token: 'bad' });
    let closed = null;
    let reconnecting = false;
    sb.onclose = (e) => (closed = e);
    sb.onreconnecting = () => (reconnecting = true);
    FakeSocket.all[0].open();
    await flush();
    assert.equal(FakeSocket.all[0].sent[0].op, 'connect');
    FakeSocket.all[0].drop(4500, 'invalid token');
    mock.timers.tick(60000);
    assert.equal(FakeSocket.all.length, 1);
    assert.equal(reconnecting, false);
    assert.ok(closed instanceof Event);
    assert.deepEqual(
      { type: closed.type, code: closed.code, reason: closed.reason, wasClean: closed.wasClean },
      { type: 'close', code: 4500, reason: 'invalid token', wasClean: true },
    );
    assert.equal(sb.readyState, Switchboard.CLOSED);
    await assert.rejects(sb.publish('demo:a', 1), /closed/);
  } finally {
    mock.timers.reset();
  }
});

test('publishes wait while disconnected, go out on reconnect, and reject after their timeout', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const sb = client({ requestTimeout: 500, maxPending: 2 });
    FakeSocket.all[0].open();
    await flush();
    FakeSocket.all[0].drop(1006);
    const early = assert.rejects(sb.publish('demo:a', { n: 1 }), /publish timed out after 500 ms/);
    const second = assert.rejects(sb.publish('demo:a', { n: 2 }), /publish timed out/);
    await flush();
    await assert.rejects(sb.publish('demo:a', { n: 3 }), /2 publishes already wait/);
    mock.timers.tick(500);
    await early;
    await second;
    // The reconnect (after 125 ms) happened during that tick; the new socket is not open yet.
    assert.equal(FakeSocket.all.length, 2);
    const late = sb.publish('demo:a', { n: 4 });
    const ws = FakeSocket.all[1];
    ws.open();
    await flush();
    const sent = ws.last('publish');
    assert.deepEqual(sent.data, { n: 4 });
    ws.reply(sent.id, { offset: 9, epoch: 'E' });
    assert.equal((await late).offset, 9);
  } finally {
    mock.timers.reset();
  }
});

test('a publish whose connection breaks before the reply rejects', async () => {
  const sb = client();
  FakeSocket.all[0].open();
  await flush();
  const p = sb.publish('demo:a', 1);
  FakeSocket.all[0].drop(1006);
  await assert.rejects(p, /connection closed \(1006/);
  sb.close();
});

test('an unsubscribe push ends the subscription, tells its handler, and it is not renewed on reconnect', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const sb = client();
    const got = [];
    const ended = [];
    const subscribed = [];
    const handler = (name) => ({
      onMessage: (m) => got.push(`${name} ${m.data}`),
      onSubscribed: () => subscribed.push(name),
      onUnsubscribed: (e) => ended.push(`${name} ${e.code} ${e.message}`),
    });
    const news = sb.subscribe('news', handler('news'));
    const pattern = sb.subscribe('news:*', handler('news:*'));
    const lobby = sb.subscribe('room:lobby', handler('lobby'));
    const ws1 = FakeSocket.all[0];
    ws1.open();
    await flush();
    for (const m of ws1.sent.filter((f) => f.op === 'subscribe')) ws1.reply(m.id);
    await flush();
    ws1.push({ channel: 'news', unsubscribe: { code: 111, message: 'no longer allowed' } });
    ws1.push({ channel: 'news:*', unsubscribe: { code: 111, message: 'no longer allowed' } });
    ws1.push({ channel: 'news', data: 'late' });
    ws1.push({ channel: 'news:flash', data: 'late' });
    ws1.push({ channel: 'room:lobby', data: 'marker' });
    await flush();
    assert.deepEqual(ended, ['news 111 no longer allowed', 'news:* 111 no longer allowed']);
    assert.deepEqual(got, ['lobby marker']);
    assert.deepEqual(subscribed, ['news', 'news:*', 'lobby']);
    assert.equal(news.ended, true);
    assert.equal(pattern.ended, true);
    assert.equal(lobby.ended, false);
    await news.unsubscribe(); // already ended: nothing to send
    assert.equal(ws1.last('unsubscribe'), undefined);

    ws1.drop(1006);
    mock.timers.tick(1000);
    const ws2 = FakeSocket.all[1];
    ws2.open();
    await flush();
    assert.deepEqual(ws2.sent.filter((f) => f.op === 'subscribe').map((f) => f.channel), ['room:lobby']);
  } finally {
    mock.timers.reset();
  }
});

test('channels the server subscribes go to serverSubscriptions and the message event, and are not renewed by the client', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const got = [];
    const subscribed = [];
    const sb = client({
      serverSubscriptions: {
        onMessage: (m) => got.push(`${m.channel} ${m.offset} ${m.data}`),
        onSubscribed: (recovered, reason, channel) => subscribed.push(`${channel} ${recovered}`),
      },
    });
    const events = [];
    sb.addEventListener('message', (e) => events.push(e.channel));
    const ws1 = FakeSocket.all[0];
    ws1.open();
    await flush();
    ws1.push({ channel: 'feed:a', subscribe: { offset: 4, epoch: 'e' } });
    ws1.push({ channel: 'news', subscribe: {} });
    ws1.push({ channel: 'feed:a', offset: 4, epoch: 'e', data: 'old' });
    ws1.push({ channel: 'feed:a', offset: 5, epoch: 'e', data: 'new' });
    ws1.push({ channel: 'news', data: 'hi' });
    await flush();
    assert.deepEqual(subscribed, ['feed:a true', 'news true']);
    assert.deepEqual(got, ['feed:a 5 new', 'news 0 hi']);
    assert.deepEqual(events, ['feed:a', 'news']);
    assert.equal(ws1.sent.filter((f) => f.op === 'subscribe').length, 0);

    ws1.drop(4003, 'connection expired: reconnect');
    mock.timers.tick(1000);
    const ws2 = FakeSocket.all[1];
    assert.ok(ws2, 'a 4003 close reconnects');
    ws2.open();
    await flush();
    assert.equal(ws2.sent.filter((f) => f.op === 'subscribe').length, 0, 'the server renews them');
    ws2.push({ channel: 'news', data: 'not granted again yet' });
    await flush();
    assert.deepEqual(got, ['feed:a 5 new', 'news 0 hi']);
  } finally {
    mock.timers.reset();
  }
});

test('a push that ends a subscription before its reply is handled is not followed by onSubscribed', async () => {
  const sb = client();
  const events = [];
  sb.subscribe('news', { onSubscribed: () => events.push('subscribed'), onUnsubscribed: (e) => events.push(`ended ${e.code}`) });
  const ws = FakeSocket.all[0];
  ws.open();
  await flush();
  ws.reply(ws.last('subscribe').id); // the reply and the push arrive back to back
  ws.push({ channel: 'news', unsubscribe: { code: 111, message: 'no longer allowed' } });
  await flush();
  assert.deepEqual(events, ['ended 111']);
  sb.close();
});

test('the binary envelopes round-trip', () => {
  const env = encodePublish(7, 'img:1', new Uint8Array([1, 2, 3]));
  assert.deepEqual([...env.slice(0, 7)], [1, 1, 0, 0, 0, 7, 5]);
  const push = new Uint8Array([2, 1, 0, 0, 0, 0, 0, 0, 0, 42, 2, 69, 49, 3, 97, 58, 98, 9, 8]);
  const p = decodePublication(push.buffer);
  assert.deepEqual({ ...p, payload: [...p.payload] }, { channel: 'a:b', offset: 42, epoch: 'E1', payload: [9, 8] });
  assert.equal(decodePublication(new Uint8Array([1, 0, 0]).buffer), null);
});

test('a subscription asks for traces, its messages carry them, and a publish sends one', async () => {
  const sb = client();
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const got = [];
  sb.subscribe('news', (m) => got.push(m), { trace: true });
  sb.subscribe('plain', (m) => got.push(m));
  const ws = FakeSocket.all[0];
  ws.open();
  await flush();
  assert.equal(ws.sent.find((m) => m.channel === 'news').trace, true);
  assert.equal(ws.sent.find((m) => m.channel === 'plain').trace, undefined);
  ws.push({ channel: 'news', trace: { traceparent, tracestate: 'k=v' }, data: 1 });
  ws.push({ channel: 'plain', data: 2 });
  const text = new TextEncoder().encode(`${traceparent} k=v`);
  const push = new Uint8Array([2, 2, 0, text.length, ...text, 4, 110, 101, 119, 115, 7]);
  ws.onmessage({ data: push.buffer });
  assert.deepEqual(got.map((m) => m.trace), [
    { traceparent, tracestate: 'k=v' }, undefined, { traceparent, tracestate: 'k=v' }]);
  assert.deepEqual([...got[2].bytes], [7]);
  const sent = sb.publish('news', 'hi', { trace: { traceparent } });
  await flush();
  assert.deepEqual(ws.last('publish').trace, { traceparent });
  ws.reply(ws.last('publish').id);
  await sent;
  await assert.rejects(sb.publish('news', new Uint8Array([1]), { trace: { traceparent } }));
  sb.close();
});

/** Records every event the client fires, as short strings, through addEventListener. */
function recorder(sb, types = ['open', 'message', 'error', 'close', 'reconnecting', 'statechange']) {
  const seen = [];
  const describe = {
    open: () => 'open',
    message: (e) => `message ${e.channel} ${e.offset} ${JSON.stringify(e.data)}`,
    error: (e) => `error${e.error ? ` ${e.error.code} ${e.error.message}` : ''}`,
    close: (e) => `close ${e.code} ${e.reason} ${e.wasClean}`,
    reconnecting: (e) => `reconnecting ${e.attempt} ${e.code}`,
    statechange: (e) => `state ${e.readyState}`,
  };
  for (const type of types) {
    sb.addEventListener(type, (e) => {
      assert.ok(e instanceof Event);
      assert.equal(e.type, type);
      seen.push(describe[type](e));
    });
  }
  return seen;
}

test('with a token, the client is OPEN only once the hub answers connect; only then do subscribes and waiting publishes go out', async () => {
  const sb = client({ token: () => Promise.resolve('T') });
  const seen = recorder(sb);
  sb.subscribe('demo:a', () => {});
  const published = sb.publish('demo:a', { n: 1 });
  const ws = FakeSocket.all[0];
  ws.open();
  await flush();
  assert.equal(sb.readyState, Switchboard.CONNECTING);
  assert.deepEqual(ws.sent.map((m) => m.op), ['connect']);
  assert.equal(ws.sent[0].token, 'T');
  assert.deepEqual(seen, []); // CONNECTING since the constructor
  await assert.rejects(sb.history('demo:a'), /not connected/);

  ws.reply(ws.sent[0].id);
  await flush();
  assert.equal(sb.readyState, Switchboard.OPEN);
  assert.deepEqual(seen, ['state 1', 'open']);
  assert.deepEqual(ws.sent.map((m) => m.op), ['connect', 'subscribe', 'publish']);
  ws.reply(ws.last('publish').id, { offset: 1, epoch: 'E' });
  assert.equal((await published).offset, 1);
  sb.close();
  assert.deepEqual(seen.slice(2), ['state 2', 'state 3', 'close 1000 bye true']);
});

test('without a token, the client is OPEN when the socket opens (there is no connect to answer)', async () => {
  const sb = client();
  const seen = recorder(sb, ['open', 'statechange']);
  FakeSocket.all[0].open();
  await flush();
  assert.equal(sb.readyState, Switchboard.OPEN);
  assert.deepEqual(FakeSocket.all[0].sent, []);
  assert.deepEqual(seen, ['state 1', 'open']);
  sb.close();
});

test('a refused connect fires error with the reason, closes the socket, fires close and does not reconnect', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const sb = client({ token: 'bad' });
    const seen = recorder(sb);
    const ws = FakeSocket.all[0];
    ws.open();
    await flush();
    ws.refuse(ws.sent[0].id, 116, 'invalid token');
    await flush();
    assert.equal(ws.readyState, 3);
    assert.deepEqual(seen, ['error 116 invalid token', 'state 3', 'close 1000 connect refused true']);
    mock.timers.tick(60000);
    assert.equal(FakeSocket.all.length, 1);
    await assert.rejects(sb.publish('demo:a', 1), /closed/);
  } finally {
    mock.timers.reset();
  }
});

test('a connect left unanswered closes the socket: reconnect after an earlier success, the end before any', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const sb = client({ token: 'T', requestTimeout: 500 });
    const seen = recorder(sb, ['open', 'reconnecting', 'close']);
    const ws1 = FakeSocket.all[0];
    ws1.open();
    await flush();
    ws1.reply(ws1.sent[0].id);
    await flush();
    ws1.drop(1006);
    mock.timers.tick(1000);
    const ws2 = FakeSocket.all[1];
    ws2.open();
    await flush();
    mock.timers.tick(500); // no reply to this connect
    await flush();
    assert.equal(ws2.readyState, 3);
    assert.equal(sb.readyState, Switchboard.CONNECTING);
    assert.deepEqual(seen, ['open', 'reconnecting 1 1006', 'reconnecting 2 1000']);

    const never = client({ token: 'T', requestTimeout: 500 });
    const ended = recorder(never, ['open', 'reconnecting', 'close']);
    FakeSocket.all[0].open();
    await flush();
    mock.timers.tick(500);
    await flush();
    assert.deepEqual(ended, ['close 1000 no reply to connect true']);
    assert.equal(never.readyState, Switchboard.CLOSED);
    sb.close();
  } finally {
    mock.timers.reset();
  }
});

test('a token function that fails fires error and ends the client', async () => {
  const sb = client({ token: () => Promise.reject(new Error('no session')) });
  const seen = recorder(sb, ['open', 'error', 'close']);
  FakeSocket.all[0].open();
  await flush();
  assert.deepEqual(seen, ['error 0 the token function failed: no session', 'close 4500 no token true']);
  assert.equal(sb.readyState, Switchboard.CLOSED);
});

test('a socket closed while the token is fetched never makes the client OPEN', async () => {
  let give;
  const sb = client({ token: () => new Promise((resolve) => (give = resolve)) });
  const seen = recorder(sb, ['open', 'close']);
  FakeSocket.all[0].open();
  sb.close();
  give('T');
  await flush();
  assert.deepEqual(seen, ['close 1000 bye true']);
  assert.equal(sb.readyState, Switchboard.CLOSED);
  assert.deepEqual(FakeSocket.all[0].sent, []);
});

test('a socket error fires a plain error Event; a socket that cannot be made fires error, then a close 1006', async () => {
  const sb = client();
  const seen = recorder(sb, ['error', 'close']);
  FakeSocket.all[0].fail();
  assert.deepEqual(seen, ['error']);
  sb.close();

  class Refusing {
    constructor() {
      throw new Error('bad url');
    }
  }
  const broken = new Switchboard('nonsense', { WebSocket: Refusing, autoConnect: false });
  const events = recorder(broken, ['error', 'close']);
  broken.connect();
  assert.deepEqual(events, ['error 0 cannot open nonsense: bad url', 'close 1006 cannot open nonsense: bad url false']);
});

test('on<type> properties are listeners like WebSocket ones: in order with the others, replaced in place, removed by null', async () => {
  const sb = client();
  const calls = [];
  sb.addEventListener('open', () => calls.push('first listener'));
  sb.onopen = () => calls.push('old property');
  sb.addEventListener('open', () => calls.push('last listener'));
  const replaced = function (e) {
    calls.push(`property (this is the client: ${this === sb}, ${e.type})`);
  };
  sb.onopen = replaced;
  assert.equal(sb.onopen, replaced);
  sb.onmessage = (e) => calls.push(`onmessage ${e.channel} ${e.data}`);
  sb.subscribe('demo:a', () => {});
  const ws = FakeSocket.all[0];
  ws.open();
  await flush();
  ws.push({ channel: 'demo:a', offset: 1, epoch: 'E', data: 'x' });
  ws.push({ channel: 'demo:other', offset: 1, epoch: 'E', data: 'not subscribed' });
  sb.onmessage = null;
  assert.equal(sb.onmessage, null);
  ws.push({ channel: 'demo:a', offset: 2, epoch: 'E', data: 'y' });
  assert.deepEqual(calls, [
    'first listener',
    'property (this is the client: true, open)',
    'last listener',
    'onmessage demo:a x',
  ]);
  sb.close();
});

test('a message event carries each publication once, however many subscriptions it reaches', async () => {
  const sb = client();
  const seen = recorder(sb, ['message']);
  const handled = [];
  sb.subscribe('news:flash', (m) => handled.push(`exact ${m.data}`));
  sb.subscribe('news:*', (m) => handled.push(`pattern ${m.data}`));
  const ws = FakeSocket.all[0];
  ws.open();
  await flush();
  ws.push({ channel: 'news:flash', offset: 4, epoch: 'E', data: 'hi' });
  assert.deepEqual(handled, ['exact hi', 'pattern hi']);
  assert.deepEqual(seen, ['message news:flash 4 "hi"']);
  sb.close();
});

test('a 1012 close (service restart) reconnects after the restart jitter, not the backoff; a failed attempt goes on with the backoff', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const sb = client({ backoffInitial: 100, backoffMax: 1000, restartJitter: 40 });
    const got = [];
    sb.subscribe('demo:a', { onMessage: (m) => got.push(m.offset) });
    const ws1 = FakeSocket.all[0];
    ws1.open();
    await flush();
    ws1.reply(ws1.last('subscribe').id, { offset: 0, epoch: 'E1' });
    ws1.push({ channel: 'demo:a', offset: 1, epoch: 'E1', data: 'x' });

    const seen = [];
    sb.onreconnecting = (e) => seen.push([e.attempt, e.delay, e.code]);
    ws1.drop(1012, 'server shutting down');
    assert.equal(sb.readyState, Switchboard.CONNECTING);
    assert.deepEqual(seen, [[1, 20, 1012]]); // random 0.5 of the jitter 40, not of the backoff 100
    mock.timers.tick(20);
    const ws2 = FakeSocket.all[1];
    ws2.drop(1006); // the balancer still sent it to the node going away
    assert.deepEqual(seen[1], [2, 100, 1006]); // the backoff's second step: 0.5 of 200
    mock.timers.tick(100);
    const ws3 = FakeSocket.all[2];
    ws3.open();
    await flush();
    const renewed = ws3.last('subscribe');
    assert.deepEqual(renewed.since, { offset: 1, epoch: 'E1' });
    ws3.reply(renewed.id, { recovered: true, offset: 1, epoch: 'E1' });
    ws3.push({ channel: 'demo:a', offset: 1, epoch: 'E1', data: 'x' }); // one it has: skipped
    ws3.push({ channel: 'demo:a', offset: 2, epoch: 'E1', data: 'y' });
    assert.deepEqual(got, [1, 2]);
  } finally {
    mock.timers.reset();
  }
});

test('rpc sends method and data, resolves to the result data, and rejects with the application error', async () => {
  const sb = client();
  const ws = FakeSocket.all[0];
  ws.open();
  await flush();
  const answered = sb.rpc('orders.get', { id: 7 });
  const sent = ws.last('rpc');
  assert.deepEqual({ method: sent.method, data: sent.data }, { method: 'orders.get', data: { id: 7 } });
  ws.push({ id: sent.id, result: { data: { total: 3 } } });
  assert.deepEqual(await answered, { total: 3 });

  const refused = sb.rpc('orders.get', { id: 8 });
  ws.push({ id: ws.last('rpc').id, error: { code: 117, message: 'no such order', app_code: 404 } });
  await assert.rejects(refused, (e) => e.code === 117 && e.appCode === 404 && e.message === 'no such order');
  sb.close();
});
