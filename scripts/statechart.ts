// Renders the MFA statechart as Mermaid `stateDiagram-v2` from the machine definition itself
// (its state nodes and transitions, never a hand-kept copy) into docs/statechart.md.
// `npm run docs` writes the file; test/docs/statechart.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnyStateNode } from 'xstate';
import { mfaFlowMachine } from '../machines/mfaFlow.js';

export const STATECHART_PATH = fileURLToPath(new URL('../docs/statechart.md', import.meta.url));
export const STATECHART_COMMAND = 'npm run docs';

type Transition = AnyStateNode['transitions'] extends Map<string, (infer T)[]> ? T : never;

/** The Mermaid id of a state node: its path, since Mermaid ids are global and take no dots. */
export function mermaidId(node: AnyStateNode): string {
  return node.path.length === 0 ? node.machine.id : node.path.join('_');
}

// Mermaid ends a label at `:` or `;` and a line at `#`-comments; state and event names never
// hold them, but parameters might.
const safe = (text: string) => text.replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim();

function guardLabel(guard: Transition['guard']): string | undefined {
  if (guard === undefined) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'inline guard';
  const params = (guard as { params?: unknown }).params;
  if (params === undefined || typeof params === 'function') return guard.type;
  const values = Object.values(params as Record<string, unknown>).flat().map(String);
  return `${guard.type}(${values.join(', ')})`;
}

function actionNames(transition: Transition): string[] {
  return transition.actions.map((action) => {
    if (typeof action === 'string') return action;
    if (typeof action === 'function') return 'type' in action && typeof action.type === 'string' ? action.type : action.name || 'action';
    return String((action as { type?: unknown }).type ?? 'action');
  });
}

/** What triggers a transition, in words a reviewer reads: an event, a service's answer, a delay. */
function triggerLabel(node: AnyStateNode, eventType: string): string {
  for (const invoke of node.invoke) {
    const src = typeof invoke.src === 'string' ? invoke.src : invoke.id;
    if (eventType === `xstate.done.actor.${invoke.id}`) return `${src} done`;
    if (eventType === `xstate.error.actor.${invoke.id}`) return `${src} error`;
  }
  const delayed = node.after.find((t) => t.eventType === eventType);
  if (delayed) return typeof delayed.delay === 'number' ? `after ${delayed.delay}ms` : `after ${delayed.delay}`;
  return eventType === '' ? 'always' : eventType;
}

interface Edge {
  from: AnyStateNode;
  to: AnyStateNode;
  label: string;
}

/** Every transition leaving `node`, in definition order; guarded alternatives keep their order. */
function edgesOf(node: AnyStateNode): Edge[] {
  const groups: [string, Transition[]][] = [...node.transitions.entries()];
  if (node.always?.length) groups.push(['', node.always as Transition[]]);
  const edges: Edge[] = [];
  for (const [eventType, transitions] of groups) {
    const trigger = triggerLabel(node, eventType);
    transitions.forEach((transition, index) => {
      const guard = guardLabel(transition.guard) ?? (index > 0 ? 'else' : undefined);
      const base = guard === undefined ? trigger : `${trigger} [${guard}]`;
      const targets = transition.target ?? [];
      if (targets.length === 0) {
        // Stays put and only runs actions (e.g. rejects a malformed code): a self-loop naming them.
        edges.push({ from: node, to: node, label: `${base} / ${actionNames(transition).join(', ')}` });
      }
      for (const target of targets) edges.push({ from: node, to: target, label: base });
    });
  }
  return edges;
}

/** The innermost compound state holding both ends: Mermaid draws an edge inside the block that declares it. */
function commonParent(a: AnyStateNode, b: AnyStateNode): AnyStateNode {
  const ancestors = (n: AnyStateNode) => {
    const chain: AnyStateNode[] = [];
    for (let p: AnyStateNode | undefined = n.parent; p; p = p.parent) chain.push(p);
    return chain;
  };
  const ofB = new Set(ancestors(b));
  return ancestors(a).find((p) => ofB.has(p)) ?? a.machine.root;
}

function describeNode(node: AnyStateNode): string[] {
  const lines: string[] = [];
  for (const invoke of node.invoke) lines.push(`invokes ${typeof invoke.src === 'string' ? invoke.src : invoke.id}`);
  if (node.tags.length > 0) lines.push(`tags ${node.tags.join(', ')}`);
  return lines;
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap(allNodes)];
}

export function renderMermaid(): string {
  const root = mfaFlowMachine.root;
  const edgesByBlock = new Map<AnyStateNode, Edge[]>();
  for (const node of allNodes(root)) {
    for (const edge of edgesOf(node)) {
      // Transitions of the root itself apply in every state: drawn from an "any state" node.
      const block = node === root ? root : commonParent(edge.from, edge.to);
      edgesByBlock.set(block, [...(edgesByBlock.get(block) ?? []), edge]);
    }
  }

  const lines: string[] = [];
  const emitBlock = (parent: AnyStateNode, indent: string) => {
    for (const target of parent.initial?.target ?? []) lines.push(`${indent}[*] --> ${mermaidId(target)}`);
    for (const child of Object.values(parent.states)) {
      const id = mermaidId(child);
      if (child.type === 'compound' || child.type === 'parallel') {
        lines.push(`${indent}state "${child.key}" as ${id} {`);
        emitBlock(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${child.key}" as ${id}`);
      }
      for (const text of describeNode(child)) lines.push(`${indent}${id} : ${safe(text)}`);
      if (child.type === 'final') lines.push(`${indent}${id} --> [*]`);
    }
    for (const edge of edgesByBlock.get(parent) ?? []) {
      lines.push(`${indent}${mermaidId(edge.from)} --> ${mermaidId(edge.to)} : ${safe(edge.label)}`);
    }
  };

  lines.push('stateDiagram-v2');
  lines.push(`  state "any state (${root.id})" as ${mermaidId(root)}`);
  emitBlock(root, '  ');
  return lines.join('\n');
}

export function renderStatechartDoc(): string {
  return `<!-- Generated from machines/mfaFlow.ts by \`${STATECHART_COMMAND}\` (scripts/statechart.ts). Do not edit by hand. -->

# The MFA statechart

Generated from the machine definition (\`mfaFlowMachine\`, id \`${mfaFlowMachine.id}\`) by
\`${STATECHART_COMMAND}\`; a test fails when this file and the machine disagree.

How to read the labels:

- \`event [guard]\`: the transition is taken on that event when the named guard holds. A trigger
  with several transitions tries them in the order of the machine definition; \`[else]\` is the
  one taken when none of the guarded ones is.
- \`service done\` / \`service error\`: the invoked service (an Auth0 MFA API call) answered or failed.
- \`after name\`: a delayed transition; the delay is computed by the chart's \`name\` delay.
- \`always\`: an eventless transition, taken as soon as its guard holds.
- A self-loop \`event / action\` stays in the state and only runs the action (e.g. rejects a
  malformed code without a request).
- Inside a state: \`invokes\` names the service running while in it, \`tags\` the tags UIs read.
- "any state" stands for the transitions defined on the machine itself, which apply in every
  state (\`cancel\`, the MFA token's expiry).

\`\`\`mermaid
${renderMermaid()}
\`\`\`
`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(STATECHART_PATH, renderStatechartDoc());
  process.stdout.write(`wrote ${STATECHART_PATH}\n`);
}
