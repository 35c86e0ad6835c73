import { expect, test } from 'vitest';
import { routePrefixProblem } from '../../../core/http/plugin-routes.ts';

const KERNEL = ['/graphql', '/health', '/ready', '/metrics'];

test('a plugin route takes a lower-case prefix of its own, clear of the kernel’s paths and other plugins’', () => {
  expect(routePrefixProblem('/exports/', [], KERNEL)).toBeUndefined();
  expect(routePrefixProblem('/exports', [], KERNEL)).toMatch(/ending with/);
  expect(routePrefixProblem('/Exports/', [], KERNEL)).toMatch(/lower-case/);
  expect(routePrefixProblem('/graphql/', [], KERNEL)).toMatch(/covers the gateway's own "\/graphql"/);
  expect(routePrefixProblem('/', [], KERNEL)).toMatch(/lower-case path/);
  const taken = [{ prefix: '/exports/', plugin: 'portability' }];
  expect(routePrefixProblem('/exports/more/', taken, KERNEL)).toMatch(
    /overlaps "\/exports\/" of plugin "portability"/,
  );
  expect(routePrefixProblem('/files/', taken, KERNEL)).toBeUndefined();
});
