/**
 * switchboard.js — a browser client for the Switchboard hub protocol (docs/PROTOCOL.md).
 *
 * A plain ES module with no build step and no dependency. It is built like the browser's
 * WebSocket: an EventTarget with the same readyState constants and events (`open`, `message`,
 * `error`, `close`), heard through addEventListener or the `onxxx` properties; plus channels,
 * recovery and reconnects.
 *
 *   import { Switchboard } from './js/switchboard.js';
 *   const sb = new Switchboard('ws://127.0.0.1:8080/ws', { token: () => fetchToken() });
 *   const sub = sb.subscribe('demo:lobby', {
 *     onMessage: (m) => console.log(m.channel, m.offset, m.data),      // m.bytes for binary
 *     onSubscribed: (recovered, reason) => { if (!recovered) reload(); },
 *     onJoin: (client) => {}, onLeave: (client) => {},
 *     onUnsubscribed: (error) => {},     // the server ended it (error.code, e.g. 111); not renewed
 *   });
 *   await sb.publish('demo:lobby', { text: 'hi' });                    // resolves with the reply
 *   await sb.publish('demo:files', someArrayBufferOrBlob);            // binary publication
 *   await sb.publish('demo:lobby', 'hi', { trace: { traceparent: '00-...-01' } }); // W3C context
 *   sb.subscribe('demo:lobby', (m) => console.log(m.trace), { trace: true });   // ask for traces
 *   sub.unsubscribe();
 *   sb.addEventListener('close', (e) => console.log(e.code, e.reason, e.wasClean)); // or sb.onclose
 *
 * Events (each also an `on<type>` property, called among the listeners like WebSocket's):
 *   open         an Event: the hub accepted the connection; readyState is OPEN
 *   message      every publication delivered to a subscription: an Event with channel, offset,
 *                epoch and data (JSON) or bytes (Uint8Array, binary), and trace ({traceparent,
 *                tracestate?}) when the subscription asked for traces and the publication has one
 *   error        an Event; `error` (a SwitchboardError) says what failed when the library knows
 *                (a refused `connect`, a failing token function, a socket that cannot be made)
 *   close        the client ended for good: a CloseEvent (code, reason, wasClean: the closing
 *                handshake completed, or close() was called while no socket was open)
 *   reconnecting an Event with attempt, delay (ms), code and reason of the close that broke it
 *   statechange  an Event with readyState, each time readyState changes (before open or close)
 *   transport    an Event with transport ('websocket' or 'sse'), each time the transport changes
 *
 * OPEN means the hub accepted the connection: with a token, when the reply to `connect` arrives
 * (the socket's own open is not enough); without one, when the socket opens. A refused `connect`
 * fires error, ends the client (like a final close code) and fires close; a `connect` with no
 * reply within `requestTimeout` closes the socket and is treated like any broken connection.
 *
 * Reconnects: when the connection breaks, the client waits a random delay in
 * [0, min(max, initial * 2^(attempt-1))] (exponential backoff, full jitter), reconnects, sends
 * `connect` with the token (asked again each time when a function), renews every subscription
 * from the last offset and epoch it saw, and sends what was published meanwhile. A subscription
 * hears `onSubscribed(false, reason)` when the missed publications could not be recovered, and
 * skips a publication it already had (same epoch, offset not past the last), so none is seen twice.
 * After a close with 1012 (service restart: the node is shutting down) the delay is random in
 * [0, restartJitter] instead of the backoff; should that reconnect fail, the backoff goes on from
 * its second step.
 * A subscription the server ends (an `unsubscribe` push, e.g. after a refresh to a token that no
 * longer allows it) gets `ended = true`, hears `onUnsubscribed(error)` and is not renewed.
 * Channels the server subscribes the connection to itself (a `subscribe` push, granted by the
 * application at connect) go to `options.serverSubscriptions` and the `message` event; the server
 * renews them on each connection, live from then on. A connection the application lets expire
 * is closed with 4003 and reconnects like any other.
 * Close codes 1002, 1007, 1008 and 4500-4999 are final: no reconnect, `close` fires and
 * readyState becomes CLOSED. While reconnecting, readyState is CONNECTING and `reconnecting` fires.
 *
 * Publishes made while disconnected wait (at most `maxPending`) and reject after
 * `requestTimeout`; a publish whose connection broke before its reply rejects too. Nothing is
 * dropped silently.
 *
 * Transports: WebSocket first; where it cannot be had, the same protocol over Server-Sent Events
 * (a `fetch` stream of `GET <base>/sse`) and POSTs (`<base>/sse/<session>`), see docs/PROTOCOL.md.
 * The client falls back when a WebSocket fails before it opens (once on a page that never had
 * one open, else twice in a row), or is cut right after the upgrade, before the server said
 * anything, twice in a row (a proxy that breaks WebSocket after its 101). On SSE it recovers like
 * on WebSocket, and every `upgradeInterval` it tries a WebSocket in the background: once that one
 * answers (`connect`, or a `ping` without a token), the subscriptions move over with `since` and
 * the stream is closed once its last replies are in. `transport` says which one is in use and a
 * `transport` event fires when it changes. Channels with history lose nothing in a switch;
 * channels without history may miss what was published in that moment, as in a reconnect.
 *
 * @module switchboard
 */

