/**
 * The start screen's project list: renaming a project.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startStudio, type Studio } from './harness';

const SAMPLE = path.join(REPO_ROOT, 'assets', 'sample.jpg');

describe('projects on the start screen', () => {
  let studio: Studio;
  let page: Page;

  beforeAll(async () => {
    studio = await startStudio();
    const bytes = new Uint8Array(readFileSync(SAMPLE));
    await studio.call('images.import', { fileName: 'harbour.jpg', bytes });
    await studio.call('images.import', { fileName: 'lake.jpg', bytes });
    page = await studio.newPage();
    await page.goto(studio.url);
  }, 120_000);

  afterAll(async () => {
    await studio?.close();
  }, 60_000);

  it('renames a project; an empty name cannot be submitted', async () => {
    await expect.poll(() => page.getByTestId('project-item').count()).toBe(2);
    await page.getByRole('button', { name: 'Rename project harbour' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rename “harbour”' });
    const field = dialog.getByLabel('Project name');
    await field.fill('   ');
    expect(await dialog.getByRole('button', { name: 'Rename' }).isDisabled()).toBe(true);
    await field.fill('  Harbour at dusk ');
    await field.press('Enter');
    await expect.poll(() => page.getByTestId('project-item').first().locator('.project-name').textContent()).toBe('Harbour at dusk');
    expect((await studio.call('projects.list', {}))[0]!.name).toBe('Harbour at dusk');
    await expect(studio.call('projects.rename', { projectId: (await studio.call('projects.list', {}))[0]!.id, name: ' ' }))
      .rejects.toThrow(/a name cannot be empty/);
  }, 60_000);
});
