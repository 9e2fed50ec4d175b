/** Counters in the Prometheus text format, kept on an instance (one per service). */
export class Metrics {
  private readonly counters = new Map<string, { help: string; value: number }>();

  constructor(private readonly prefix = 'switchboard') {}

  increment(name: string, help: string, by = 1): void {
    const counter = this.counters.get(name) ?? { help, value: 0 };
    counter.value += by;
    this.counters.set(name, counter);
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { help, value }] of this.counters) {
      lines.push(`# HELP ${this.prefix}_${name} ${help}`, `# TYPE ${this.prefix}_${name} counter`, `${this.prefix}_${name} ${value}`);
    }
    const memory = process.memoryUsage();
    lines.push(
      `# TYPE ${this.prefix}_process_resident_memory_bytes gauge`,
      `${this.prefix}_process_resident_memory_bytes ${memory.rss}`,
      `# TYPE ${this.prefix}_process_uptime_seconds gauge`,
      `${this.prefix}_process_uptime_seconds ${Math.round(process.uptime())}`,
    );
    return lines.join('\n') + '\n';
  }
}
