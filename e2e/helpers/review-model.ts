/**
 * What a sequence of review keys must do, computed the plain way: one step after the other, no network, no
 * pages. The stress test presses random keys at machine speed in the real app and then compares the project
 * file's decision log with this model's result.
 *
 * The rules modelled are the review's documented behaviour: a decision key decides the issue on screen and
 * opens the next undecided issue after it (staying put when there is none); Ctrl+Z undoes this session's last
 * change and shows that issue; Ctrl+Shift+Z redoes; arrows move one issue; a filter change keeps the issue on
 * screen when it is on the new list's first page, else opens the first undecided issue.
 */
export interface ModelIssue {
  rank: number;
  sampleIndex: number;
  given: number;
  suggested: number;
  quality: number;
}

export type ModelKey = 'q' | 'w' | 'e' | '0' | '1' | 'undo' | 'redo' | 'next' | 'prev';

interface Change {
  sampleIndex: number;
  before: string | undefined;
  after: string;
}

const FIRST_PAGE = 50;

export class ReviewModel {
  readonly state = new Map<number, string>();
  list: ModelIssue[] = [];
  pos = 0;
  counts = { decide: 0, undo: 0, redo: 0 };
  private readonly undone: Change[] = [];
  private readonly done: Change[] = [];

  constructor(private readonly all: ModelIssue[]) {
    this.setFilter(() => true);
  }

  get current(): ModelIssue | undefined {
    return this.list[this.pos];
  }

  setFilter(keep: (issue: ModelIssue) => boolean): void {
    const was = this.current?.sampleIndex;
    this.list = this.all.filter(keep);
    const at = this.list.findIndex((x) => x.sampleIndex === was);
    if (at >= 0 && at < FIRST_PAGE) this.pos = at;
    else this.advanceFrom(0);
  }

  press(key: ModelKey): void {
    switch (key) {
      case 'next':
        if (this.pos + 1 < this.list.length) this.pos++;
        return;
      case 'prev':
        if (this.pos > 0) this.pos--;
        return;
      case 'undo':
        return this.revert(this.done, this.undone, 'before', 'undo');
      case 'redo':
        return this.revert(this.undone, this.done, 'after', 'redo');
      default:
        return this.decide(key);
    }
  }

  private decide(key: 'q' | 'w' | 'e' | '0' | '1'): void {
    const issue = this.current;
    if (!issue) return;
    const label = key === 'w' ? issue.suggested : key === '0' || key === '1' ? Number(key) : null;
    const after =
      key === 'q' || label === issue.given ? 'keep' : key === 'e' ? 'exclude' : `relabel:${label}`;
    this.done.push({ sampleIndex: issue.sampleIndex, before: this.state.get(issue.sampleIndex), after });
    this.undone.length = 0;
    this.state.set(issue.sampleIndex, after);
    this.counts.decide++;
    this.advanceFrom(this.pos + 1);
  }

  private revert(from: Change[], to: Change[], side: 'before' | 'after', kind: 'undo' | 'redo'): void {
    const change = from.pop();
    if (!change) return;
    to.push(change);
    const value = change[side];
    if (value === undefined) this.state.delete(change.sampleIndex);
    else this.state.set(change.sampleIndex, value);
    this.counts[kind]++;
    const at = this.list.findIndex((x) => x.sampleIndex === change.sampleIndex);
    if (at >= 0) this.pos = at;
  }

  private advanceFrom(from: number): void {
    for (let i = from; i < this.list.length; i++) {
      if (!this.state.has(this.list[i].sampleIndex)) {
        this.pos = i;
        return;
      }
    }
    if (from === 0) this.pos = 0;
  }
}
