import {
  mayCall,
  type ApiEvent,
  type ApiName,
  type JobEvent,
  type ProjectInfo,
  type ReviewCounts,
} from '../../src-shared/api';
import { addJobPoint, type JobCurves } from './jobs';
import { toast, toastError } from './toasts.svelte';
import { api, transport } from './transport';

/**
 * App-wide state: the project as the shell sees it and every job's latest event (with the curves collected
 * from its points), kept current by the event stream so pages can come and go without losing progress.
 */
class AppState {
  info = $state<ProjectInfo | null>(null);
  loadError = $state<string | null>(null);
  jobs = $state<Record<string, JobEvent>>({});
  curves = $state<Record<string, JobCurves>>({});
  /**
   * Review progress: the one copy every view reads (sidebar, badge, review header, pages), fed by the project
   * info, every decision's answer and every decisions event, the newest kept.
   */
  counts = $state<ReviewCounts | null>(null);
  /** Bumped on every `decisions` event, so pages can react without subscribing themselves. */
  decisionsVersion = $state(0);
  /**
   * Bumped on every `project` event (an import, a finished run, new issues, a change another process made to the
   * project file), once the refreshed project info is in: pages reload what they show (runs, comparisons).
   */
  projectVersion = $state(0);
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  readonly runningJobs = $derived(Object.values(this.jobs).filter((j) => j.status === 'running'));

  start(): () => void {
    const stop = transport.subscribe((e) => this.onEvent(e));
    void this.refresh();
    return stop;
  }

  async refresh(): Promise<void> {
    try {
      const info = await api.projectInfo({});
      this.info = info;
      this.applyCounts(info.counts);
      this.loadError = null;
      for (const job of info.activeJobs) this.jobs[job.jobId] ??= job;
    } catch (e) {
      this.loadError = e instanceof Error ? e.message : String(e);
    }
  }

  /**
   * Keeps the newest counts: answers and events travel on different connections and may arrive out of order,
   * so counts of the same queue only replace ones that are not newer (`asOf`); another queue always does.
   */
  applyCounts(counts: ReviewCounts): void {
    const now = this.counts;
    if (!now || counts.setId !== now.setId || counts.asOf >= now.asOf) this.counts = counts;
  }

  /** Coalesces refreshes when events arrive in bursts. */
  refreshSoon(delayMs = 250): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, delayMs);
  }

  /**
   * Whether this client's role may make the call: the UI hides what it may not do (the server refuses it
   * anyway). Until the project info has loaded, only review is offered.
   */
  can(name: ApiName, input: unknown = {}): boolean {
    return mayCall(this.info?.role ?? 'annotator', name, input);
  }

  /** The latest job of a kind (running first), e.g. for the train page. */
  latestJob(kinds: JobEvent['kind'][]): JobEvent | null {
    const all = Object.values(this.jobs).filter((j) => kinds.includes(j.kind));
    return all.find((j) => j.status === 'running') ?? all.at(-1) ?? null;
  }

  async cancel(jobId: string): Promise<void> {
    try {
      const { cancelled } = await api.cancelJob({ jobId });
      if (!cancelled) toast('The job had already finished.');
    } catch (e) {
      toastError(e);
    }
  }

  private onEvent(e: ApiEvent): void {
    if (e.type === 'job') {
      const job = e.job;
      const previous = this.jobs[job.jobId];
      this.jobs[job.jobId] = job;
      if (!this.curves[job.jobId]) this.curves[job.jobId] = {};
      addJobPoint(this.curves[job.jobId], job);
      if (job.status !== 'running' && previous?.status !== job.status) this.onJobFinished(job);
      else if (!previous) this.refreshSoon();
    } else if (e.type === 'decisions') {
      this.decisionsVersion++;
      this.applyCounts(e.counts);
    } else if (e.type === 'project') {
      void this.refresh().then(() => this.projectVersion++);
    }
  }

  private onJobFinished(job: JobEvent): void {
    void this.refresh();
    if (job.status === 'done') toast(job.message || 'Done', 'success');
    else if (job.status === 'failed') toast(`${job.kind} failed: ${job.error ?? job.message}`, 'error');
    else toast(`${job.kind} cancelled`);
  }
}

export const app = new AppState();
