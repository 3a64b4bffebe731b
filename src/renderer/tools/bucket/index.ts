import type { ToolDefinition } from '../toolTypes';

/** Fills the connected unmasked area under a click (Alt: clears the connected masked area). */
export const BUCKET_TOOL: ToolDefinition = { id: 'bucket', label: 'Fill bucket', shortcut: 'G', strokeMode: 'paint', kind: 'bucket' };
