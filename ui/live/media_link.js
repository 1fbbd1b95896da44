// The page's camera, microphone and screen, and the videos and sounds Atelier's server sends it:
// one connection to publish the camera (the browser offers), one for a shared screen, one to watch
// (the server offers). The server decides what each sends through the `profile` prop.

// What the browser sends for each profile the server asks (see media/routing.py).
const PROFILES = {
  stage: { video: true, audio: true, scaleResolutionDownBy: 1, maxBitrate: 400000, maxFramerate: 15 },
  thumbnail: { video: true, audio: true, scaleResolutionDownBy: 2, maxBitrate: 150000, maxFramerate: 10 },
  audio_only: { video: false, audio: true },
  paused: { video: false, audio: false },
};
const RETRY_DELAYS = [2, 4, 8, 15, 30]; // seconds between attempts after a lost connection
const DISCONNECTED_GRACE = 5000; // "disconnected" often heals by itself: wait before starting anew

function gathered(connection) {
  // aiortc does not take candidates one by one: send the description once they are all in it.
  return new Promise((resolve) => {
    if (connection.iceGatheringState === "complete") return resolve();
    const check = () => {
      if (connection.iceGatheringState !== "complete") return;
      connection.removeEventListener("icegatheringstatechange", check);
      resolve();
    };
    connection.addEventListener("icegatheringstatechange", check);
    setTimeout(resolve, 2000);
  });
}

function described(connection) {
  return { sdp: connection.localDescription.sdp, type: connection.localDescription.type };
}

async function statistics(connection, type, kind) {
  // For tests: the connection's reports of this type and kind (none before it exists).
  if (!connection) return [];
  const reports = [];
  (await connection.getStats()).forEach((report) => {
    if (report.type === type && report.kind === kind) reports.push(report);
  });
  return reports;
}

function chosenDevices(key) {
  // What the person picked in the lobby's device check, if anything.
  try {
    return JSON.parse(localStorage.getItem(key) || "{}");
  } catch {
    return {};
  }
}