// Kept equal to dev.switchboard.protocol.CloseCode.isFinal by CloseCodeTest.
const FINAL_CODES = new Set([1002, 1007, 1008]);
// The node is shutting down (dev.switchboard.protocol.CloseCode.SERVICE_RESTART): reconnect soon.
const SERVICE_RESTART = 1012;
const isFinal = (code) => FINAL_CODES.has(code) || (code >= 4500 && code <= 4999);
// A WebSocket that breaks this soon after its open without a word from the server was most
// likely cut by something in between (a proxy that passes the 101 and then drops the stream),
// not by a network failure of a connection that worked. A server answers `connect` or a
// subscribe within milliseconds; 5 s leaves room for a loaded machine.
const CUT_WINDOW = 5000;

/** Error of a refused or failed request: `code` is the protocol error code, `closeCode` a close. */
export class SwitchboardError extends Error {
  constructor(message, code = 0, closeCode = 0) {
    super(message);
    this.name = 'SwitchboardError';
    this.code = code;
    this.closeCode = closeCode;
  }
}

/** The event types that also have an `on<type>` property. */
const EVENT_TYPES = ['open', 'message', 'error', 'close', 'reconnecting', 'statechange', 'transport'];

/** An Event carrying `fields` as properties. */
function eventOf(type, fields = {}) {
  return Object.assign(new Event(type), fields);
}

/** The browser's CloseEvent; where there is none (Node), an Event with the same three fields. */
const CloseEventType = globalThis.CloseEvent || class CloseEvent extends Event {
  constructor(type, { code = 0, reason = '', wasClean = false } = {}) {
    super(type);
    this.code = code;
    this.reason = reason;
    this.wasClean = wasClean;
  }
};

export class Switchboard extends EventTarget {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;

  /**
   * @param {string} url ws:// or wss:// URL of the hub (…/ws)
   * @param {object} [options]
   * @param {string|function():(string|Promise<string>)} [options.token] JWT, or a function giving one
   * @param {number} [options.backoffInitial=250] first reconnect delay cap, ms
   * @param {number} [options.backoffMax=30000] largest reconnect delay, ms
   * @param {number} [options.restartJitter=1000] largest reconnect delay after a 1012 close, ms
   * @param {number} [options.requestTimeout=10000] ms before a request (or a waiting publish) rejects
   * @param {number} [options.maxPending=1000] publishes that may wait for a connection
   * @param {boolean} [options.autoConnect=true] connect at once
   * @param {{onMessage?:function, onSubscribed?:function(boolean, null, string)}} [options.serverSubscriptions]
   *     handler of the channels the server subscribes the connection to (a `subscribe` push: the
   *     application granted them at connect); onSubscribed gets the channel third. They are
   *     not renewed by the client: the server makes them again on each connection
   * @param {string[]} [options.transports=['websocket','sse']] the transports to use, in order
   *     of preference: ['sse'] never tries WebSocket, ['websocket'] never falls back
   * @param {string} [options.sseUrl] the SSE stream's URL; default the WebSocket URL with http(s)
   *     and `sse` for its last path segment (…/ws → …/sse, …/live/hub → …/live/sse)
   * @param {number} [options.upgradeInterval=60000] ms between background WebSocket tries on SSE
   * @param {number} [options.wsOpenTimeout=10000] ms a WebSocket may take to open before it
   *     counts as failed
   * @param {function} [options.WebSocket] WebSocket constructor (tests); default the browser's
   * @param {function} [options.fetch] fetch replacement (tests); default the browser's
   * @param {function} [options.random] Math.random replacement (tests)
   */
  constructor(url, options = {}) {
    super();
    this.url = url;
    this.options = {
      backoffInitial: 250,
      backoffMax: 30000,
      restartJitter: 1000,
      requestTimeout: 10000,
      maxPending: 1000,
      autoConnect: true,
      transports: ['websocket', 'sse'],
      upgradeInterval: 60000,
      wsOpenTimeout: 10000,
      random: Math.random,
      ...options,
    };
    this.WebSocket = this.options.WebSocket || globalThis.WebSocket;
    this._fetch = this.options.fetch || ((...args) => globalThis.fetch(...args));
    this.sseUrl = this.options.sseUrl || sseUrlOrEmpty(url); // empty: no SSE for this URL
    this._transport = this.options.transports[0] === 'sse' ? 'sse' : 'websocket';
    this._wsFailures = 0; // WebSockets in a row that failed to open or were cut at once
    this._everWsOpen = false; // a WebSocket opened once: it takes two failures to fall back
    this._draining = new Set(); // a transport left behind, kept until its last replies are in
    this._probe = null; // the background WebSocket tried while on SSE
    this._upgradeTimer = null;
    this._handlers = new Map(); // type -> {handler, listener} of the on<type> properties
    this._ws = null;
    this._state = Switchboard.CLOSED;
    this._closing = false; // close() was called or the hub refused `connect`: no reconnect
    this._attempt = 0;
    this._nextId = 1;
    this._pending = new Map(); // id -> {resolve, reject, timer}
    this._waiting = []; // publishes made while disconnected
    this._subs = new Map(); // channel -> subscription
    this._timer = null;
    if (this.options.autoConnect) this.connect();
  }

  /**
   * CONNECTING (also while reconnecting, and until the hub answers `connect`), OPEN, CLOSING or
   * CLOSED, like a WebSocket.
   */
  get readyState() {
    return this._state;
  }

  /** The transport in use or being tried: 'websocket' or 'sse'. */
  get transport() {
    return this._transport;
  }

