// The lobby's device check: the camera's picture, the microphone's level and a test sound, all in the
// browser. Nothing leaves it but the choice of devices, kept in localStorage for the stage.
let made = 0; // gives each check its own element ids

const KINDS = ["video", "audio"];
const CHIME = [523.25, 659.25, 783.99]; // C, E, G: a short rising chime
const canChooseSpeakers = "setSinkId" in HTMLMediaElement.prototype;

function secure() {
  return window.isSecureContext && Boolean(navigator.mediaDevices);
}

function refusal(error) {
  return error.name === "NotAllowedError" || error.name === "SecurityError";
}

function constraint(kind, deviceId) {
  const wanted = kind === "video" ? { width: { ideal: 640 }, height: { ideal: 360 } } : {};
  return deviceId ? { ...wanted, deviceId } : kind === "video" ? wanted : true;
}

async function savedDevices(saved) {
  // Chrome does not honour an "ideal" microphone: ask for the saved devices exactly when the browser lists
  // them, for the default ones when it lists others, and "ideal" when it lists none yet (no permission given).
  const listed = (await navigator.mediaDevices.enumerateDevices()).map((device) => device.deviceId);
  const wanted = (id) => {
    if (!id) return null;
    if (listed.includes(id)) return { exact: id };
    return listed.some(Boolean) ? null : { ideal: id };
  };
  return {
    video: constraint("video", wanted(saved.videoDeviceId)),
    audio: constraint("audio", wanted(saved.audioDeviceId)),
  };
}

