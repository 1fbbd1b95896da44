// The agenda as a bar of steps. The server sends the steps once and then only the current index,
// so that a new step costs each page one small update.
export default {
  template: `
    <nav :aria-label="label">
      <ol class="agenda-steps">
        <li v-for="(step, index) in steps" :key="index"
            :class="{ done: index < current }" :aria-current="index === current ? 'step' : null">
          <span class="when mr-2">{{ step.when }}</span><span dir="auto">{{ step.title }}</span>
        </li>
      </ol>
    </nav>`,
  props: {
    label: String,
    steps: { type: Array, default: () => [] }, // [{when, title}]
    current: { type: Number, default: -1 }, // the index of the current step, everything before it is done
  },
};