  /** Bytes queued by the browser on the current socket and not yet sent. */
  get bufferedAmount() {
    return this._ws ? this._ws.bufferedAmount : 0;
  }

  /** Opens the connection (called by the constructor unless autoConnect is false). */
  connect() {
    if (this._ws || this._closing) return;
    this._setState(Switchboard.CONNECTING);
    if (this._transport === 'sse') {
      const sse = new SseSocket(this.sseUrl, this._fetch);
      this._ws = sse;
      this._wire(sse, { opened: false, received: false, fresh: false });
      return;
    }
    let ws;
    try {
      ws = new this.WebSocket(this.url, 'switchboard.v1');
    } catch (e) {
      this._fail(new SwitchboardError(`cannot open ${this.url}: ${e.message}`));
      return;
    }
    ws.binaryType = 'arraybuffer';
    this._ws = ws;
    const info = { opened: false, received: false, fresh: false };
    info.timer = setTimeout(() => {
      if (ws !== this._ws || info.opened) return;
      this._closed(ws, 1006, `no open within ${this.options.wsOpenTimeout} ms`, false, info);
      ws.close();
    }, this.options.wsOpenTimeout);
    this._wire(ws, info);
  }

  /**
   * Routes a socket's events to the client. `info` notes what the fallback decision needs: did
   * it open, did the server say anything, is it still within CUT_WINDOW of its open.
   */
  _wire(ws, info) {
    ws.onopen = (event) => {
      info.opened = true;
      info.fresh = true;
      clearTimeout(info.timer);
      info.timer = setTimeout(() => { info.fresh = false; }, CUT_WINDOW);
      if (!(ws instanceof SseSocket)) this._everWsOpen = true;
      this._opened(ws, event);
    };
    ws.onmessage = (event) => {
      if (!info.received && ws === this._ws && !(ws instanceof SseSocket)) this._wsFailures = 0;
      info.received = true;
      this._received(ws, event.data);
    };
    ws.onerror = () => { if (ws === this._ws) this.dispatchEvent(new Event('error')); };
    ws.onclose = (event) => {
      clearTimeout(info.timer);
      this._closed(ws, event.code, event.reason, Boolean(event.wasClean), info);
    };
  }

  /**
   * Subscribes to a channel (or a pattern like `orders:*`, live only).
   * @param {string} channel
   * @param {function(object)|{onMessage?:function, onSubscribed?:function, onJoin?:function, onLeave?:function, onError?:function, onUnsubscribed?:function}} handler
   * @param {{since?:{offset:number, epoch:string}, info?:any, trace?:boolean}} [options] start
   *     after a position; info shown in presence; trace: messages carry the publisher's trace
   *     context as `trace` ({traceparent, tracestate?}) when the publication has one
   * @returns {{channel:string, offset:number, epoch:string, ended:boolean, unsubscribe:function():Promise}}
   *     ended: true once unsubscribed by the application, refused or ended by the server
   */
  subscribe(channel, handler, options = {}) {
    const h = typeof handler === 'function' ? { onMessage: handler } : handler;
    const since = options.since;
    const sub = {
      channel,
      info: options.info,
      trace: Boolean(options.trace),
      offset: since ? since.offset : 0,
      epoch: since ? since.epoch : '',
      pattern: channel.endsWith('*'),
      ended: false,
      handler: h,
      unsubscribe: () => this._unsubscribe(sub),
    };
    this._subs.set(channel, sub);
    if (this._state === Switchboard.OPEN) this._sendSubscribe(sub);
    return sub;
  }

  /**
   * Publishes a JSON value, or binary data (ArrayBuffer, typed array or Blob).
   * @param {{trace?:{traceparent:string, tracestate?:string}}} [options] trace: the W3C trace
   *     context that travels with a JSON publication (e.g. what an OpenTelemetry propagator
   *     injects into a carrier object); binary publishes carry none
   * @returns {Promise<object>} the server's reply, e.g. {id, ok:true, offset, epoch}
   */
  async publish(channel, data, options = {}) {
    let binary = null;
    if (typeof Blob !== 'undefined' && data instanceof Blob) {
      binary = new Uint8Array(await data.arrayBuffer());
    } else if (data instanceof ArrayBuffer) {
      binary = new Uint8Array(data);
    } else if (ArrayBuffer.isView(data)) {
      binary = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    }
    if (binary && options.trace) throw new SwitchboardError('a binary publish carries no trace');
    const id = this._nextId++;
    const command = { id, op: 'publish', channel, data };
    if (options.trace) command.trace = options.trace;
    const frame = binary ? encodePublish(id, channel, binary) : JSON.stringify(command);
    if (this._state === Switchboard.OPEN) return this._request(id, frame);
    if (this._closing || this._state === Switchboard.CLOSED && this._final) {
      throw new SwitchboardError('the client is closed');
    }
    if (this._waiting.length >= this.options.maxPending) {
      throw new SwitchboardError(`not connected and ${this.options.maxPending} publishes already wait`);
    }
    return new Promise((resolve, reject) => {
      const entry = { id, frame, resolve, reject };
      entry.timer = setTimeout(() => {
        const i = this._waiting.indexOf(entry);
        if (i >= 0) {
          this._waiting.splice(i, 1);
          reject(new SwitchboardError(`not connected: publish timed out after ${this.options.requestTimeout} ms`));
        }
      }, this.options.requestTimeout);
      this._waiting.push(entry);
    });
  }

  /** The history reply {publications:[{offset,data}], offset, epoch}. */
  history(channel, { limit, since, reverse } = {}) {
    return this._command({ op: 'history', channel, limit, since, reverse });
  }

