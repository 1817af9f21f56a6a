// docs/statechart.md is generated from the machine: it must be what a fresh render gives, and
// the render must show every state node and every transition of the machine.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { AnyStateNode } from 'xstate';
import { mfaFlowMachine } from '../../machines/mfaFlow.js';
import { mermaidId, renderMermaid, renderStatechartDoc, STATECHART_COMMAND, STATECHART_PATH } from '../../scripts/statechart.js';

const nodes = (node: AnyStateNode): AnyStateNode[] => [node, ...Object.values(node.states).flatMap(nodes)];

describe('docs/statechart.md', () => {
  test(`is up to date (regenerate with \`${STATECHART_COMMAND}\`)`, () => {
    const committed = readFileSync(STATECHART_PATH, 'utf8');
    expect(committed, `docs/statechart.md is stale: run \`${STATECHART_COMMAND}\` and commit it`).toBe(renderStatechartDoc());
  });

  test('every state node of the machine is declared, under its own name', () => {
    const diagram = renderMermaid();
    const all = nodes(mfaFlowMachine.root);
    expect(all.length).toBeGreaterThan(20);
    for (const node of all) {
      const declaration = node === mfaFlowMachine.root ? ` as ${mermaidId(node)}\n` : `state "${node.key}" as ${mermaidId(node)}`;
      expect(diagram, node.id).toContain(declaration);
    }
  });

  test('every transition is drawn: one edge per target, a self-loop for a targetless one', () => {
    const expected = nodes(mfaFlowMachine.root)
      .flatMap((node) => [...[...node.transitions.values()].flat(), ...(node.always ?? [])])
      .reduce((sum, transition) => sum + Math.max(1, transition.target?.length ?? 0), 0);
    const edges = renderMermaid()
      .split('\n')
      .filter((line) => line.includes(' --> ') && !line.includes('[*]'));
    expect(edges).toHaveLength(expected);
  });

  test('delays, services, guards and tags are named', () => {
    const diagram = renderMermaid();
    for (const text of ['after wait', 'associate done', 'verifyCode error [codeRefused]', 'verifyCode error [lockedOut]', 'invokes pollDevice', 'after nextPoll', 'after resendCooldown', 'tags waitingForDevice', 'tags busy', 'invokes passwordGrant', '[mayChallengeExisting]', 'retry', 'step_resume']) {
      expect(diagram).toContain(text);
    }
  });
});
