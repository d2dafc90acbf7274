/**
 * GitHub's own parser (@actions/workflow-parser) over this repository's action.yml and workflows: the errors the
 * runner would report when loading them, as `file (Line: L, Col: C): message` lines. Local reusable workflows
 * (`uses: ./.github/workflows/x.yml`) are loaded from the working tree, so a call is checked against its callee.
 */
import { readFileSync } from 'node:fs';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import type { TemplateContext } from '@actions/workflow-parser/templates/template-context';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';

const trace = new NoOperationTraceWriter();

function errorsOf(context: TemplateContext): string[] {
  return context.errors.getErrors().map((error) => error.message);
}

/** The errors GitHub's parser reports for an action manifest given as text. */
export function actionErrors(name: string, content: string): string[] {
  const parsed = parseAction({ name, content }, trace);
  if (parsed.value) convertActionTemplate(parsed.context, parsed.value);
  return errorsOf(parsed.context);
}

/** The errors GitHub's parser reports for a workflow, loading the local reusable workflows it calls. */
export async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, trace);
  if (!parsed.value) return errorsOf(parsed.context);
  const fileProvider = {
    getFileContent: async (ref: FileReference) => {
      if ('repository' in ref) throw new Error(`remote reusable workflow ${ref.owner}/${ref.repository}/${ref.path}@${ref.version} is not loaded`);
      return { name: ref.path, content: readFileSync(ref.path, 'utf8') };
    },
  };
  // Conversion adds its errors to the parse context (the template's own error list is a copy of them).
  await convertWorkflowTemplate(parsed.context, parsed.value, fileProvider, { fetchReusableWorkflowDepth: 1 });
  return errorsOf(parsed.context);
}
