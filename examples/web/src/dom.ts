// Small DOM helpers for the demo page: build elements declaratively, copy text, manage focus,
// tie fields to the error about them.
// No framework: the page is plain DOM so that the engine's own API stays the visible part.

type Attributes = Record<string, string | number | boolean | undefined | null>;
type Child = Node | string | null | undefined | false;

/**
 * `h('button', { type: 'submit', 'data-testid': 'go' }, 'Go')`. Attributes set to `false`,
 * `null` or `undefined` are left out; `true` sets an empty attribute (`hidden`, `required`).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** A label and its input, tied by id (so screen readers and tests find the input by its label). */
export function field(label: string, input: HTMLInputElement, hint?: string): HTMLDivElement {
  const hintId = hint === undefined ? undefined : `${input.id}-hint`;
  if (hintId !== undefined) input.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: input.id }, label),
    input,
    hint === undefined ? null : h('p', { class: 'hint', id: hintId }, hint),
  );
}

/**
 * Copies `text` and says so in the polite status region. Clipboard access can be refused
 * (no permission, plain http on another host): then the text is selected for a manual copy.
 */
export async function copyText(text: string, source: HTMLElement, announce: (message: string) => void): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    announce('Copied to the clipboard.');
  } catch {
    const selection = window.getSelection();
    const range = document.createRange();
    range.selectNodeContents(source);
    selection?.removeAllRanges();
    selection?.addRange(range);
    announce('Copying is blocked here: the text is selected, press Ctrl-C (or ⌘-C) to copy it.');
  }
}

/**
 * Marks `fields` as invalid and adds `message` (the error region) to what describes them, so a
 * screen reader on the field reads the error too. Returns the undo, for when the error goes.
 */
export function markInvalid(fields: readonly HTMLElement[], message: HTMLElement): () => void {
  const undo = fields.map((field) => {
    const describedBy = field.getAttribute('aria-describedby');
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', [describedBy, message.id].filter(Boolean).join(' '));
    return () => {
      field.removeAttribute('aria-invalid');
      if (describedBy === null) field.removeAttribute('aria-describedby');
      else field.setAttribute('aria-describedby', describedBy);
    };
  });
  return () => undo.forEach((step) => step());
}

/** Focus an element once it is in the document, and select its text if it is an input. */
export function focusInput(element: HTMLElement | null | undefined, select = false): void {
  if (!element) return;
  element.focus();
  if (select && element instanceof HTMLInputElement) element.select();
}
