// How the focus looks on the focused element, in the terms of WCAG 2.2: 2.4.11 (not hidden) and 2.4.13
// (a ring of 2 px or more, 3:1 against what surrounds it); a field's input shows its focus around the whole
// field. Returns the element's name and the problems found. Used by tests/e2e/test_keyboard.py.
(() => {
  const element = document.activeElement;
  const text = element.getAttribute('aria-label') || element.innerText || element.value || '';
  const name = `${element.tagName.toLowerCase()} “${text.replace(/\s+/g, ' ').trim().slice(0, 60)}”`;
  const rgb = (colour) => {
    const parts = colour.match(/[\d.]+/g).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const luminance = ({ r, g, b }) => {
    const [R, G, B] = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const contrast = (one, two) => {
    const [light, dark] = [luminance(one), luminance(two)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  const backgroundBehind = (start) => {
    for (let node = start; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.a > 0.5) return colour;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const field = element.closest('.q-field');
  let ring, width, colour, around;
  if (field) {
    ring = field.querySelector('.q-field__control');
    const shadow = getComputedStyle(ring).boxShadow;
    const px = '\\s+(-?[\\d.]+)px';
    const found = shadow === 'none' ? null : shadow.match(new RegExp(`(rgba?\\([^)]*\\))${px}${px}${px}${px}`));
    width = found ? Number(found[5]) : 0;
    colour = found ? rgb(found[1]) : null;
    around = 0;
  } else {
    ring = element;
    const style = getComputedStyle(element);
    width = style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth);
    colour = rgb(style.outlineColor);
    around = parseFloat(style.outlineOffset);
  }
  const problems = [];
  if (width < 2) problems.push(`a focus ring of ${width}px`);
  if (colour && width >= 2) {
    const behind = backgroundBehind(around < 0 ? ring : ring.parentElement);
    const ratio = contrast(colour, behind);
    if (ratio < 3) problems.push(`a ring of ${ratio.toFixed(2)}:1 against its background`);
  }
  const box = ring.getBoundingClientRect();
  const reach = Math.max(0, around + width);
  for (let node = ring.parentElement; node && node !== document.body; node = node.parentElement) {
    const style = getComputedStyle(node);
    if ([style.overflowX, style.overflowY].every((overflow) => overflow === 'visible')) continue;
    const frame = node.getBoundingClientRect();
    if (box.left - reach < frame.left - 0.5 || box.right + reach > frame.right + 0.5 ||
        box.top - reach < frame.top - 0.5 || box.bottom + reach > frame.bottom + 0.5) {
      problems.push(`a ring cut by ${node.tagName.toLowerCase()}.${[...node.classList].join('.')}`);
      break;
    }
  }
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  if (hit && !ring.contains(hit) && !hit.contains(ring) && !(field && field.contains(hit)))
    problems.push(`hidden under ${hit.tagName.toLowerCase()}.${[...hit.classList].join('.')}`);
  return { name, problems };
})
