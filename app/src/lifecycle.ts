// The service's readiness state: ready once listening, not ready from the moment shutdown starts.
export class Lifecycle {
  #ready = false;
  #shuttingDown = false;

  get ready(): boolean {
    return this.#ready && !this.#shuttingDown;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  markReady(): void {
    this.#ready = true;
  }

  markShuttingDown(): void {
    this.#shuttingDown = true;
  }
}
