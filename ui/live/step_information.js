// What participants need at the current step. One element whose props change with the step:
// a new step is one small update per page instead of several texts.
export default {
  template: `
    <div v-if="step" class="grid gap-3">
      <h2 class="atelier-section" dir="auto">{{ step.title }}</h2>
      <span v-if="step.breakout" class="atelier-chip breakout justify-self-start">{{ labels.breakout }}</span>
      <p v-if="step.objective" class="font-medium" dir="auto">{{ step.objective }}</p>
      <template v-if="step.context">
        <h3 class="atelier-subsection">{{ labels.context }}</h3>
        <p class="atelier-text" dir="auto">{{ step.context }}</p>
      </template>
      <template v-if="step.expected">
        <h3 class="atelier-subsection">{{ labels.expected }}</h3>
        <p class="atelier-text" dir="auto">{{ step.expected }}</p>
      </template>
    </div>`,
  props: {
    step: { type: Object, default: null }, // {title, breakout, objective (with its label), context, expected}
    labels: { type: Object, default: () => ({}) },
  },
};
