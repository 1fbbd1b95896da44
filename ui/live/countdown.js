// A countdown (or a stopwatch) computed in the browser from instants the server sends on change only.
// The clock offset between this browser and the server is measured once, when the page connects.
export default {
  template: `
    <span :class="classes" role="timer" :aria-label="label">
      <span aria-hidden="true">{{ text }}</span>
      <span class="sr-only" aria-live="polite">{{ announcement }}</span>
    </span>`,
  props: {
    endsAt: Number, // server epoch milliseconds at which the countdown reaches zero
    pausedMs: Number, // milliseconds left while paused
    since: Number, // server epoch milliseconds a stopwatch counts from
    warnSeconds: { type: Number, default: 60 },
    labels: { type: Object, default: () => ({}) },
  },
  data() {
    return { now: Date.now(), announcement: "", announced: "" };
  },
  mounted() {
    if (window.atelierClockOffset === undefined) this.$emit("sync", { sent: Date.now() });
    this.timer = setInterval(() => this.tick(), 250);
  },
  unmounted() {
    clearInterval(this.timer);
  },
  computed: {
    serverNow() {
      return this.now + (window.atelierClockOffset || 0);
    },
    remainingMs() {
      if (this.pausedMs !== undefined && this.pausedMs !== null) return this.pausedMs;
      if (this.endsAt !== undefined && this.endsAt !== null) return this.endsAt - this.serverNow;
      return null;
    },
    elapsedMs() {
      return this.since !== undefined && this.since !== null ? Math.max(0, this.serverNow - this.since) : null;
    },
    paused() {
      return this.pausedMs !== undefined && this.pausedMs !== null;
    },
    text() {
      if (this.elapsedMs !== null) return this.format(this.elapsedMs);
      if (this.remainingMs === null) return "–:––";
      return (this.remainingMs < 0 ? "+" : "") + this.format(Math.abs(this.remainingMs));
    },
    state() {
      if (this.remainingMs === null) return "idle";
      if (this.remainingMs < 0) return "overtime";
      if (this.remainingMs <= this.warnSeconds * 1000) return "warning";
      return "running";
    },
    classes() {
      return ["atelier-timer", "atelier-timer--" + this.state, this.paused ? "atelier-timer--paused" : ""];
    },
    label() {
      const parts = [this.labels[this.elapsedMs !== null ? "elapsed" : this.state] || "", this.text];
      if (this.paused) parts.push(this.labels.paused || "");
      return parts.filter(Boolean).join(" ");
    },
  },
  methods: {
    tick() {
      this.now = Date.now();
      // Say the important moments once, not every second.
      const moment = this.state === "warning" ? "warning" : this.state === "overtime" ? "overtime" : "";
      if (moment && moment !== this.announced && !this.paused) this.announcement = this.labels[moment + "_now"] || "";
      this.announced = moment;
    },
    synced(sent, serverNow) {
      const received = Date.now();
      window.atelierClockOffset = serverNow - (sent + received) / 2;
      this.now = received;
    },
    format(ms) {
      const total = Math.floor(ms / 1000);
      const hours = Math.floor(total / 3600);
      const minutes = Math.floor((total % 3600) / 60);
      const seconds = String(total % 60).padStart(2, "0");
      return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
    },
  },
};