  /** The presence reply {clients:[{client,user,info}], count}. */
  presence(channel) {
    return this._command({ op: 'presence', channel });
  }

  /**
   * Calls `method` on the server's application (its backend, `proxy.rpc.url`) with `data` (any
   * JSON value); resolves to the data it answered. Rejects with a SwitchboardError: code 117 with
   * `appCode` when the application answered an error, 112 when nothing answers rpc, 109 when its
   * backend could not answer.
   */
  rpc(method, data = null) {
    return this._command({ op: 'rpc', method, data }).then((m) => m.result.data);
  }

  /** Closes for good (no reconnect). */
  close(code = 1000, reason = 'bye') {
    this._closing = true;
    clearTimeout(this._timer);
    this._stopUpgrades();
    for (const left of this._draining) left.close(1000, 'moved to websocket');
    const ws = this._ws;
    if (ws && ws.readyState <= 1) {
      this._setState(Switchboard.CLOSING);
      ws.close(code, reason);
    } else {
      this._finish(code, reason, true); // no socket to close: nothing was torn down
    }
  }

  // ---- internals --------------------------------------------------------------------------------

  /** The socket opened: OPEN now without a token, else once the hub answers `connect`. */
  async _opened(ws) {
    if (ws !== this._ws) return;
    let token;
    try {
      token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    } catch (e) {
      if (ws !== this._ws) return;
      this._error(new SwitchboardError(`the token function failed: ${e && e.message}`));
      ws.close(4500, 'no token');
      return;
    }
    if (ws !== this._ws) return; // closed while the token was fetched
    if (!token) {
      this._connected();
      return;
    }
    const id = this._nextId++;
    this._request(id, JSON.stringify({ id, op: 'connect', token })).then(
      () => { if (ws === this._ws) this._connected(); },
      (error) => {
        if (ws !== this._ws || error.closeCode) return; // the socket closed first: _closed handles it
        if (error.code) {
          // A refused token will not get better by retrying: end like a final close code.
          this._closing = true;
          this._error(error);
          ws.close(1000, 'connect refused');
        } else {
          // No reply in time: do not wait on it; this connection counts as broken.
          ws.close(1000, 'no reply to connect');
        }
      },
    );
  }

  _connected() {
    this._attempt = 0;
    this._everOpen = true;
    this._setState(Switchboard.OPEN);
    // The server makes its own subscriptions again on the new connection, with a push each.
    for (const [channel, sub] of this._subs) if (sub.byServer) this._subs.delete(channel);
    for (const sub of this._subs.values()) this._sendSubscribe(sub);
    for (const entry of this._waiting.splice(0)) {
      clearTimeout(entry.timer);
      this._request(entry.id, entry.frame).then(entry.resolve, entry.reject);
    }
    this.dispatchEvent(new Event('open'));
    this._scheduleUpgrade();
  }

  _closed(ws, code, reason, wasClean, info = { opened: true }) {
    if (this._draining.delete(ws)) {
      this._rejectPending(ws, code, reason);
      return;
    }
    if (ws !== this._ws) return;
    this._ws = null;
    this._stopUpgrades();
    this._rejectPending(ws, code, reason);
    if (this._closing || isFinal(code)) {
      this._finish(code, reason, wasClean);
      return;
    }
    const retry = this._nextTransport(ws, code, info);
    if (retry === 'now' && !this._everOpen) {
      this._timer = setTimeout(() => this.connect(), 0);
      return;
    }
    if (!this._everOpen && !retry) {
      this._finish(code, reason, wasClean);
      return;
    }
    this._setState(Switchboard.CONNECTING);
    this._attempt++;
    const cap = code === SERVICE_RESTART
      ? this.options.restartJitter
      : Math.min(this.options.backoffMax, this.options.backoffInitial * 2 ** Math.min(20, this._attempt - 1));
    // A move to SSE goes at once: the backoff is for retrying what just failed.
    const delay = retry === 'now' ? 0 : Math.floor(this.options.random() * (cap + 1));
    this.dispatchEvent(eventOf('reconnecting', { attempt: this._attempt, delay, code, reason }));
    this._timer = setTimeout(() => this.connect(), delay);
  }

  /**
   * Picks the transport of the next attempt after `ws` broke. Returns 'now' to fall back to SSE
   * at once, true to retry with the backoff even before any success (a WebSocket failure that
   * SSE may get around), false otherwise.
   */
  _nextTransport(ws, code, info) {
    const canSse = this.options.transports.includes('sse') && Boolean(this.sseUrl);
    const canWs = this.options.transports.includes('websocket');
    if (ws instanceof SseSocket) {
      // A stream that cannot be had: WebSocket may work again (a server back after a restart).
      if (!info.opened && canWs && this._everOpen) {
        this._wsFailures = 1; // one more WebSocket failure brings SSE back
        this._setTransport('websocket');
      }
      return false;
    }
    const kind = wsFailure(info, code);
    if (!kind) {
      this._wsFailures = 0;
      return false;
    }
    this._wsFailures++;
    if (!canSse) return false;
    if (fallsBack(kind, this._wsFailures, this._everWsOpen)) {
      this._setTransport('sse');
      return 'now';
    }
    return true;
  }

