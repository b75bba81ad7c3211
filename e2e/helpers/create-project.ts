/** node --import tsx e2e/helpers/create-project.ts <file.relabel>: creates an empty project file. */
import { Project } from '../../src-main/core/store/project';

const path = process.argv[2];
if (!path) throw new Error('usage: create-project.ts <file.relabel>');
Project.create(path).close();
