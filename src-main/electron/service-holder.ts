import type { TransportService } from '../transport/service-port';

/**
 * The one open project's service. "Open project…" swaps it: the old one is closed (jobs cancelled, DB
 * closed) before the new one is announced, so IPC, media and event forwarding follow the swap.
 */
export class ServiceHolder {
  private service: TransportService | null = null;
  private readonly listeners = new Set<(service: TransportService | null) => void>();

  get current(): TransportService | null {
    return this.service;
  }

  onChange(listener: (service: TransportService | null) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async replace(next: TransportService | null): Promise<void> {
    const previous = this.service;
    this.service = null;
    this.listeners.forEach((l) => l(null));
    if (previous) await previous.close();
    this.service = next;
    if (next) this.listeners.forEach((l) => l(next));
  }

  close(): Promise<void> {
    return this.replace(null);
  }
}