  _rejectPending(ws, code, reason) {
    for (const [id, p] of this._pending) {
      if (p.ws !== ws) continue;
      this._pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new SwitchboardError(`connection closed (${code} ${reason}) before the reply`, 0, code));
    }
  }

  _setTransport(transport) {
    if (this._transport === transport) return;
    this._transport = transport;
    this.dispatchEvent(eventOf('transport', { transport }));
  }

  /** On SSE, tries a WebSocket again after `upgradeInterval`. */
  _scheduleUpgrade() {
    clearTimeout(this._upgradeTimer);
    this._upgradeTimer = null;
    if (this._transport !== 'sse' || this._closing || this._probe) return;
    if (!this.options.transports.includes('websocket')) return;
    this._upgradeTimer = setTimeout(() => this._tryUpgrade(), this.options.upgradeInterval);
  }

  _stopUpgrades() {
    clearTimeout(this._upgradeTimer);
    this._upgradeTimer = null;
    const probe = this._probe;
    this._probe = null;
    if (probe) {
      clearTimeout(probe.sbTimer);
      silence(probe);
      probe.close();
    }
  }

  /**
   * Opens a WebSocket beside the SSE stream; once it answers (`connect`, or `ping` without a
   * token: a proxy that cuts after the upgrade never lets an answer through), the client moves.
   */
  _tryUpgrade() {
    if (this._state !== Switchboard.OPEN || this._transport !== 'sse' || this._probe) return;
    let ws;
    try {
      ws = new this.WebSocket(this.url, 'switchboard.v1');
    } catch {
      this._scheduleUpgrade();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this._probe = ws;
    let id = 0;
    const fail = () => {
      if (this._probe !== ws) return;
      this._stopUpgrades();
      this._scheduleUpgrade();
    };
    ws.sbTimer = setTimeout(fail, this.options.wsOpenTimeout);
    ws.onopen = async () => {
      if (this._probe !== ws) return;
      clearTimeout(ws.sbTimer);
      ws.sbTimer = setTimeout(fail, this.options.requestTimeout);
      let token;
      try {
        token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
      } catch {
        fail();
        return;
      }
      if (this._probe !== ws) return;
      id = this._nextId++;
      ws.send(JSON.stringify(token ? { id, op: 'connect', token } : { id, op: 'ping' }));
    };
    ws.onmessage = (event) => {
      if (this._probe !== ws || !id || typeof event.data !== 'string') return;
      let m;
      try {
        m = JSON.parse(event.data);
      } catch {
        return;
      }
      if (m.id !== id) return;
      if (!m.ok && !m.result) {
        fail();
        return;
      }
      clearTimeout(ws.sbTimer);
      this._probe = null;
      this._switchTo(ws);
    };
    ws.onerror = () => {};
    ws.onclose = fail;
  }

  /**
   * Makes the answered WebSocket `ws` the client's: subscriptions move over with `since` (the
   * offsets seen so far), and the stream left behind is read only for the replies still due on
   * it, then closed. Its publications are no longer delivered: the new subscriptions recover
   * them, and offsets drop what comes twice.
   */
  _switchTo(ws) {
    const old = this._ws;
    this._ws = ws;
    this._wire(ws, { opened: true, received: true, fresh: false });
    this._everWsOpen = true;
    this._wsFailures = 0;
    this._setTransport('websocket');
    for (const [channel, sub] of this._subs) if (sub.byServer) this._subs.delete(channel);
    for (const sub of this._subs.values()) this._sendSubscribe(sub);
    if (!old) return;
    this._draining.add(old);
    setTimeout(() => { if (this._draining.has(old)) old.close(1000, 'moved to websocket'); },
      this.options.requestTimeout);
    this._drained(old);
  }

  /** Closes a transport left behind once no reply is due on it. */
  _drained(ws) {
    for (const p of this._pending.values()) if (p.ws === ws) return;
    ws.close(1000, 'moved to websocket');
  }

  _finish(code, reason, wasClean) {
    this._setState(Switchboard.CLOSED);
    this._final = true;
    for (const entry of this._waiting.splice(0)) {
      clearTimeout(entry.timer);
      entry.reject(new SwitchboardError(`client closed (${code} ${reason})`, 0, code));
    }
    this.dispatchEvent(new CloseEventType('close', { code, reason, wasClean }));
  }

  _fail(error) {
    this._error(error);
    this._finish(1006, error.message, false);
  }

  /** Fires `error`: an Event whose `error` says what failed. */
  _error(error) {
    this.dispatchEvent(eventOf('error', { error }));
  }

  _setState(state) {
    if (this._state === state) return;
    this._state = state;
    this.dispatchEvent(eventOf('statechange', { readyState: state }));
  }

  _command(fields) {
    if (this._state !== Switchboard.OPEN) return Promise.reject(new SwitchboardError('not connected'));
    const id = this._nextId++;
    const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    return this._request(id, JSON.stringify({ id, ...clean }));
  }

  _request(id, frame) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this._pending.delete(id)) reject(new SwitchboardError(`no reply within ${this.options.requestTimeout} ms`));
      }, this.options.requestTimeout);
      this._pending.set(id, { resolve, reject, timer, ws: this._ws });
      if (!this._ws || this._ws.readyState !== 1) {
        this._pending.delete(id);
        clearTimeout(timer);
        reject(new SwitchboardError('not connected'));
        return;
      }
      this._ws.send(frame);
    });
  }

  _sendSubscribe(sub) {
    const id = this._nextId++;
    const msg = { id, op: 'subscribe', channel: sub.channel };
    if (sub.info !== undefined) msg.info = sub.info;
    if (sub.trace) msg.trace = true;
    if (!sub.pattern && (sub.offset > 0 || sub.epoch)) msg.since = { offset: sub.offset, epoch: sub.epoch };
    this._request(id, JSON.stringify(msg)).then(
      (reply) => {
        if (sub.ended) return; // ended by a push that overtook this reply's callback
        const recovered = reply.recovered !== false;
        if (reply.epoch !== undefined && (!recovered || !sub.epoch)) {
          sub.offset = reply.offset;
          sub.epoch = reply.epoch;
        }
        if (sub.handler.onSubscribed) sub.handler.onSubscribed(recovered, reply.reason || null);
      },
      (error) => {
        if (error.code) {
          sub.ended = true;
          this._subs.delete(sub.channel);
          if (sub.handler.onError) sub.handler.onError(error);
        }
      },
    );
  }

  _unsubscribe(sub) {
    if (sub.ended) return Promise.resolve(); // the server already ended it
    sub.ended = true;
    this._subs.delete(sub.channel);
    if (this._state !== Switchboard.OPEN) return Promise.resolve();
    return this._command({ op: 'unsubscribe', channel: sub.channel });
  }

  _received(ws, data) {
    if (ws !== this._ws) {
      if (this._draining.has(ws) && typeof data === 'string') {
        const m = parseJson(data);
        if (m && m.id !== undefined) {
          this._reply(m);
          this._drained(ws);
        }
      }
      return;
    }
    if (typeof data !== 'string') {
      const p = decodePublication(data);
      if (p) {
        const message = { channel: p.channel, offset: p.offset, epoch: p.epoch, bytes: p.payload };
        if (p.trace) message.trace = p.trace;
        this._deliver(p.channel, message);
      }
      return;
    }
    const m = parseJson(data);
    if (!m) return;
    if (m.id !== undefined) {
      this._reply(m);
      return;
    }
    if (!m.channel) return;
    if ('data' in m) {
      const message = { channel: m.channel, offset: m.offset || 0, epoch: m.epoch || '', data: m.data };
      if (m.trace) message.trace = m.trace;
      this._deliver(m.channel, message);
    } else if (m.join) {
      this._event(m.channel, 'onJoin', m.join);
    } else if (m.leave) {
      this._event(m.channel, 'onLeave', m.leave);
    } else if (m.unsubscribe) {
      this._ended(m.channel, m.unsubscribe);
    } else if (m.subscribe) {
      this._serverSubscribed(m.channel, m.subscribe);
    }
  }

  _reply(m) {
    const p = this._pending.get(m.id);
    if (!p) return;
    this._pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok || m.result) p.resolve(m);
    else {
      const error = new SwitchboardError(m.error ? m.error.message : 'error', m.error ? m.error.code : 0);
      if (m.error && m.error.app_code !== undefined) error.appCode = m.error.app_code;
      p.reject(error);
    }
  }

  /**
   * The server subscribed the connection to `channel` (the application granted it at connect):
   * its publications go to `options.serverSubscriptions` (and the `message` event). One the
   * application subscribed itself stays its own.
   */
  _serverSubscribed(channel, position) {
    let sub = this._subs.get(channel);
    if (sub && !sub.byServer) return;
    if (!sub) {
      sub = {
        channel,
        offset: 0,
        epoch: '',
        pattern: channel.endsWith('*'),
        ended: false,
        byServer: true,
        handler: this.options.serverSubscriptions || {},
        unsubscribe: () => this._unsubscribe(sub),
      };
      this._subs.set(channel, sub);
    }
    if (position.epoch !== undefined) {
      sub.offset = position.offset;
      sub.epoch = position.epoch;
    }
    if (sub.handler.onSubscribed) sub.handler.onSubscribed(true, null, channel);
  }

  /** The server ended the subscription to `channel` (a channel or a pattern, never matched). */
  _ended(channel, reason) {
    const sub = this._subs.get(channel);
    if (!sub) return;
    this._subs.delete(channel);
    sub.ended = true;
    if (sub.handler.onUnsubscribed) sub.handler.onUnsubscribed(new SwitchboardError(reason.message, reason.code));
  }

  _matching(channel) {
    const out = [];
    const exact = this._subs.get(channel);
    if (exact) out.push(exact);
    for (const sub of this._subs.values()) {
      if (sub.pattern && channel.startsWith(sub.channel.slice(0, -1))) out.push(sub);
    }
    return out;
  }

  _deliver(channel, message) {
    let delivered = false;
    for (const sub of this._matching(channel)) {
      if (!sub.pattern && message.offset > 0) {
        if (message.epoch === sub.epoch && message.offset <= sub.offset) continue; // had it already
        sub.offset = message.offset;
        sub.epoch = message.epoch;
      }
      delivered = true;
      if (sub.handler.onMessage) sub.handler.onMessage(message);
    }
    if (delivered) this.dispatchEvent(eventOf('message', message));
  }

  _event(channel, name, client) {
    for (const sub of this._matching(channel)) if (sub.handler[name]) sub.handler[name](client);
  }
}

