const SEOUL = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit' });

/** The billing month (`2026-02`) an instant falls in on a Korean phone bill: Asia/Seoul time. */
export function seoulMonth(at: Date): string {
  const parts = SEOUL.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}`;
}
