/**
 * The start screen's project list: deleting a project asks first, "Keep it"
 * keeps it, and a deleted project is gone after a reload too; renaming.
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

  it('deletes a project only after asking, and the other stays', async () => {
    const items = page.getByTestId('project-item');
    await expect.poll(() => items.count()).toBe(2);
    const [lake, harbour] = await studio.call('projects.list', {});
    expect(lake!.name).toBe('lake');

    await page.getByRole('button', { name: 'Delete project lake' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete “lake”?' });
    await expect.poll(() => dialog.textContent()).toContain('The photo file you opened is not touched');
    // The safe choice has the focus, Tab stays inside the dialog, Escape closes it and the focus goes back to the opener.
    const focused = (): Promise<string> => page.evaluate<string>("document.activeElement?.textContent ?? ''");
    expect(await focused()).toBe('Keep it');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Delete project');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Keep it');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('aria-label') ?? null")).toBe('Delete project lake');
    await page.getByRole('button', { name: 'Delete project lake' }).click();
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await studio.call('projects.list', {})).length).toBe(2);

    await page.getByRole('button', { name: 'Delete project lake' }).click();
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.first().getAttribute('data-project-id')).toBe(String(harbour!.id));
    await page.reload();
    await expect.poll(() => items.count()).toBe(1);
    expect((await studio.call('projects.list', {})).map((p) => p.id)).toEqual([harbour!.id]);
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
  }, 120_000);

  it('renames a project; an empty name cannot be submitted', async () => {
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