// The on<type> properties behave like WebSocket's: setting one adds a listener (once, keeping its
// place among the others when replaced), setting null removes it.
for (const type of EVENT_TYPES) {
  Object.defineProperty(Switchboard.prototype, `on${type}`, {
    get() {
      const entry = this._handlers.get(type);
      return entry ? entry.handler : null;
    },
    set(handler) {
      const entry = this._handlers.get(type);
      if (typeof handler !== 'function') {
        if (entry) this.removeEventListener(type, entry.listener);
        this._handlers.delete(type);
      } else if (entry) {
        entry.handler = handler;
      } else {
        const added = { handler, listener: (event) => added.handler.call(this, event) };
        this._handlers.set(type, added);
        this.addEventListener(type, added.listener);
      }
    },
    configurable: true,
    enumerable: true,
  });
}

/** The binary publish envelope: kind 1, flags (bit 0: id), [uint32 id], channel, payload. */
export function encodePublish(id, channel, payload) {
  const name = new TextEncoder().encode(channel);
  const out = new Uint8Array(7 + name.length + payload.length);
  const view = new DataView(out.buffer);
  out[0] = 1;
  out[1] = 1;
  view.setUint32(2, id);
  out[6] = name.length;
  out.set(name, 7);
  out.set(payload, 7 + name.length);
  return out;
}