export default {
  template: `
    <div class="media-link grid gap-3">
      <span class="sr-only" aria-live="polite">{{ announcement }}</span>
      <p v-if="problem" role="alert" class="media-problem">
        {{ problem }}
        <button v-if="retryAt" type="button" class="media-retry" @click="retryNow">{{ labels.retryNow }}</button>
      </p>
      <p v-if="speakingNow.length" class="speaking-now">
        <span class="material-icons" aria-hidden="true">graphic_eq</span>
        {{ labels.speaking }} <template v-for="(name, place) in speakingNow" :key="place"><bdi>{{ name }}</bdi>{{
          place < speakingNow.length - 1 ? ", " : "" }}</template>
      </p>
      <div ref="screenArea" class="media-screen grid gap-3">
        <div class="media-videos grid gap-3" :class="compact ? 'compact' : 'large'"
             role="group" :aria-label="labels.videos">
          <template v-for="(video, index) in videos" :key="'v' + index">
            <figure v-if="video" class="tile video m-0" :class="{ screen: video.screen, speaking: video.speaking }">
              <video :ref="(el) => bind(el, index)" autoplay playsinline muted
                     :aria-label="video.staff ? video.label + ', ' + labels.staff : video.label"></video>
              <figcaption>
                <bdi>{{ video.label }}</bdi>
                <span v-if="video.staff" class="staff-badge" aria-hidden="true">{{ labels.staff }}</span>
              </figcaption>
            </figure>
          </template>
        </div>
        <!-- The controls join the page's control bar (always in view); in full screen, they stay with the videos.
             Once the workshop is over, there is nothing left to control. -->
        <Teleport :to="controlsIn || 'body'" :disabled="!controlsIn || fullScreen" defer>
        <div v-if="microphone !== 'ended'" class="media-controls flex flex-wrap items-center gap-2" role="group"
             :aria-label="labels.controls">
          <video v-if="local && cameraOn && sendsVideo" :ref="bindSelf" class="self-view" autoplay playsinline muted
                 :aria-label="labels.selfView"></video>
          <button v-if="microphone === 'on' || microphone === 'off'" type="button" class="media-toggle"
                  :class="{ off: microphone !== 'on' }" :aria-label="microphone === 'on' ? labels.mute : labels.unmute"
                  @click="toggleMicrophone">
            <span class="material-icons" aria-hidden="true">{{ microphone === 'on' ? 'mic' : 'mic_off' }}</span>
            {{ labels.microphone }}
          </button>
          <span v-else-if="microphone === 'locked'" class="media-hint">
            <span class="material-icons" aria-hidden="true">mic_off</span> {{ labels.locked }}
          </span>
          <button v-if="local && (sendsVideo || !cameraOn)" type="button" class="media-toggle"
                  :class="{ off: !cameraOn }" :aria-label="cameraOn ? labels.cameraOff : labels.cameraOn"
                  @click="toggleCamera">
            <span class="material-icons" aria-hidden="true">{{ cameraOn ? 'videocam' : 'videocam_off' }}</span>
            {{ labels.camera }}
          </button>
          <span v-if="standBy" class="media-hint">
            <span class="material-icons" aria-hidden="true">tab</span> {{ labels.standingBy }}
          </span>
          <span v-if="weakLink && !audioOnly" class="media-hint">
            <span class="material-icons" aria-hidden="true">network_check</span> {{ labels.weakLink }}
          </span>
          <button type="button" class="media-toggle plain" :aria-pressed="String(audioOnly)"
                  :aria-label="labels.audioOnly" @click="toggleAudioOnly">
            <span class="material-icons" aria-hidden="true">headphones</span> {{ labels.audioOnlyCaption }}
          </button>
          <button v-if="mayShareScreen && canShareScreen" type="button" class="media-toggle plain"
                  :class="{ on: screen }" :aria-label="screen ? labels.stopScreen : labels.shareScreen"
                  @click="toggleScreen">
            <span class="material-icons" aria-hidden="true">{{ screen ? 'stop_screen_share' : 'screen_share' }}</span>
            {{ labels.screen }}
          </button>
          <button v-if="videos.some((video) => video)" type="button" class="media-toggle plain"
                  @click="toggleFullScreen">
            <span class="material-icons" aria-hidden="true">{{ fullScreen ? 'fullscreen_exit' : 'fullscreen' }}</span>
            {{ fullScreen ? labels.leaveFullScreen : labels.fullScreen }}
          </button>
        </div>
        </Teleport>
      </div>
      <audio v-for="index in audioCount" :key="'a' + index" :ref="(el) => (sounds[index - 1] = el)" autoplay></audio>
    </div>`,
  props: {
    videos: { type: Array, default: () => [] }, // per video slot: {label, screen, speaking, staff}, or null if empty
    compact: { type: Boolean, default: false }, // a breakout room: thumbnails rather than the stage
    controlsIn: { type: String, default: "" }, // a selector: where the page keeps the person's controls
    speakingNow: { type: Array, default: () => [] },
    profile: { type: String, default: "paused" }, // what the server asks this browser to send
    standBy: { type: Boolean, default: false }, // a moderator's newer stage page (a room visited) sends the camera
    microphone: { type: String, default: "locked" }, // "on", "off" (may unmute), "locked" or "ended"
    cameraOn: { type: Boolean, default: true }, // kept by the server, so that a reload keeps it
    audioOnly: { type: Boolean, default: false },
    weakLink: { type: Boolean, default: false }, // the server sends fewer videos than the view has: its link is narrow
    mayShareScreen: { type: Boolean, default: false },
    audioCount: { type: Number, default: 0 },
    labels: { type: Object, default: () => ({}) },
    iceServers: { type: Array, default: () => [] },
    devicesKey: { type: String, required: true }, // where the lobby's device check keeps the chosen devices
  },
  data() {
    return {
      problem: "", streams: [], sounds: [], local: null, screen: null, fullScreen: false,
      retryAt: 0, failures: 0, announcement: "",
    };
  },
  computed: {
    sendsVideo() {
      return PROFILES[this.profile]?.video && !this.audioOnly;
    },
    canShareScreen() {
      return Boolean(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
    },
  },
  watch: {
    profile() {
      this.applyProfile();
    },
    microphone(now) {
      this.applyMicrophone();
      // Said once to screen readers: the floor given or taken back, a moderator's mute, one's own click.
      this.announcement = { on: this.labels.nowOn, off: this.labels.nowOff, locked: this.labels.locked }[now];
    },
    cameraOn() {
      this.applyCamera();
    },
    standBy(now) {
      if (!now || !this.publisher) return; // back on the stage: the profile that follows publishes anew
      const connection = this.publisher;
      this.publisher = null;
      connection.close();
      this.pendingRetries.delete(connection);
      if (!this.pendingRetries.size && this.retryAt) {
        clearTimeout(this.retryTimer);
        this.retryAt = 0;
        this.problem = "";
      }
    },
    mayShareScreen(allowed) {
      if (!allowed) this.stopScreen(false); // the floor was taken back: the server stopped showing it already
    },
  },
  created() {
    this.pendingRetries = new Map(); // connection -> how to replace it (kept out of Vue's reactive data)
    this.offers = 0; // offers made by this page, numbered
  },
  mounted() {
    window.atelierMedia = this; // for tests: getStats of the connections
    this.onFullScreen = () => (this.fullScreen = document.fullscreenElement === this.$refs.screenArea);
    document.addEventListener("fullscreenchange", this.onFullScreen);
    this.$emit("ready");
    this.applyProfile();
  },
  unmounted() {
    document.removeEventListener("fullscreenchange", this.onFullScreen);
    clearTimeout(this.retryTimer);
    this.stopScreen(false);
    for (const connection of [this.publisher, this.subscriber]) if (connection) connection.close();
    if (this.local) for (const track of this.local.getTracks()) track.stop();
  },
  methods: {
    // ------------------------------------------------------------ publishing the camera and microphone
    async applyProfile() {
      // Only once someone sees or hears this person does the browser ask for the camera.
      if (this.profile !== "paused" && !this.publisher) {
        if (!this.starting) this.starting = this.startPublishing().finally(() => (this.starting = null));
        await this.starting;
      }
      if (!this.publisher) return;
      const shape = PROFILES[this.profile] || PROFILES.paused;
      for (const sender of this.publisher.getSenders()) {
        if (!sender.track) continue;
        const parameters = sender.getParameters();
        if (!parameters.encodings || !parameters.encodings.length) continue;
        const encoding = parameters.encodings[0];
        if (sender.track.kind === "video") {
          encoding.active = shape.video;
          if (shape.video) {
            encoding.scaleResolutionDownBy = shape.scaleResolutionDownBy;
            encoding.maxBitrate = shape.maxBitrate;
            encoding.maxFramerate = shape.maxFramerate;
          }
        } else {
          encoding.active = shape.audio;
        }
        await sender.setParameters(parameters).catch(() => {});
      }
    },
    applyMicrophone() {
      if (this.local) for (const track of this.local.getAudioTracks()) track.enabled = this.microphone === "on";
    },
    applyCamera() {
      if (this.local) for (const track of this.local.getVideoTracks()) track.enabled = this.cameraOn;
    },
    async startPublishing() {
      if (!window.isSecureContext || !navigator.mediaDevices) {
        this.problem = this.labels.insecure;
        return;
      }
      if (!this.local) {
        const chosen = chosenDevices(this.devicesKey);
        const exactly = (id) => (id ? { exact: id } : undefined); // Chrome ignores an "ideal" microphone
        const asked = (devices) => ({
          video: { width: 640, height: 360, frameRate: 15, deviceId: exactly(devices.videoDeviceId) },
          audio: { deviceId: exactly(devices.audioDeviceId) },
        });
        try {
          this.local = await navigator.mediaDevices.getUserMedia(asked(chosen)).catch((error) => {
            // A device chosen in the lobby may have been unplugged since: take the default ones.
            if (error.name === "OverconstrainedError" || error.name === "NotFoundError") {
              return navigator.mediaDevices.getUserMedia(asked({}));
            }
            throw error;
          });
        } catch (error) {
          this.problem = { NotAllowedError: this.labels.refused, NotFoundError: this.labels.missing }[error.name]
            || this.labels.failed;
          return;
        }
        this.applyMicrophone();
        this.applyCamera();
      }
      if (this.standBy || this.profile === "paused") return; // changed while the camera started
      const connection = (this.publisher = new RTCPeerConnection({ iceServers: this.iceServers }));
      connection.attempt = ++this.offers; // an answer goes to the connection that offered, not a newer one
      this.watchConnection(connection, () => this.republish());
      for (const track of this.local.getTracks()) connection.addTransceiver(track, { direction: "sendonly" });
      await connection.setLocalDescription(await connection.createOffer());
      await gathered(connection);
      if (connection !== this.publisher) return; // closed meanwhile
      this.$emit("publish_offer", { ...described(connection), attempt: connection.attempt });
    },
    async published(answer) {
      const connection = this.publisher;
      if (!connection || connection.attempt !== answer.attempt) return;
      await connection.setRemoteDescription({ sdp: answer.sdp, type: answer.type });
      await this.applyProfile();
    },
    async republish() {
      if (this.publisher) this.publisher.close();
      this.publisher = null;
      await this.applyProfile();
    },
    toggleMicrophone() {
      this.$emit("microphone", { on: this.microphone !== "on" }); // the server decides, the prop follows
    },
    toggleCamera() {
      this.$emit("camera", { on: !this.cameraOn }); // the others then see a name instead of a dark picture
    },
    toggleAudioOnly() {
      this.$emit("audio_only", { on: !this.audioOnly });
    },
    bindSelf(element) {
      if (element && element.srcObject !== this.local) element.srcObject = this.local;
    },

    // ------------------------------------------------------------ sharing a screen
    async toggleScreen() {
      if (this.screen) return this.stopScreen(true);
      let stream;
      try {
        stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 10 }, audio: false });
      } catch (error) {
        if (error.name !== "NotAllowedError") this.problem = this.labels.screenFailed; // a refusal is a choice
        return;
      }
      const track = stream.getVideoTracks()[0];
      track.contentHint = "detail";
      track.addEventListener("ended", () => this.stopScreen(true)); // the browser's own "stop sharing" button
      await this.sendScreen(track);
    },
    async republishScreen() {
      // The same screen in another room (Janus carries each room on one of its servers): a new connection.
      const old = this.screen;
      const track = old && old.getSenders().map((sender) => sender.track).find(Boolean);
      if (!track || track.readyState === "ended") return;
      this.screen = null;
      old.close(); // closing a connection leaves its track running
      await this.sendScreen(track);
    },
    async sendScreen(track) {
      const connection = (this.screen = new RTCPeerConnection({ iceServers: this.iceServers }));
      connection.attempt = ++this.offers;
      connection.addEventListener("connectionstatechange", () => {
        if (connection.connectionState !== "failed" || connection !== this.screen) return;
        this.stopScreen(true); // sharing again is the person's choice: say so rather than retry
        this.problem = this.labels.screenFailed;
      });
      connection.addTransceiver(track, {
        direction: "sendonly", sendEncodings: [{ maxBitrate: 1200000, maxFramerate: 10 }],
      });
      await connection.setLocalDescription(await connection.createOffer());
      await gathered(connection);
      if (connection !== this.screen) return; // stopped or shared anew meanwhile
      this.$emit("screen_offer", { ...described(connection), attempt: connection.attempt });
    },
    async screenPublished(answer) {
      const connection = this.screen;
      if (connection && connection.attempt === answer.attempt) {
        await connection.setRemoteDescription({ sdp: answer.sdp, type: answer.type });
      }
    },
    stopScreen(tell) {
      if (!this.screen) return;
      for (const sender of this.screen.getSenders()) if (sender.track) sender.track.stop();
      this.screen.close();
      this.screen = null;
      if (tell) this.$emit("screen_stopped");
    },

    // ------------------------------------------------------------ watching
    async watch(offer) {
      if (this.subscriber) this.subscriber.close();
      const connection = (this.subscriber = new RTCPeerConnection({ iceServers: this.iceServers }));
      this.watchConnection(connection, () => this.$emit("ready")); // the server then offers anew
      connection.ontrack = (event) => this.attach(event.transceiver, event.track);
      await connection.setRemoteDescription(offer);
      await connection.setLocalDescription(await connection.createAnswer());
      await gathered(connection);
      return described(connection);
    },
    async renegotiate(offer) {
      // The same connection, more or fewer streams (Janus): answered in place; null if there is none to answer on.
      const connection = this.subscriber;
      if (!connection || connection.signalingState !== "stable") return null;
      await connection.setRemoteDescription(offer);
      await connection.setLocalDescription(await connection.createAnswer());
      return described(connection);
    },
    unwatch() {
      // Nothing to see or hear for now (a backend that cannot keep empty slots open, such as Janus).
      if (this.subscriber) this.subscriber.close();
      this.subscriber = null;
      this.streams = [];
    },
    attach(transceiver, track) {
      // The server's slots come in order: its video slots, then its audio slots.
      const sameKind = this.subscriber.getTransceivers().filter((t) => t.receiver.track.kind === track.kind);
      const index = sameKind.indexOf(transceiver);
      const stream = new MediaStream([track]);
      if (track.kind === "video") {
        this.streams[index] = stream; // shown by the slot's <video> whenever the slot has someone in it
        return;
      }
      const element = this.sounds[index];
      if (!element) return;
      element.srcObject = stream;
      const output = chosenDevices(this.devicesKey).audioOutputId;
      if (output && element.setSinkId) element.setSinkId(output).catch(() => {});
      element.play().catch(() => {}); // sound may wait for a click where the browser's autoplay policy says so
    },
    bind(element, index) {
      if (!element || !this.streams[index] || element.srcObject === this.streams[index]) return;
      element.srcObject = this.streams[index];
      element.play().catch(() => {});
    },
    toggleFullScreen() {
      if (document.fullscreenElement) document.exitFullscreen();
      else this.$refs.screenArea.requestFullscreen().catch(() => {}); // the videos with their controls
    },

    // ------------------------------------------------------------ lost connections
    watchConnection(connection, retry) {
      // aiortc has no ICE restart: a lost connection is replaced by a new one, after a growing delay.
      let grace = null;
      connection.addEventListener("connectionstatechange", () => {
        const state = connection.connectionState;
        clearTimeout(grace);
        if (state === "connected") {
          this.failures = 0;
          if (this.retryAt) this.problem = "";
          this.retryAt = 0;
        } else if (state === "failed") {
          this.scheduleRetry(connection, retry);
        } else if (state === "disconnected") {
          grace = setTimeout(() => this.scheduleRetry(connection, retry), DISCONNECTED_GRACE);
        }
      });
    },
    scheduleRetry(connection, retry) {
      if (![this.publisher, this.subscriber, this.screen].includes(connection)) return; // replaced meanwhile
      const seconds = RETRY_DELAYS[Math.min(this.failures, RETRY_DELAYS.length - 1)];
      this.failures += 1;
      this.retryAt = Date.now() + seconds * 1000;
      this.problem = this.labels.lost.replace("{seconds}", String(seconds));
      this.pendingRetries.set(connection, retry); // a lost network fails every connection at once
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.retryNow(), seconds * 1000);
    },
    retryNow() {
      clearTimeout(this.retryTimer);
      const retries = [...this.pendingRetries.values()];
      this.pendingRetries.clear();
      for (const retry of retries) retry();
    },

    // ------------------------------------------------------------ for tests
    async framesDecoded() {
      // Video frames this page has decoded, from all it watches.
      return (await statistics(this.subscriber, "inbound-rtp", "video")).reduce(
        (sum, report) => sum + (report.framesDecoded || 0), 0);
    },
    async soundHeard() {
      // The energy of all the sound this page has received (rises while someone audible speaks).
      return (await statistics(this.subscriber, "inbound-rtp", "audio")).reduce(
        (sum, report) => sum + (report.totalAudioEnergy || 0), 0);
    },
    async sentVideo() {
      // What this page's camera sends now: frames encoded, the picture's width, and whether the browser
      // made it smaller than asked because the processor or the network is short ("cpu", "bandwidth").
      const reports = await statistics(this.publisher, "outbound-rtp", "video");
      return {
        frames: reports.reduce((sum, report) => sum + (report.framesEncoded || 0), 0),
        width: Math.max(0, ...reports.map((report) => report.frameWidth || 0)),
        limitedBy: reports.map((report) => report.qualityLimitationReason).find((reason) => reason && reason !== "none") || "",
      };
    },
  },
};
