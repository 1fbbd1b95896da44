// The page's camera and microphone, and the videos and sounds Atelier's server sends it:
// one connection to publish (the browser offers), one to watch (the server offers).
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

export default {
  template: `
    <div class="media-link grid gap-3">
      <p v-if="problem" role="alert" class="media-problem">{{ problem }}</p>
      <div class="grid gap-3 md:grid-cols-2">
        <template v-for="(label, index) in videoLabels" :key="'v' + index">
          <figure v-if="label" class="tile video m-0">
            <video :ref="(el) => bind(el, index)" autoplay playsinline muted :aria-label="label"></video>
            <figcaption>{{ label }}</figcaption>
          </figure>
        </template>
      </div>
      <div v-if="local" class="flex gap-2" role="group" :aria-label="labels.controls">
        <button type="button" class="media-toggle" :aria-pressed="String(!micOn)" @click="toggleMicrophone">
          {{ micOn ? labels.mute : labels.unmute }}
        </button>
        <button type="button" class="media-toggle" :aria-pressed="String(!cameraOn)" @click="toggleCamera">
          {{ cameraOn ? labels.cameraOff : labels.cameraOn }}
        </button>
      </div>
      <audio v-for="index in audioCount" :key="'a' + index" :ref="(el) => (sounds[index - 1] = el)" autoplay></audio>
    </div>`,
  props: {
    videoLabels: { type: Array, default: () => [] }, // who each video slot shows, "" for an empty slot
    audioCount: { type: Number, default: 0 },
    labels: { type: Object, default: () => ({}) },
    iceServers: { type: Array, default: () => [] },
  },
  data() {
    return { problem: "", streams: [], sounds: [], local: null, micOn: true, cameraOn: true };
  },
  mounted() {
    window.atelierMedia = this; // for tests: getStats of both connections
    this.$emit("ready");
  },
  unmounted() {
    for (const connection of [this.publisher, this.subscriber]) if (connection) connection.close();
    if (this.local) for (const track of this.local.getTracks()) track.stop();
  },
  methods: {
    async startPublishing() {
      // Called by the server once someone sees or hears this person: only then does the browser ask for the camera.
      if (this.publisher) return;
      if (!window.isSecureContext || !navigator.mediaDevices) {
        this.problem = this.labels.insecure;
        return;
      }
      try {
        this.local = await navigator.mediaDevices.getUserMedia({
          video: { width: 640, height: 360, frameRate: 15 },
          audio: true,
        });
      } catch (error) {
        this.problem = { NotAllowedError: this.labels.refused, NotFoundError: this.labels.missing }[error.name]
          || this.labels.failed;
        return;
      }
      const connection = (this.publisher = new RTCPeerConnection({ iceServers: this.iceServers }));
      for (const track of this.local.getTracks()) connection.addTransceiver(track, { direction: "sendonly" });
      await connection.setLocalDescription(await connection.createOffer());
      await gathered(connection);
      this.$emit("publish_offer", described(connection));
    },
    async published(answer) {
      await this.publisher.setRemoteDescription(answer);
    },
    async watch(offer) {
      if (this.subscriber) this.subscriber.close();
      const connection = (this.subscriber = new RTCPeerConnection({ iceServers: this.iceServers }));
      connection.ontrack = (event) => this.attach(event.transceiver, event.track);
      await connection.setRemoteDescription(offer);
      await connection.setLocalDescription(await connection.createAnswer());
      await gathered(connection);
      return described(connection);
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
      element.play().catch(() => {}); // sound may wait for a click where the browser's autoplay policy says so
    },
    bind(element, index) {
      if (!element || !this.streams[index] || element.srcObject === this.streams[index]) return;
      element.srcObject = this.streams[index];
      element.play().catch(() => {});
    },
    toggleMicrophone() {
      this.micOn = !this.micOn;
      for (const track of this.local.getAudioTracks()) track.enabled = this.micOn;
    },
    toggleCamera() {
      this.cameraOn = !this.cameraOn;
      for (const track of this.local.getVideoTracks()) track.enabled = this.cameraOn;
      this.$emit("camera", { on: this.cameraOn }); // the others then see a name instead of a dark picture
    },
    async framesDecoded() {
      // For tests: video frames this page has decoded, from all it watches.
      if (!this.subscriber) return 0;
      let frames = 0;
      (await this.subscriber.getStats()).forEach((report) => {
        if (report.type === "inbound-rtp" && report.kind === "video") frames += report.framesDecoded || 0;
      });
      return frames;
    },
  },
};