/** Decodes a binary publication push (kind 2); null when it is not one. */
export function decodePublication(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 3 || bytes[0] !== 2) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 2;
  let offset = 0;
  let epoch = '';
  if (bytes[1] & 1) {
    offset = Number(view.getBigUint64(at));
    at += 8;
    const e = bytes[at++];
    epoch = new TextDecoder().decode(bytes.subarray(at, at + e));
    at += e;
  }
  let trace = null;
  if (bytes[1] & 2) { // a trace context: only to subscriptions that asked for traces
    const t = view.getUint16(at);
    at += 2;
    const text = new TextDecoder().decode(bytes.subarray(at, at + t));
    const space = text.indexOf(' ');
    trace = space < 0 ? { traceparent: text }
      : { traceparent: text.slice(0, space), tracestate: text.slice(space + 1) };
    at += t;
  }
  const n = bytes[at++];
  const channel = new TextDecoder().decode(bytes.subarray(at, at + n));
  const out = { channel, offset, epoch, payload: bytes.slice(at + n) };
  if (trace) out.trace = trace;
  return out;
}

// ---- transports ---------------------------------------------------------------------------------

/**
 * The SSE stream's URL next to a WebSocket URL, where the server puts it: ws→http, wss→https,
 * the last path segment (`ws`, or whatever the hub's path ends in) → `sse`.
 */
export function sseUrlOf(wsUrl) {
  const u = new URL(wsUrl, globalThis.location ? globalThis.location.href : undefined);
  u.protocol = u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol;
  u.pathname = u.pathname.replace(/\/[^/]*$/, '/sse');
  return u.toString();
}

function sseUrlOrEmpty(wsUrl) {
  try {
    return sseUrlOf(wsUrl);
  } catch {
    return ''; // not a URL: the WebSocket constructor says so
  }
}

/**
 * What a WebSocket's close says about the way to the server: 'open' (it never opened), 'cut'
 * (abnormal close within CUT_WINDOW of its open, before the server said anything), or null (a
 * close with a code, or the break of a connection that worked).
 * @param {{opened:boolean, received:boolean, fresh:boolean}} info
 */
export function wsFailure(info, code) {
  if (code !== 1006) return null;
  if (!info.opened) return 'open';
  return !info.received && info.fresh ? 'cut' : null;
}

/**
 * Whether `failures` WebSocket failures in a row (the last of `kind`) send the client to SSE: the
 * first failure to open on a page that never had a WebSocket open (nothing suggests one would),
 * else two in a row (one may be a blip of a network that otherwise carries WebSocket).
 */
export function fallsBack(kind, failures, everWsOpen) {
  return failures >= (kind === 'open' && !everWsOpen ? 1 : 2);
}

function silence(socket) {
  const nothing = () => {};
  socket.onopen = socket.onmessage = socket.onerror = socket.onclose = nothing;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A handler's exception must not break the stream it was called from; the console shows it. */
function report(error) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else setTimeout(() => { throw error; }, 0);
}

function base64Bytes(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/**
 * An event stream parser per the HTML standard ("Interpreting an event stream"): fed decoded
 * text in any pieces, it calls `onEvent({type, data, lastEventId})` for each event. Lines end in
 * CRLF, LF or CR (also split across pieces); `:` starts a comment; one space after the colon is
 * dropped; `data` lines join with LF; an event without data is not dispatched; `retry` is read
 * and ignored (the client has its own backoff).
 */
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.started = false;
    this.type = '';
    this.data = '';
    this.lastEventId = '';
  }

  push(text) {
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buffer += text;
    let at = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', at);
      const lf = this.buffer.indexOf('\n', at);
      if (cr < 0 && lf < 0) break;
      let end;
      let next;
      if (lf >= 0 && (cr < 0 || lf < cr)) {
        end = lf;
        next = lf + 1;
      } else if (cr === this.buffer.length - 1) {
        break; // a CR at the end: an LF may follow in the next piece
      } else {
        end = cr;
        next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      }
      this._line(this.buffer.slice(at, end));
      at = next;
    }
    this.buffer = this.buffer.slice(at);
  }

  /** The stream ended: a last CR ends its line; an event not ended by a blank line is dropped. */
  end() {
    if (this.buffer.endsWith('\r')) this._line(this.buffer.slice(0, -1));
    this.buffer = '';
  }

  _line(line) {
    if (line === '') {
      this._dispatch();
      return;
    }
    if (line[0] === ':') return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data += value + '\n';
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
  }

  _dispatch() {
    const type = this.type || 'message';
    const data = this.data;
    this.type = '';
    this.data = '';
    if (data === '') return;
    this.onEvent({ type, data: data.slice(0, -1), lastEventId: this.lastEventId });
  }
}

