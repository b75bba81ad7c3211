/** A problem with a project file that the user can act on (wrong file, newer version, missing). */
export class ProjectError extends Error {
  override name = 'ProjectError';
}
