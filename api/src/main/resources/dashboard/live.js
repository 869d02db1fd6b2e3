// The /ws client: subscribes, hands every message to `onMessage`, and when the connection drops
// shows it in the banner and reconnects with exponential backoff (0.5 s doubling to 30 s, with
// jitter), resuming from the last event id it saw so missed events are replayed.
import { token } from './api.js';

// Characters a WebSocket subprotocol name may hold (RFC 6455: an HTTP token), minus a few.
const SUBPROTOCOL_SAFE = /^[A-Za-z0-9._~-]+$/;

const MIN_DELAY = 500;
const MAX_DELAY = 30000;

export class LiveConnection {
  constructor({ onMessage, onState, interval = '250ms' }) {
    this.onMessage = onMessage;
    this.onState = onState;
    this.interval = interval;
    this.lastEventId = null;
    this.attempt = 0;
    this.everOpen = false;
    this.socket = null;
    this.timer = null;
  }

  url() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const t = token();
    // a token that cannot be a subprotocol name falls back to the (discouraged) query parameter
    const inUrl = t && !SUBPROTOCOL_SAFE.test(t);
    return scheme + '//' + location.host + '/ws' + (inUrl ? '?access_token=' + encodeURIComponent(t) : '');
  }

  // The token travels as a subprotocol (bearer.<token>), not in the URL, so no log keeps it.
  protocols() {
    const t = token();
    return t && SUBPROTOCOL_SAFE.test(t) ? ['pipewatch', 'bearer.' + t] : ['pipewatch'];
  }

  start() {
    clearTimeout(this.timer);
    this.onState(this.everOpen ? 'reconnecting' : 'connecting', { attempt: this.attempt });
    let socket;
    try {
      socket = new WebSocket(this.url(), this.protocols());
    } catch (e) {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      const subscribe = { subscribe: { interval: this.interval } };
      if (this.lastEventId) subscribe.resumeFrom = this.lastEventId;
      socket.send(JSON.stringify(subscribe));
      this.onState('open', { resumed: this.everOpen });
      this.everOpen = true;
    };
    socket.onmessage = (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.id) this.lastEventId = message.id;
      if (message.type === 'Welcome' && !this.lastEventId && message.lastEventId) {
        this.lastEventId = message.lastEventId;
      }
      this.onMessage(message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.retry(event.reason);
    };
    socket.onerror = () => { /* onclose follows */ };
  }

  retry(reason) {
    const base = Math.min(MAX_DELAY, MIN_DELAY * 2 ** this.attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt += 1;
    this.onState('closed', { delay, attempt: this.attempt, reason });
    this.timer = setTimeout(() => this.start(), delay);
  }

  /** Sends a new subscription (replaces the previous one). */
  subscribe(subscription) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ subscribe: subscription }));
    }
  }
}
