import type { Project } from '../core/store/project';

/**
 * What a new issue set means for the review, said where one is made (train, issues): it becomes the review
 * queue, and nothing earlier is lost.
 */
export function newQueueNote(project: Project, setId: number): string {
  const earlier = project.issues.list().length - 1;
  return earlier > 0
    ? `Issue set #${setId} is now the review queue; the ${earlier} earlier issue set${earlier === 1 ? '' : 's'} and ` +
        `every decision stay available (the Review page's "Issue set" menu).\n`
    : `Issue set #${setId} is the review queue.\n`;
}
