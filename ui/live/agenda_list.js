// The agenda one step under the other, with start times, as one element: the lobby and the
// public page show it to many visitors at once, and a single element costs the server little.
export default {
  template: `
    <ol class="grid gap-2 list-none p-0 m-0 w-full">
      <li v-for="(step, index) in steps" :key="index" class="grid grid-cols-[3.5rem_1fr] gap-2">
        <span class="atelier-muted tabular-nums">{{ step.when }}</span>
        <span class="flex flex-col">
          <span class="font-medium" dir="auto">{{ step.title }}</span>
          <span class="atelier-muted text-sm">{{ step.details }}</span>
          <span v-if="step.objective" class="text-sm" dir="auto">{{ step.objective }}</span>
        </span>
      </li>
    </ol>`,
  props: {
    steps: { type: Array, default: () => [] }, // [{when, title, details, objective}]
  },
};