export default {
  template: `
    <div class="device-check">
      <p v-for="(message, kind) in problems" :key="kind" role="alert" class="media-problem">{{ message }}</p>
      <p role="status">{{ phase === "asking" ? labels.asking : "" }}</p>
      <div v-if="phase === 'running' ? hasProblems : securePage" class="flex">
        <q-btn ref="start" unelevated no-caps color="primary" icon="videocam"
               :label="hasProblems ? labels.retry : labels.start" @click="restart" />
      </div>
      <div v-show="phase === 'running'" class="device-check-running" :class="{ 'no-video': !hasVideo }">
        <div class="device-check-view">
          <video v-show="hasVideo" ref="video" class="device-check-video" autoplay muted playsinline
                 :aria-label="labels.selfView"></video>
          <q-btn outline no-caps color="primary" icon="videocam_off" :label="labels.stop" @click="close" />
        </div>
        <div class="device-check-controls">
          <div v-if="hasVideo" class="device-check-field">
            <label :for="uid + '-camera'">{{ labels.camera }}</label>
            <select :id="uid + '-camera'" v-model="videoId" @change="switchTo('video')">
              <option v-for="device in cameras" :key="device.deviceId" :value="device.deviceId">
                {{ device.label }}
              </option>
            </select>
          </div>
          <div v-if="hasAudio" class="device-check-field">
            <label :for="uid + '-microphone'">{{ labels.microphone }}</label>
            <select :id="uid + '-microphone'" v-model="audioId" @change="switchTo('audio')">
              <option v-for="device in microphones" :key="device.deviceId" :value="device.deviceId">
                {{ device.label }}
              </option>
            </select>
            <div class="device-check-meter" role="meter" aria-valuemin="0" aria-valuemax="100"
                 :aria-valuenow="level" :aria-label="labels.level" :aria-describedby="uid + '-level-hint'">
              <div :style="{ width: level + '%' }"></div>
            </div>
            <p :id="uid + '-level-hint'" class="device-check-hint">{{ labels.levelHint }}</p>
          </div>
          <div v-if="speakers.length" class="device-check-field">
            <label :for="uid + '-speakers'">{{ labels.speakers }}</label>
            <select :id="uid + '-speakers'" v-model="outputId" @change="chooseSpeakers">
              <option v-for="device in speakers" :key="device.deviceId" :value="device.deviceId">
                {{ device.label }}
              </option>
            </select>
          </div>
          <div class="device-check-field">
            <div class="flex">
              <q-btn outline no-caps color="primary" icon="volume_up" :label="labels.testSound"
                     :aria-describedby="uid + '-sound-hint'" @click="playTestSound" />
            </div>
            <p :id="uid + '-sound-hint'" class="device-check-hint">{{ labels.soundHint }}</p>
          </div>
        </div>
      </div>
      <audio ref="sound"></audio>
    </div>`,
  props: {
    labels: { type: Object, default: () => ({}) },
    storageKey: { type: String, required: true }, // where the stage reads the chosen devices
  },
  data() {
    return {
      uid: `device-check-${++made}`,
      securePage: secure(),
      phase: "idle", // idle, asking (the browser's permission prompt), running
      problems: {}, // by kind ("video", "audio") or "access" for the whole check
      hasVideo: false,
      hasAudio: false,
      cameras: [],
      microphones: [],
      speakers: [],
      videoId: "",
      audioId: "",
      outputId: "",
      level: 0,
    };
  },
  computed: {
    hasProblems() {
      return Object.keys(this.problems).length > 0;
    },
  },
  created() {
    // Not reactive: Vue must not wrap media objects.
    this.tracks = { video: null, audio: null };
    this.audio = null; // the AudioContext of the meter and the test sound
    this.speaker = null; // its MediaStreamAudioDestinationNode, played by the <audio> element
    this.meter = null; // the meter's interval
    this.listening = null; // the microphone's source node, feeding the meter's analyser
  },
  mounted() {
    if (!this.securePage) this.problems = { access: this.labels.insecure };
    window.addEventListener("pagehide", this.close);
  },
  unmounted() {
    window.removeEventListener("pagehide", this.close);
    this.stop();
  },
  methods: {
    remembered() {
      try {
        return JSON.parse(localStorage.getItem(this.storageKey)) || {};
      } catch {
        return {};
      }
    },
    remember() {
      const choice = { ...this.remembered() };
      if (this.hasVideo) choice.videoDeviceId = this.videoId;
      if (this.hasAudio) choice.audioDeviceId = this.audioId;
      if (this.outputId) choice.audioOutputId = this.outputId;
      localStorage.setItem(this.storageKey, JSON.stringify(choice));
    },
    trouble(kind, error) {
      if (refusal(error)) return this.labels.refused;
      const missing = error.name === "NotFoundError" || error.name === "OverconstrainedError";
      if (kind === "video") return missing ? this.labels.cameraMissing : this.labels.cameraBusy;
      return missing ? this.labels.microphoneMissing : this.labels.microphoneBusy;
    },
    async restart() {
      if (this.phase === "asking") return; // the browser is asking already
      this.stop();
      await this.start();
    },
    async start() {
      this.problems = {};
      if (!secure()) {
        this.problems = { access: this.labels.insecure };
        return;
      }
      this.phase = "asking";
      const wanted = await savedDevices(this.remembered());
      try {
        this.adopt(await navigator.mediaDevices.getUserMedia(wanted));
      } catch (error) {
        if (refusal(error)) return this.refused();
        for (const kind of KINDS) {
          // One of the two may work without the other: a computer with a microphone but no camera.
          try {
            this.adopt(await navigator.mediaDevices.getUserMedia({ [kind]: wanted[kind] }));
          } catch (failure) {
            if (refusal(failure)) return this.refused();
            this.problems = { ...this.problems, [kind]: this.trouble(kind, failure) };
          }
        }
      }
      if (this.phase !== "asking") return this.stop(); // closed while the browser was asking
      if (!this.hasVideo && !this.hasAudio) {
        this.phase = "idle";
        return;
      }
      this.phase = "running";
      this.audio = new AudioContext();
      this.startMeter();
      await this.listDevices();
      navigator.mediaDevices.addEventListener("devicechange", this.listDevices);
      // The button just clicked has gone: focus goes on to the first choice.
      this.$nextTick(() => this.$el.querySelector(".device-check-controls :is(select, button)")?.focus());
    },
    refused() {
      this.stop();
      this.problems = { access: this.labels.refused };
    },
    adopt(stream) {
      for (const track of stream.getTracks()) {
        const kind = track.kind;
        this.tracks[kind]?.stop();
        this.tracks[kind] = track;
        track.addEventListener("ended", () => this.lost(track)); // unplugged (stopping it here fires nothing)
        if (kind === "video") {
          this.hasVideo = true;
          this.videoId = track.getSettings().deviceId || "";
          if (this.$refs.video) this.$refs.video.srcObject = new MediaStream([track]); // none once unmounted
        } else {
          this.hasAudio = true;
          this.audioId = track.getSettings().deviceId || "";
        }
      }
    },
    lost(track) {
      if (this.tracks[track.kind] !== track) return;
      const missing = track.kind === "video" ? this.labels.cameraMissing : this.labels.microphoneMissing;
      this.problems = { ...this.problems, [track.kind]: missing };
    },
    async listDevices() {
      const devices = await navigator.mediaDevices.enumerateDevices();
      if (this.phase !== "running") return;
      const named = (kind) => devices.filter((device) => device.kind === kind && device.deviceId)
        .map((device) => ({ deviceId: device.deviceId, label: device.label }));
      this.cameras = named("videoinput");
      this.microphones = named("audioinput");
      this.speakers = canChooseSpeakers ? named("audiooutput") : [];
      const saved = this.remembered().audioOutputId;
      const known = this.speakers.find((device) => device.deviceId === saved);
      this.outputId = known ? saved : this.speakers[0]?.deviceId || "";
      await this.chooseSpeakers();
    },
    async switchTo(kind) {
      // Let go of the old device first: some cameras cannot be opened twice.
      const deviceId = kind === "video" ? this.videoId : this.audioId;
      this.tracks[kind]?.stop();
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraint(kind, { exact: deviceId }) });
        if (this.phase !== "running") {
          for (const track of stream.getTracks()) track.stop(); // the check was closed while the browser opened it
          return;
        }
        this.adopt(stream);
        const { [kind]: _solved, ...others } = this.problems;
        this.problems = others;
      } catch (error) {
        if (this.phase !== "running") return;
        this.problems = { ...this.problems, [kind]: this.trouble(kind, error) };
      }
      if (kind === "audio") this.startMeter();
      this.remember();
    },
    async chooseSpeakers() {
      const sound = this.$refs.sound;
      if (!sound) return; // gone meanwhile
      if (this.outputId && sound.sinkId !== this.outputId) {
        await sound.setSinkId(this.outputId).catch(() => {}); // the sound then plays where it did before
      }
      this.remember();
    },
    startMeter() {
      // The level of the microphone, ten times a second: its loudest sample in decibels, from -60 dB to 0.
      clearInterval(this.meter);
      this.listening?.disconnect();
      this.level = 0;
      const track = this.tracks.audio;
      if (!this.audio || !track || track.readyState === "ended") return;
      const analyser = this.audio.createAnalyser();
      analyser.fftSize = 1024;
      this.listening = this.audio.createMediaStreamSource(new MediaStream([track]));
      this.listening.connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      this.meter = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        let peak = 0;
        for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
        const heard = peak > 0 ? Math.round(((20 * Math.log10(peak) + 60) * 100) / 60) : 0;
        this.level = Math.max(Math.min(100, Math.max(0, heard)), Math.floor(this.level * 0.7)); // falls back gently
      }, 100);
    },
    playTestSound() {
      if (!this.audio) return;
      if (!this.speaker) {
        this.speaker = this.audio.createMediaStreamDestination();
        this.$refs.sound.srcObject = this.speaker.stream; // an <audio> element, so that setSinkId applies
      }
      const begin = this.audio.currentTime + 0.05;
      CHIME.forEach((frequency, index) => {
        const at = begin + index * 0.16;
        const tone = this.audio.createOscillator();
        const volume = this.audio.createGain();
        tone.frequency.value = frequency;
        volume.gain.setValueAtTime(0.0001, at);
        volume.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
        volume.gain.exponentialRampToValueAtTime(0.0001, at + 0.6);
        tone.connect(volume).connect(this.speaker);
        tone.start(at);
        tone.stop(at + 0.65);
      });
      this.$refs.sound.play().catch(() => {});
    },
    close() {
      const wasRunning = this.phase === "running";
      this.stop();
      this.problems = {};
      if (wasRunning) this.$nextTick(() => this.$refs.start?.$el.focus());
    },
    stop() {
      // Let go of the camera and the microphone: the browser's recording indicator goes off.
      clearInterval(this.meter);
      navigator.mediaDevices?.removeEventListener("devicechange", this.listDevices);
      for (const kind of KINDS) this.tracks[kind]?.stop();
      this.tracks = { video: null, audio: null };
      if (this.$refs.video) this.$refs.video.srcObject = null;
      if (this.$refs.sound) this.$refs.sound.srcObject = null;
      this.audio?.close();
      this.audio = this.speaker = this.listening = null;
      this.hasVideo = this.hasAudio = false;
      this.level = 0;
      this.phase = "idle";
    },
  },
};