/** Queued in place of a command: answer a ping with an empty POST unless a command goes anyway. */
const PONG = Symbol('pong');

/**
 * The SSE transport shaped like a WebSocket (readyState, send, close, bufferedAmount, onopen,
 * onmessage, onerror, onclose), so the client drives both alike. It reads `GET <url>` with
 * fetch (not EventSource: it must stop on a close event and must not reconnect by itself) and
 * POSTs to `<url>/<session>`: text commands one per line, batched while a POST is in flight, so
 * a burst costs a few requests and order holds; binary ones alone as application/octet-stream.
 */
class SseSocket {
  constructor(url, fetch) {
    this.url = url;
    this.readyState = 0;
    this.bufferedAmount = 0;
    this.session = '';
    this.client = '';
    this.onopen = this.onmessage = this.onerror = this.onclose = () => {};
    this._fetch = fetch;
    this._abort = new AbortController();
    this._queue = [];
    this._posting = false;
    this._parser = new SseParser((event) => this._event(event));
    this._read();
  }

  send(data) {
    if (this.readyState !== 1) return;
    const item = typeof data === 'string' ? data : new Uint8Array(data.buffer || data, data.byteOffset || 0, data.byteLength);
    this.bufferedAmount += typeof item === 'string' ? item.length : item.byteLength;
    this._queue.push(item);
    this._post();
  }

  /** Ends the stream (the server then ends the session); `close` fires with this code. */
  close(code = 1000, reason = '') {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    Promise.resolve().then(() => this._end(code, reason, true));
  }

  async _read() {
    let response;
    try {
      response = await this._fetch(this.url, {
        headers: { Accept: 'text/event-stream' },
        cache: 'no-store',
        signal: this._abort.signal,
      });
    } catch (e) {
      if (this.readyState < 2) this._end(1006, `cannot open ${this.url}: ${e && e.message}`, false);
      return;
    }
    if (this.readyState >= 2) {
      response.body?.cancel().catch(() => {});
      return;
    }
    if (!response.ok || !response.body) {
      this._end(1006, `${this.url} answered ${response.status}`, false);
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (this.readyState >= 2) return;
        if (done) break;
        this._parser.push(decoder.decode(value, { stream: true }));
      }
      this._parser.push(decoder.decode());
      this._parser.end();
    } catch (e) {
      if (this.readyState < 2) this._end(1006, `the stream failed: ${e && e.message}`, false);
      return;
    }
    this._end(1006, 'the stream ended without a close event', false);
  }

  _event({ type, data }) {
    if (this.readyState >= 2) return;
    try {
      if (type === 'message') {
        if (this.readyState === 1) this.onmessage({ data });
      } else if (type === 'binary') {
        if (this.readyState === 1) this.onmessage({ data: base64Bytes(data).buffer });
      } else if (type === 'ping') {
        this._queue.push(PONG);
        this._post();
      } else if (type === 'open' && this.readyState === 0) {
        const m = parseJson(data) || {};
        this.session = m.session || '';
        this.client = m.client || '';
        this.readyState = 1;
        this.onopen({});
      } else if (type === 'close') {
        const m = parseJson(data) || {};
        this._end(typeof m.code === 'number' ? m.code : 1005, m.reason || '', true);
      }
    } catch (e) {
      report(e);
    }
  }

  /** Sends what is queued, unless a POST is in flight: its answer sends the rest. */
  _post() {
    if (this._posting || this.readyState !== 1 || !this._queue.length) return;
    let body;
    let type;
    let size = 0;
    if (this._queue[0] instanceof Uint8Array) {
      body = this._queue.shift();
      type = 'application/octet-stream';
      size = body.byteLength;
    } else {
      const lines = [];
      while (this._queue.length && !(this._queue[0] instanceof Uint8Array)) {
        const item = this._queue.shift();
        if (item === PONG) continue;
        lines.push(item);
        size += item.length;
      }
      body = lines.join('\n'); // empty: a pong
      type = 'text/plain;charset=UTF-8';
    }
    this._posting = true;
    const target = `${this.url.replace(/\?.*$/, '')}/${this.session}`;
    this._fetch(target, { method: 'POST', headers: { 'Content-Type': type }, body, cache: 'no-store' })
      .then((response) => {
        this._posting = false;
        this.bufferedAmount = Math.max(0, this.bufferedAmount - size);
        // 404: the session is gone (its node restarted, or another node got the POST); 413 closes
        // it with 1009 on the stream; 403: this origin may not send commands, which no retry
        // mends (a policy violation, final like a WebSocket's 1008). Anything else: start over.
        if (response.status === 404) this._end(1006, 'the session is gone', false);
        else if (response.status === 403) this._end(1008, 'POST answered 403', false);
        else if (!response.ok && response.status !== 413) this._end(1006, `POST answered ${response.status}`, false);
        else this._post();
      }, (e) => {
        this._posting = false;
        this._end(1006, `POST failed: ${e && e.message}`, false);
      });
  }

  _end(code, reason, wasClean) {
    if (this.readyState === 3) return;
    const opened = this.readyState >= 1;
    this.readyState = 3;
    this._abort.abort();
    if (!opened && !wasClean) this.onerror({ type: 'error' });
    this.onclose({ code, reason, wasClean });
  }
}
